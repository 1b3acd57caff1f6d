"""Fairness: a bounded pool of renders, one per user at a time, a small queue with positions,
and results that are only `done` once they reached the chat."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bot.errors import DeliveryFailed, JobCancelled, QueueFull, RecipientGone
from bot.studio.changes import JobChanges
from bot.studio.jobs import JobRunner
from bot.studio.models import Asset, AssetKind, Job, JobState, MediaRef, Project
from bot.studio.ports import JobEvents, JobResult, RenderedVideo, SceneReady
from bot.studio.render_requests import RenderRequests
from bot.studio.rendering import stored_video
from storage.database import open_database
from storage.media_files import MediaFiles
from storage.store import Store
from tests.conftest import BotStarter, SettingsFactory
from tests.reliability.chat import eventually, say
from tests.support.telegram_emulator import BotApiEmulator

pytestmark = pytest.mark.timeout(60)


@dataclass
class RecordingReporter:
    """A JobReporter that remembers what it was asked to say, and can fail on demand."""

    said: list[tuple[str, int, object]] = field(default_factory=list)
    finish_failures: list[DeliveryFailed] = field(default_factory=list)
    blocked_by: set[int] = field(default_factory=set)  # owners who blocked the bot

    async def queued(self, job: Job, position: int) -> None:
        self.said.append(("queued", job.id, position))

    async def started(self, job: Job, project: Project, resumed: bool) -> int | None:
        self.said.append(("started", job.id, resumed))
        return 100 + job.id

    async def progress(self, job: Job, fraction: float, step: str) -> None:
        if job.owner_id in self.blocked_by:
            raise RecipientGone()

    async def finished(self, job: Job, project: Project, result: JobResult, resumed: bool) -> None:
        self.said.append(("finish-try", job.id, resumed))
        if self.finish_failures:
            raise self.finish_failures.pop(0)
        self.said.append(("finished", job.id, resumed))

    async def failed(self, job: Job, error_key: str, **params: object) -> None:
        self.said.append(("failed", job.id, error_key))

    async def notice(self, job: Job, key: str, **params: object) -> None:
        self.said.append(("notice", job.id, key))

    async def scene_ready(self, job: Job, ready: SceneReady) -> None:
        self.said.append(("scene_ready", job.id, ready.scene.id))

    async def cancelled(self, job: Job) -> None:
        self.said.append(("cancelled", job.id, None))

    def events(self, kind: str) -> list[tuple[int, object]]:
        return [(job_id, detail) for what, job_id, detail in self.said if what == kind]


class GatedWork:
    """Render work that runs until the test opens its gate; it makes a real stored video."""

    def __init__(self, store: Store, media: MediaFiles) -> None:
        self.store = store
        self.media = media
        self.gates: dict[int, asyncio.Event] = {}
        self.started: list[int] = []

    def gate(self, job_id: int) -> asyncio.Event:
        return self.gates.setdefault(job_id, asyncio.Event())

    pooled = True

    def recover(self, job: Job) -> JobResult | None:
        return stored_video(self.store, self.media, job)

    async def run(self, job: Job, events: JobEvents, cancelled: asyncio.Event) -> JobResult:
        self.started.append(job.id)
        await events.step(0.5, "render")
        gate = self.gate(job.id)
        while not gate.is_set():
            if cancelled.is_set():
                raise JobCancelled()
            await asyncio.sleep(0.005)
        video_sha = self.media.put_bytes(f"video of job {job.id}".encode(), "mp4")
        thumb_sha = self.media.put_bytes(f"thumb of job {job.id}".encode(), "jpg")
        self.store.save_asset(Asset(video_sha, AssetKind.VIDEO, "mp4", 16, 360, 640, 4.0))
        self.store.save_asset(Asset(thumb_sha, AssetKind.THUMBNAIL, "jpg", 16))
        return RenderedVideo(
            MediaRef(video_sha, "mp4"),
            MediaRef(thumb_sha, "jpg"),
            self.media.path_for(video_sha, "mp4"),
            self.media.path_for(thumb_sha, "jpg"),
            4.0,
            360,
            640,
            16,
        )


@dataclass
class Studio:
    store: Store
    work: GatedWork
    reporter: RecordingReporter
    runner: JobRunner
    renders: RenderRequests

    def project(self, user_id: int, title: str) -> Project:
        self.store.ensure_user(user_id, f"user {user_id}", "en")
        return self.store.create_project(user_id, title, "9:16", "cinematic")

    def render(self, user_id: int, title: str) -> Job:
        self.project(user_id, title)
        return self.renders.request(user_id, user_id, "en")

    def job(self, job_id: int) -> Job:
        job = self.store.get_job(job_id)
        assert job is not None, f"no job {job_id}"
        return job

    def active_project(self, user_id: int) -> Project:
        project = self.store.active_project(user_id)
        assert project is not None, f"user {user_id} has no active project"
        return project

    async def until(self, condition: Callable[[], bool]) -> None:
        await eventually(condition, 5.0, "the runner")


def make_studio(tmp_path: Path, workers: int, queue_per_user: int = 2) -> Studio:
    store = Store(open_database(tmp_path / "db.sqlite"))
    media = MediaFiles(tmp_path / "media")
    work = GatedWork(store, media)
    reporter = RecordingReporter()
    runner = JobRunner(
        store, store, {"render": work}, reporter, workers, delivery_delays=(0.01, 0.01)
    )
    return Studio(
        store, work, reporter, runner, RenderRequests(store, store, runner, queue_per_user)
    )


async def test_one_render_per_user_and_the_queue_tells_positions(tmp_path: Path) -> None:
    studio = make_studio(tmp_path, workers=2)
    first = studio.render(1, "A1")
    second = studio.render(1, "A2")  # a worker is free, but user 1 already renders
    other = studio.render(2, "B1")
    await studio.until(lambda: len(studio.work.started) == 2)
    assert studio.work.started == [first.id, other.id]
    assert studio.reporter.events("queued") == [(second.id, 1)]
    assert studio.runner.load().rendering == 2 and studio.runner.load().waiting == 1

    studio.work.gate(first.id).set()
    await studio.until(lambda: second.id in studio.work.started)
    for job in (second, other):
        studio.work.gate(job.id).set()
    await studio.runner.wait_idle()
    states = {job.id: studio.job(job.id).state for job in (first, second, other)}
    assert set(states.values()) == {JobState.DONE}


async def test_a_full_queue_is_refused_and_a_waiting_job_can_leave_it(tmp_path: Path) -> None:
    studio = make_studio(tmp_path, workers=1, queue_per_user=1)
    running = studio.render(1, "Running")
    waiting = studio.render(1, "Waiting")
    with pytest.raises(QueueFull):
        studio.render(1, "One too many")
    assert studio.store.unfinished_job(1, studio.active_project(1).id) is None
    studio.store.set_active_project(1, waiting.project_id)
    assert studio.renders.cancel(1)
    assert studio.job(waiting.id).state is JobState.CANCELLED
    studio.work.gate(running.id).set()
    await studio.runner.wait_idle()
    assert studio.work.started == [running.id]
    assert studio.reporter.events("cancelled") == [(waiting.id, None)]


async def test_a_failed_upload_is_retried_and_the_job_is_done_only_after(tmp_path: Path) -> None:
    studio = make_studio(tmp_path, workers=1)
    studio.reporter.finish_failures = [DeliveryFailed(), DeliveryFailed()]
    job = studio.render(1, "Flaky network")
    studio.work.gate(job.id).set()
    await studio.until(lambda: bool(studio.reporter.events("finish-try")))
    await studio.runner.wait_idle()
    assert len(studio.reporter.events("finish-try")) == 3
    assert studio.reporter.events("finished") == [(job.id, False)]
    assert studio.job(job.id).state is JobState.DONE


async def test_an_undelivered_video_waits_and_the_next_render_sends_it_without_rendering(
    tmp_path: Path,
) -> None:
    studio = make_studio(tmp_path, workers=1)
    studio.reporter.finish_failures = [DeliveryFailed()] * 3
    job = studio.render(1, "Telegram is down")
    studio.work.gate(job.id).set()
    await studio.runner.wait_idle()
    stored = studio.job(job.id)
    assert (stored.state, stored.error) == (JobState.QUEUED, "undelivered")
    assert stored.result_sha and stored.thumbnail_sha
    assert studio.reporter.events("failed") == []

    again = studio.renders.request(1, 1, "en")
    assert again.id == job.id
    await studio.runner.wait_idle()
    assert studio.work.started == [job.id], "the video was rendered a second time"
    assert studio.reporter.events("finished") == [(job.id, True)]
    assert studio.job(job.id).state is JobState.DONE


async def test_a_refused_upload_fails_once_with_a_reason(tmp_path: Path) -> None:
    studio = make_studio(tmp_path, workers=1)
    studio.reporter.finish_failures = [DeliveryFailed(permanent=True)]
    job = studio.render(1, "Too odd")
    studio.work.gate(job.id).set()
    await studio.runner.wait_idle()
    assert studio.reporter.events("failed") == [(job.id, "jobs.delivery_failed")]
    assert studio.job(job.id).state is JobState.FAILED


async def test_a_user_who_blocked_the_bot_ends_the_job_quietly(tmp_path: Path) -> None:
    studio = make_studio(tmp_path, workers=1)
    studio.reporter.blocked_by.add(1)
    job = studio.render(1, "Nobody watching")
    next_job = studio.render(2, "Next in line")
    await studio.until(lambda: next_job.id in studio.work.started)
    studio.work.gate(next_job.id).set()
    await studio.runner.wait_idle()
    stored = studio.job(job.id)
    assert (stored.state, stored.error) == (JobState.FAILED, "recipient_gone")
    assert studio.reporter.events("failed") == []
    assert studio.reporter.events("cancelled") == []
    assert studio.job(next_job.id).state is JobState.DONE


async def test_a_job_that_keeps_crashing_gives_up_and_says_so_once(tmp_path: Path) -> None:
    studio = make_studio(tmp_path, workers=1)
    job = studio.render(1, "Cursed")
    studio.store.update_job(job.id, JobChanges(attempts=3))  # three earlier runs died with the bot
    await studio.runner.shutdown()
    restarted = JobRunner(studio.store, studio.store, {"render": studio.work}, studio.reporter, 1)
    assert restarted.resume_unfinished() == 1
    await restarted.wait_idle()
    assert studio.reporter.events("failed") == [(job.id, "render.failed_repeatedly")]
    assert studio.job(job.id).state is JobState.FAILED


@pytest.mark.slow
async def test_a_queued_user_hears_their_place_in_line(
    emulator: BotApiEmulator, make_settings: SettingsFactory, running_bot: BotStarter
) -> None:
    settings = make_settings(render_workers=1, render_queue_per_user=1)
    first, second = emulator.user(3201, "Ha"), emulator.user(3202, "Vu")
    async with running_bot(settings):
        for user in (first, second):
            await say(user, "/new Queue test", "Queue test")
            await say(user, "Lanterns on the river", "Scene 1")
        await say(first, "/render", "Rendering")
        await say(second, "/render", "number 1 in line")
        # One waiting render per user: a second project's render is refused for now.
        await say(second, "/new Another", "Another")
        await say(second, "/render", "most renders waiting")
        await say(first, "Still answered while rendering", "Scene 2")
        await first.wait_for_video(timeout=40)
        await second.wait_for_video(timeout=40)
