"""Footage on a real SQLite file: the director's own clips (made by ffmpeg) become scenes."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from PIL import Image

from bot.errors import InputRejected
from bot.studio.edits import Numbered, SetFootageStart, SetSwitch
from bot.studio.footage import stretch_of
from bot.studio.material import FootageAdded, SongFromVideo
from bot.studio.models import AssetKind, ProjectSwitch, Scene
from bot.studio.scene_editing import SceneAction
from bot.studio.timeline import FootageSound
from tests.studio.helpers import OWNER, STRANGER, World, build, with_ideas
from tests.support.synthetic_media import cut_short, make_clip, make_song


async def send_clip(
    world: World,
    tmp_path: Path,
    name: str = "clip.mp4",
    *,
    caption: str | None = None,
    scene_id: int | None = None,
    **clip: object,
) -> FootageAdded:
    """A real clip through `add_footage` (the upload is consumed as a download would be)."""
    source = world.media.scratch_path(".mp4")
    await asyncio.to_thread(make_clip, tmp_path / name, **clip)  # type: ignore[arg-type]
    source.write_bytes((tmp_path / name).read_bytes())
    added = await world.material.add_footage(
        OWNER, source, name.rsplit(".", 1)[-1], caption, name, "Untitled", scene_id=scene_id
    )
    assert isinstance(added, FootageAdded)
    assert not source.exists()
    return added


def footage_scenes(world: World) -> list[tuple[int, str, bool]]:
    """(number, idea, shows footage) for every scene of the active project."""
    return [(s.position, s.idea, s.footage_sha is not None) for s in world.scenes()]


async def test_a_captioned_clip_starts_a_scene_with_its_facts_and_liveliness(
    tmp_path: Path,
) -> None:
    world = build(tmp_path)
    added = await send_clip(world, tmp_path, caption="Chợ nổi Cái Răng", seconds=3.0)
    assert added.new_scene and added.project_created and added.after_full is None
    assert added.scene.idea == "Chợ nổi Cái Răng" and added.scene.footage_start is None
    assert added.scene.footage_sha is not None
    asset = world.store.get_asset(added.scene.footage_sha)
    assert asset is not None and asset.kind is AssetKind.FOOTAGE
    assert (asset.width, asset.height, asset.ext) == (320, 240, "mp4")
    assert asset.duration == pytest.approx(3.0, abs=0.1)
    assert asset.fps == pytest.approx(25, abs=0.5)
    assert asset.rotation == 0 and not asset.hdr
    # one liveliness score per half second, kept with the asset once
    assert len(asset.liveliness) == pytest.approx(6, abs=1)
    assert world.media.path_of(asset.ref).exists()
    assert world.store.scene_references(OWNER, added.scene.id) == []  # a clip is no photo


async def test_a_rotated_phone_clip_is_stored_upright(tmp_path: Path) -> None:
    world = build(tmp_path)
    added = await send_clip(world, tmp_path, caption="portrait", rotation=90)
    asset = world.store.get_asset(added.scene.footage_sha or "")
    assert asset is not None and (asset.width, asset.height, asset.rotation) == (240, 320, 90)


async def test_no_caption_joins_the_last_scene_and_a_second_clip_starts_the_next(
    tmp_path: Path,
) -> None:
    world = build(tmp_path)
    with_ideas(world, "Boats at dawn", "The market")
    first = await send_clip(world, tmp_path, "a.mp4")
    assert not first.new_scene and first.scene.position == 2
    assert footage_scenes(world) == [(1, "Boats at dawn", False), (2, "The market", True)]
    second = await send_clip(world, tmp_path, "b.mp4", source="testsrc")
    assert second.new_scene and second.after_full == 2 and second.scene.position == 3
    assert footage_scenes(world) == [
        (1, "Boats at dawn", False),
        (2, "The market", True),
        (3, "The market", True),
    ]
    assert second.scene.footage_sha != first.scene.footage_sha


async def test_a_reply_joins_the_scene_replied_to_or_starts_one_right_after_it(
    tmp_path: Path,
) -> None:
    world = build(tmp_path)
    with_ideas(world, "one", "two", "three")
    first_scene = world.scenes()[0]
    joined = await send_clip(world, tmp_path, "a.mp4", scene_id=first_scene.id)
    assert joined.scene.id == first_scene.id and not joined.new_scene
    after = await send_clip(world, tmp_path, "b.mp4", source="testsrc", scene_id=first_scene.id)
    assert after.after_full == 1 and after.scene.position == 2
    assert footage_scenes(world) == [
        (1, "one", True),
        (2, "one", True),
        (3, "two", False),
        (4, "three", False),
    ]


async def test_a_clip_into_an_empty_project_starts_an_untitled_scene(tmp_path: Path) -> None:
    world = build(tmp_path)
    added = await send_clip(world, tmp_path)
    assert added.project_created and added.new_scene and added.scene.idea == ""
    world.material.add_idea(OWNER, "Lanterns on the river", "Untitled")
    assert footage_scenes(world) == [(1, "Lanterns on the river", True)]  # the text is its idea


async def test_undo_takes_a_clip_back_off_its_scene(tmp_path: Path) -> None:
    world = build(tmp_path)
    with_ideas(world, "one")
    await send_clip(world, tmp_path)
    world.edits.undo(OWNER, world.project().id)
    assert footage_scenes(world) == [(1, "one", False)]


async def refused(world: World, path: Path, extension: str = "mp4") -> str:
    """The key a bad clip is refused with; the upload is gone and nothing was stored."""
    source = world.media.scratch_path(f".{extension}")
    source.write_bytes(path.read_bytes())
    before = world.store.list_projects(OWNER)
    with pytest.raises(InputRejected) as error:
        await world.material.add_footage(OWNER, source, extension, "idea", path.name, "Untitled")
    assert not source.exists()
    assert world.store.list_projects(OWNER) == before
    rows = world.store.db.query("select count(*) as n from assets where kind = 'footage'")
    assert next(iter(rows))["n"] == 0
    return error.value.key


async def test_bad_clips_are_refused_by_name_and_nothing_is_stored(tmp_path: Path) -> None:
    world = build(tmp_path, max_footage_seconds=4.0)
    whole = await asyncio.to_thread(make_clip, tmp_path / "whole.mp4", seconds=3.0)
    truncated = cut_short(whole, tmp_path / "truncated.mp4")
    assert await refused(world, truncated) in {
        "error.footage_truncated",
        "error.footage_unreadable",
    }
    long = await asyncio.to_thread(make_clip, tmp_path / "long.mp4", seconds=5.0)
    assert await refused(world, long) == "error.footage_too_long"
    one = await asyncio.to_thread(make_clip, tmp_path / "one.mp4", seconds=0.04)
    assert await refused(world, one) == "error.footage_one_frame"
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"not a video at all " * 100)
    assert (await refused(world, junk)).startswith("error.footage_")


async def test_too_many_pixels_a_second_is_refused(tmp_path: Path) -> None:
    # The limit scaled down so a small clip stands for 4K 60: 320x240 at 50 fps is over it.
    world = build(tmp_path, max_footage_pixel_rate=320 * 240 * 30)
    heavy = await asyncio.to_thread(make_clip, tmp_path / "heavy.mp4", seconds=1.0, fps=50)
    assert await refused(world, heavy) == "error.footage_too_demanding"


async def test_a_video_file_of_sound_alone_becomes_the_song(tmp_path: Path) -> None:
    world = build(tmp_path)
    source = world.media.scratch_path(".mp4")
    source.write_bytes(make_song(seconds=6.0, fmt="m4a"))
    added = await world.material.add_footage(OWNER, source, "mp4", None, "song.mp4", "Untitled")
    assert isinstance(added, SongFromVideo)
    assert added.project.id == world.project().id
    assert world.project().song_sha == added.song.sha and added.song.kind is AssetKind.SONG
    assert world.scenes() == []


def stretch_text(world: World, scene: Scene) -> tuple[float, float, float] | None:
    """(start, end, clip length) of the scene's stretch, the clip length to a tenth."""
    stretch = world.scene_editing.stretch(OWNER, scene)
    if stretch is None:
        return None
    return (stretch.start, stretch.end, round(stretch.clip_seconds, 1))


