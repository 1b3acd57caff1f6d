"""Material on a real SQLite file: scene ideas, real photos and real songs into the project."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import InputRejected
from bot.studio.models import AssetKind
from tests.studio.helpers import OWNER, STRANGER, build, with_ideas
from tests.support.synthetic_media import make_photo, make_song, not_an_image, not_audio


def test_the_first_idea_starts_an_untitled_project(tmp_path: Path) -> None:
    world = build(tmp_path)
    added = world.material.add_idea(OWNER, "Fishing boats at dawn", "Untitled")
    assert added.project_created and added.project.title == "Untitled"
    assert (added.scene.position, added.scene.idea, added.scene.caption) == (
        1,
        "Fishing boats at dawn",
        "Fishing boats at dawn",
    )
    second = world.material.add_idea(OWNER, "  The  old   quarter ", "Untitled")
    assert not second.project_created and second.project.id == added.project.id
    assert second.scene.position == 2 and second.scene.idea == "The old quarter"
    assert world.ideas() == ["Fishing boats at dawn", "The old quarter"]
    assert world.store.conversation(OWNER, added.project.id) == [
        "Fishing boats at dawn",
        "The old quarter",
    ]
    assert world.material.scene_count(OWNER, added.project.id) == 2
    assert world.material.scene_count(STRANGER, added.project.id) == 0


def test_an_idea_is_journalled_so_undo_takes_it_back(tmp_path: Path) -> None:
    world = build(tmp_path)
    with_ideas(world, "a", "b")
    world.edits.undo(OWNER, world.project().id)
    assert world.ideas() == ["a"]


def test_ideas_must_be_short_and_not_empty(tmp_path: Path) -> None:
    world = build(tmp_path)
    with pytest.raises(InputRejected) as long:
        world.material.add_idea(OWNER, "x" * (world.limits.max_idea_chars + 1), "Untitled")
    assert long.value.key == "error.idea_too_long"
    assert long.value.params == {"limit": world.limits.max_idea_chars}
    with pytest.raises(InputRejected) as empty:
        world.material.add_idea(OWNER, " \n\t", "Untitled")
    assert empty.value.key == "error.empty_idea"
    assert world.store.list_projects(OWNER) == []  # refused before a project was started


def test_an_idea_beyond_the_scene_limit_is_refused(tmp_path: Path) -> None:
    world = build(tmp_path, max_scenes=2)
    with_ideas(world, "a", "b")
    with pytest.raises(InputRejected):
        world.material.add_idea(OWNER, "c", "Untitled")
    assert world.ideas() == ["a", "b"]


async def test_a_captioned_photo_starts_a_scene_and_is_stored_normalised(
    tmp_path: Path,
) -> None:
    world = build(tmp_path)
    source = world.upload(make_photo(320, 240, seed=1, fmt="PNG"), ".png")
    added = await world.material.add_photo(
        OWNER, source, "A temple at night", "../../evil\x00name.png", "Untitled"
    )
    assert added.new_scene and added.project_created
    assert added.scene.idea == "A temple at night"
    assert not source.exists()  # the upload is gone once read
    [photo] = world.store.scene_references(OWNER, added.scene.id)
    assert (photo.kind, photo.ext, photo.width, photo.height) == (AssetKind.PHOTO, "jpg", 320, 240)
    assert photo.original_name is not None and "/" not in photo.original_name
    stored = world.media.path_of(photo.ref)
    assert stored.read_bytes()[:2] == b"\xff\xd8"  # a JPEG whatever came in
    assert photo.size == stored.stat().st_size
    assert world.store.get_asset(photo.sha) == photo
    assert list(world.media.scratch.iterdir()) == []


async def test_an_uncaptioned_photo_joins_the_last_scene(tmp_path: Path) -> None:
    world = build(tmp_path)
    with_ideas(world, "a", "b")
    scene = await world.add_photo(seed=2)
    assert scene.idea == "b"
    assert [len(world.store.scene_references(OWNER, s.id)) for s in world.scenes()] == [0, 1]
    assert world.store.count_references(OWNER, world.project().id) == 1


async def test_an_uncaptioned_photo_in_an_empty_project_waits_for_its_idea(
    tmp_path: Path,
) -> None:
    world = build(tmp_path)
    scene = await world.add_photo(seed=3)
    assert scene.idea == ""
    # The next text is that scene's idea, not a scene of its own.
    added = world.material.add_idea(OWNER, "Rice fields", "Untitled")
    assert added.scene.id == scene.id
    assert world.ideas() == ["Rice fields"]


async def test_a_photo_in_reply_to_a_scene_joins_that_scene(tmp_path: Path) -> None:
    world = build(tmp_path)
    with_ideas(world, "a", "b")
    first = world.scenes()[0]
    added = await world.material.add_photo(
        OWNER, world.upload(make_photo(200, 200, seed=4), ".jpg"), None, None, "Untitled", first.id
    )
    assert not added.new_scene and added.scene.id == first.id
    assert len(world.store.scene_references(OWNER, first.id)) == 1


async def test_a_stranger_replying_to_my_scene_adds_to_their_own_project(tmp_path: Path) -> None:
    world = build(tmp_path)
    with_ideas(world, "mine")
    mine = world.scenes()[0]
    added = await world.material.add_photo(
        STRANGER, world.upload(make_photo(200, 200), ".jpg"), None, None, "Untitled", mine.id
    )
    assert added.project.owner_id == STRANGER and added.project_created
    assert world.store.scene_references(OWNER, mine.id) == []


async def test_the_same_photo_twice_is_stored_once(tmp_path: Path) -> None:
    world = build(tmp_path)
    first = await world.add_photo(seed=5, caption="one")
    second = await world.add_photo(seed=5, caption="two")
    [a] = world.store.scene_references(OWNER, first.id)
    [b] = world.store.scene_references(OWNER, second.id)
    assert a.sha == b.sha
    assert len([p for p in world.media.root.rglob("*.jpg")]) == 1


async def test_a_file_that_is_no_image_is_refused_and_deleted(tmp_path: Path) -> None:
    world = build(tmp_path)
    source = world.upload(not_an_image(), ".jpg")
    with pytest.raises(InputRejected):
        await world.material.add_photo(OWNER, source, "caption", None, "Untitled")
    assert not source.exists()
    assert world.store.list_projects(OWNER) == []
    assert list(world.media.scratch.iterdir()) == []


async def test_a_photo_scene_beyond_the_limit_is_refused(tmp_path: Path) -> None:
    world = build(tmp_path, max_scenes=1)
    with_ideas(world, "a")
    with pytest.raises(InputRejected) as raised:
        await world.add_photo(seed=6, caption="b")
    assert raised.value.key == "error.too_many_scenes"
    assert world.ideas() == ["a"]


async def test_a_song_is_checked_analysed_and_replaces_the_last_one(tmp_path: Path) -> None:
    world = build(tmp_path)
    first_source = world.upload(make_song(seconds=4.0, bpm=120.0, fmt="wav"), ".wav")
    project, song = await world.material.set_song(
        OWNER, first_source, "wav", "My song.wav", "Untitled"
    )
    assert not first_source.exists()
    assert song.kind is AssetKind.SONG and song.duration == pytest.approx(4.0, abs=0.05)
    assert song.original_name == "My song.wav"
    stored = world.store.get_asset(song.sha)
    assert stored is not None and stored.tempo_bpm == pytest.approx(120.0, rel=0.05)
    assert len(stored.beats) >= 4
    assert world.project().song_sha == song.sha
    second_source = world.upload(make_song(seconds=3.0, bpm=90.0, fmt="wav"), ".wav")
    again, other = await world.material.set_song(OWNER, second_source, "wav", None, "Untitled")
    assert again.id == project.id and other.sha != song.sha
    assert world.project().song_sha == other.sha


async def test_a_song_too_long_or_no_audio_is_refused(tmp_path: Path) -> None:
    world = build(tmp_path, max_song_seconds=2.0)
    long = world.upload(make_song(seconds=3.0, fmt="wav"), ".wav")
    with pytest.raises(InputRejected) as raised:
        await world.material.set_song(OWNER, long, "wav", None, "Untitled")
    assert raised.value.key == "error.song_too_long" and raised.value.params == {"limit": "0:02"}
    assert not long.exists()
    junk = world.upload(not_audio(), ".mp3")
    with pytest.raises(InputRejected):
        await world.material.set_song(OWNER, junk, "mp3", None, "Untitled")
    assert not junk.exists()
    assert world.store.list_projects(OWNER) == []


def test_downloads_over_the_limit_are_refused_before_they_start(tmp_path: Path) -> None:
    world = build(tmp_path)
    world.material.check_download(None)
    world.material.check_download(world.limits.download_limit)
    with pytest.raises(InputRejected) as raised:
        world.material.check_download(world.limits.download_limit + 1)
    assert raised.value.key == "error.file_too_big" and raised.value.params == {"limit_mb": 20}
    scratch = world.material.scratch_path(".ogg")
    assert scratch.parent == world.media.scratch and scratch.suffix == ".ogg"
