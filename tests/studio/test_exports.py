"""Exports on a real SQLite file: the zip holds the video, the pictures and the storyboard."""

from __future__ import annotations

import asyncio
import json
import zipfile
from pathlib import Path

import pytest

from bot.errors import ProjectNotFound
from bot.studio.changes import JobChanges
from bot.studio.models import JobState
from bot.studio.ports import Usage
from tests.studio.helpers import CHAT, OWNER, STRANGER, EventLog, World, build, with_ideas
from tests.support.synthetic_media import make_video


async def make_pictures(world: World) -> None:
    """Every scene's picture of the active project."""
    log = EventLog()
    await world.pictures.ensure(
        OWNER,
        world.project(),
        64,
        96,
        cancelled=asyncio.Event(),
        on_progress=log.progress,
        on_failure=log.scene_failed,
    )


def rendered(world: World) -> bytes:
    """A finished render of the active project, its video in the media store."""
    video = make_video(seconds=0.5, width=64, height=64, with_audio=False)
    sha = world.media.put_bytes(video, "mp4")
    job = world.store.create_job(OWNER, world.project().id, CHAT, "render", "en")
    world.store.update_job(job.id, JobChanges(state=JobState.DONE, result_sha=sha))
    return video


async def test_the_zip_holds_video_pictures_and_storyboard(tmp_path: Path) -> None:
    world = build(tmp_path)
    project = with_ideas(world, "Thuyền đánh cá", "Old quarter", title="Hà Nội: đêm?")
    await world.add_photo(seed=1)
    await make_pictures(world)
    video = rendered(world)
    world.store.record_usage(OWNER, project.id, Usage("test", "image", 2, 0.123456))

    path, name = await world.exports.make_zip(OWNER, project.id)
    assert name == "Hà Nội_ đêm_.zip"  # characters some systems refuse are replaced
    assert path.parent == world.media.scratch
    with zipfile.ZipFile(path) as archive:
        assert sorted(archive.namelist()) == [
            "pictures/scene-01.jpg",
            "pictures/scene-02.jpg",
            "storyboard.json",
            "video.mp4",
        ]
        assert archive.read("video.mp4") == video
        first, second = world.scenes()
        assert first.picture_sha is not None
        assert (
            archive.read("pictures/scene-01.jpg")
            == world.media.path_for(first.picture_sha, "jpg").read_bytes()
        )
        storyboard = json.loads(archive.read("storyboard.json"))
    assert storyboard["title"] == "Hà Nội: đêm?"
    assert (storyboard["aspect"], storyboard["style"]) == ("9:16", "cinematic")
    assert storyboard["style_prompt"] == world.styles["cinematic"].prompt
    assert storyboard["spent_usd"] == 0.1235
    assert [s["idea"] for s in storyboard["scenes"]] == ["Thuyền đánh cá", "Old quarter"]
    assert storyboard["scenes"][0]["references"] == []
    assert storyboard["scenes"][1]["references"] == ["photo-1.jpg"]
    assert storyboard["scenes"][1]["picture"] == "pictures/scene-02.jpg"
    assert storyboard["scenes"][0]["motion"] == first.motion.value
    assert second.id != first.id


def test_a_bare_project_exports_its_storyboard_only(tmp_path: Path) -> None:
    world = build(tmp_path)
    project = with_ideas(world, "a")
    failed = world.store.create_job(OWNER, project.id, CHAT, "render", "en")
    world.store.update_job(failed.id, JobChanges(state=JobState.FAILED))
    bundle = world.exports.bundle(OWNER, project.id)
    assert bundle.files == ()
    assert bundle.name == "Film"
    scenes = json.loads(bundle.storyboard_json)["scenes"]
    assert scenes[0]["picture"] is None and scenes[0]["seconds"] is None


def test_a_title_of_no_letters_gets_a_plain_file_name(tmp_path: Path) -> None:
    world = build(tmp_path)
    project = world.projects.start_project(OWNER, "///")
    assert world.exports.bundle(OWNER, project.id).name == "project"


async def test_another_owner_cannot_export_a_project(tmp_path: Path) -> None:
    world = build(tmp_path)
    project = with_ideas(world, "a")
    with pytest.raises(ProjectNotFound):
        world.exports.bundle(STRANGER, project.id)
    with pytest.raises(ProjectNotFound):
        await world.exports.make_zip(STRANGER, project.id)
    assert list(world.media.scratch.iterdir()) == []


async def test_the_video_stays_in_the_export_after_a_later_storyboard(tmp_path: Path) -> None:
    world = build(tmp_path)
    project = with_ideas(world, "a")
    rendered(world)
    later = world.store.create_job(OWNER, project.id, CHAT, "storyboard", "en")
    world.store.update_job(later.id, JobChanges(state=JobState.DONE))
    names = [name for name, _ in world.exports.bundle(OWNER, project.id).files]
    assert "video.mp4" in names


def test_a_slash_in_a_title_is_part_of_the_file_name(tmp_path: Path) -> None:
    world = build(tmp_path)
    project = world.projects.start_project(OWNER, "Hà Nội / đêm")
    assert world.exports.bundle(OWNER, project.id).name == "Hà Nội - đêm"