async def test_start_scene_at_moves_the_stretch_and_undo_puts_it_back(tmp_path: Path) -> None:
    world = build(tmp_path)
    added = await send_clip(world, tmp_path, caption="market", seconds=10.0)
    project = world.project()
    world.edits.apply(OWNER, project.id, [SetFootageStart(Numbered((1,)), 2.0)])
    scene = world.scenes()[0]
    assert scene.footage_start == 2.0
    assert stretch_text(world, scene) == (2.0, 6.0, 10.0)
    with pytest.raises(InputRejected) as past_the_end:
        world.edits.apply(OWNER, project.id, [SetFootageStart(Numbered((1,)), 30.0)])
    assert past_the_end.value.key == "edit.footage_too_short"
    world.edits.undo(OWNER, project.id)
    assert world.scenes()[0].footage_start is None
    assert added.scene.id == scene.id


async def test_a_scene_without_a_clip_has_no_stretch_to_move(tmp_path: Path) -> None:
    world = build(tmp_path)
    with_ideas(world, "words only")
    with pytest.raises(InputRejected) as error:
        world.edits.apply(OWNER, world.project().id, [SetFootageStart(Numbered((1,)), 1.0)])
    assert error.value.key == "edit.no_footage" and error.value.params == {"number": 1}
    assert stretch_text(world, world.scenes()[0]) is None


