"""ProjectStatus on a real SQLite file: what the active project holds, for /status."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import NoActiveProject
from bot.studio.changes import JobChanges
from bot.studio.models import JobState
from bot.studio.ports import Usage
from tests.studio.helpers import CHAT, OWNER, STRANGER, build, with_ideas
from tests.support.synthetic_media import make_song


def test_without_a_project_there_is_no_status(tmp_path: Path) -> None:
    world = build(tmp_path)
    with pytest.raises(NoActiveProject):
        world.status.summary(OWNER)


async def test_the_summary_counts_scenes_photos_song_job_and_spend(tmp_path: Path) -> None:
    world = build(tmp_path)
    project = with_ideas(world, "a", "b")
    empty = world.status.summary(OWNER)
    assert (empty.scene_count, empty.photo_count, empty.song, empty.last_job) == (2, 0, None, None)
    assert empty.spent_usd == 0.0 and empty.project == project

    await world.add_photo(seed=1)
    await world.add_photo(seed=2, caption="c")
    _, song = await world.material.set_song(
        OWNER, world.upload(make_song(seconds=2.0, fmt="wav"), ".wav"), "wav", None, "Untitled"
    )
    world.store.create_job(OWNER, project.id, CHAT, "render", "en")
    last = world.store.create_job(OWNER, project.id, CHAT, "storyboard", "en")
    world.store.update_job(last.id, JobChanges(state=JobState.DONE))
    world.store.record_usage(OWNER, project.id, Usage("test", "image", 1, 0.25))
    other = world.store.create_project(OWNER, "Other", "9:16", "cinematic")
    world.store.record_usage(OWNER, other.id, Usage("test", "image", 1, 1.0))
    world.projects.switch(OWNER, project.id)

    summary = world.status.summary(OWNER)
    assert (summary.scene_count, summary.photo_count) == (3, 2)
    assert summary.song is not None and summary.song.sha == song.sha
    assert summary.last_job is not None
    assert (summary.last_job.id, summary.last_job.state) == (last.id, JobState.DONE)
    assert summary.spent_usd == pytest.approx(0.25)  # this project's spend only
    assert summary.project.song_sha == song.sha


def test_a_strangers_status_shows_their_own_project(tmp_path: Path) -> None:
    world = build(tmp_path)
    with_ideas(world, "a", "b")
    theirs = world.projects.start_project(STRANGER, "Theirs")
    summary = world.status.summary(STRANGER)
    assert summary.project == theirs and summary.scene_count == 0