async def test_the_panel_buttons_nudge_the_stretch_a_second_within_the_clip(
    tmp_path: Path,
) -> None:
    world = build(tmp_path)
    added = await send_clip(world, tmp_path, caption="market", seconds=6.0)
    scene_id = added.scene.id
    world.edits.apply(OWNER, world.project().id, [SetFootageStart(Numbered((1,)), 0.0)])
    earlier = world.scene_editing.apply(OWNER, scene_id, SceneAction.CLIP_EARLIER)
    assert earlier is not None and earlier.footage_start == 0.0  # already at the start
    later = world.scene_editing.apply(OWNER, scene_id, SceneAction.CLIP_LATER)
    assert later is not None and later.footage_start == 1.0
    world.scene_editing.apply(OWNER, scene_id, SceneAction.CLIP_LATER)
    last = world.scene_editing.apply(OWNER, scene_id, SceneAction.CLIP_LATER)
    # a 4 s slot in a 6 s clip can start at 2 s at the latest
    assert last is not None and last.footage_start == 2.0
    assert stretch_text(world, last) == (2.0, 6.0, 6.0)
    world.edits.undo(OWNER, world.project().id)
    assert world.scenes()[0].footage_start == 1.0


async def test_a_footage_scene_costs_nothing_and_its_preview_is_a_frame_of_the_stretch(
    tmp_path: Path,
) -> None:
    world = build(tmp_path, image_cost=0.04)
    with_ideas(world, "words only")
    added = await send_clip(world, tmp_path, caption="clip", seconds=8.0)
    assert world.costs.estimate(OWNER).usd == pytest.approx(0.04)  # the words-only scene
    project = world.project()
    pictures = await world.pictures.ensure(
        OWNER,
        project,
        160,
        284,
        cancelled=asyncio.Event(),
        on_progress=world_progress,
        on_failure=no_failure,
    )
    footage = pictures[1]
    assert footage.footage is not None and footage.stretch is not None
    assert [r.idea for r in world.images.requests] == ["words only"]  # no paid picture
    first_key = world.scenes()[1].picture_key
    with Image.open(footage.path) as still:
        assert still.size == (320, 240)
    world.edits.apply(OWNER, project.id, [SetFootageStart(Numbered((2,)), 3.0)])
    again = await world.pictures.ensure(
        OWNER,
        project,
        160,
        284,
        cancelled=asyncio.Event(),
        on_progress=world_progress,
        on_failure=no_failure,
    )
    assert again[1].made_now and again[1].stretch is not None and again[1].stretch.start == 3.0
    assert world.scenes()[1].picture_key != first_key  # the preview follows the stretch
    assert added.scene.id == again[1].scene.id
    assert len(world.images.requests) == 1


async def world_progress(fraction: float) -> None:
    """Progress is not what these tests look at."""


async def no_failure(position: int, key: str) -> None:
    """No scene may fail here."""
    raise AssertionError(f"scene {position} failed: {key}")


def test_the_liveliest_stretch_is_chosen_unless_the_director_chose_one(tmp_path: Path) -> None:
    world = build(tmp_path)
    del world
    from bot.studio.models import Asset

    calm_then_lively = Asset(
        sha="x",
        kind=AssetKind.FOOTAGE,
        ext="mp4",
        size=1,
        duration=10.0,
        liveliness=(0.1,) * 12 + (5.0,) * 8,
    )
    lively = stretch_of(calm_then_lively, 4.0, None)
    assert (lively.start, lively.end, lively.chosen) == (6.0, 10.0, False)
    chosen = stretch_of(calm_then_lively, 4.0, 1.0)
    assert (chosen.start, chosen.end, chosen.chosen) == (1.0, 5.0, True)
    clamped = stretch_of(calm_then_lively, 4.0, 9.0)
    assert (clamped.start, clamped.end) == (6.0, 10.0)
    short = stretch_of(calm_then_lively, 12.0, 3.0)
    assert (short.start, short.end) == (0.0, 10.0)  # shorter than its slot: all of it


async def test_keep_the_clip_sound_is_a_project_option_undo_takes_back(tmp_path: Path) -> None:
    world = build(tmp_path)
    with_ideas(world, "one")
    project = world.project()
    world.edits.apply(OWNER, project.id, [SetSwitch(ProjectSwitch.CLIP_SOUND, True)])
    assert world.project().footage_sound is FootageSound.DUCK
    world.edits.undo(OWNER, project.id)
    assert world.project().footage_sound is FootageSound.DROP
    assert world.store.active_project(STRANGER) is None
