"""The bot's side of the farm: a Renderer that sends the render to Celery workers, and a watch
over the workers seen.

The bot's job runner still decides what renders when (fairness, queue positions): it hands
this renderer at most as many renders as the farm has worker slots. The renderer posts a lease
on the board, sends the task, and follows the board until the video is in the media store:

- a worker that stops beating for `lost_after` seconds is taken for lost: a new lease goes out
  and another worker renders it (the lost one's late result is refused by the board);
- Redis that forgot the render (restarted) gets it again from here: the bot's database keeps
  the job, this side keeps the timeline;
- a bot that restarts finds its render on the board by its content hash and follows it again
  instead of sending it twice;
- Redis out of reach: logged, the director told once, and the render waits for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import time
import uuid
from pathlib import Path
from typing import Any

import redis.asyncio
from celery import Celery
from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

from bot.errors import JobCancelled, ProviderError
from bot.farm.board import WORKER_BEAT_SECONDS, BotBoard, RenderRecord, WorkerPresence
from bot.farm.celery_app import QUEUE, make_celery
from bot.farm.messages import (
    RENDER_TASK,
    NotInStore,
    RenderOutcome,
    RenderTask,
    ref_of_name,
    task_key,
    timeline_to_wire,
)
from bot.media.renderer import thumbnail_path
from bot.studio.admin import WorkerSeen
from bot.studio.jobs import JobRunner
from bot.studio.ports import NoticeCallback, ProgressCallback, VideoFile
from bot.studio.timeline import Timeline
from storage.media_files import MediaFiles

logger = logging.getLogger(__name__)

POLL_SECONDS = 0.25
UNREACHABLE_NOTICE_SECONDS = 5.0  # a blip is only logged; an outage is told to the director
UNREACHABLE_ERRORS = (RedisError, OperationalError, OSError)
MAX_RERUNS = 3  # a render whose worker dies every time (it kills them?) fails after this


class _Outage:
    """Whether Redis is out of reach, so it is logged and told once per outage."""

    def __init__(self, on_notice: NoticeCallback | None) -> None:
        self.on_notice = on_notice
        self.since: float | None = None
        self.told = False

    async def failed(self, error: BaseException) -> None:
        now = time.monotonic()
        if self.since is None:
            self.since = now
            logger.warning(
                "Redis is unreachable (%s): the render waits for it", type(error).__name__
            )
        if not self.told and now - self.since >= UNREACHABLE_NOTICE_SECONDS:
            self.told = True
            if self.on_notice is not None:
                await self.on_notice("farm.unreachable")

    def reached(self) -> None:
        if self.since is not None:
            logger.info("Redis is reachable again after %.0f s", time.monotonic() - self.since)
        self.since = None


class FarmRenderer:
    """Renders through the farm: Celery carries the task, the board carries its fate."""

    def __init__(
        self,
        board: BotBoard,
        celery: Celery,
        media_root: Path,
        packaged_font: Path,
        video_options: dict[str, Any],
        *,
        lost_after: float = 30.0,
    ) -> None:
        self.board = board
        self.celery = celery
        self.media = MediaFiles(media_root)
        self.packaged_font = packaged_font
        self.video_options = video_options
        self.lost_after = lost_after

    async def render(
        self,
        timeline: Timeline,
        output: Path,
        on_progress: ProgressCallback,
        cancel: asyncio.Event,
        *,
        on_notice: NoticeCallback | None = None,
    ) -> VideoFile:
        """Render on the farm; raise JobCancelled once `cancel` is set (the worker stops too)."""
        try:
            wire = timeline_to_wire(timeline, self.media.root, self.packaged_font)
        except NotInStore as error:
            logger.error("A render names a file outside the media store: %s", error)
            raise ProviderError("render.failed") from error
        task = RenderTask(task_key(wire, self.video_options), "", wire, self.video_options)
        outage = _Outage(on_notice)
        lease = await self._attach(task, outage, cancel)
        shown, reruns = -1.0, 0
        while True:
            if cancel.is_set():
                await self._withdraw(task.key, lease)
                raise JobCancelled()
            try:
                record = await self.board.read(task.key)
            except UNREACHABLE_ERRORS as error:
                await outage.failed(error)
                await _pause(cancel, POLL_SECONDS * 4)
                continue
            outage.reached()
            if record is None or record.lease != lease:
                logger.warning(
                    "Render %s is not on the board (Redis restarted?): sent again", task.key[:12]
                )
                lease = await self._submit(task, outage, cancel)
                continue
            if record.state == "done":
                return self._video(record, output)
            if record.state == "failed":
                logger.error(
                    "Render %s failed on %s: %s", task.key[:12], record.worker, record.error
                )
                raise ProviderError("render.failed")
            if await self._lost(task, record):
                if record.state == "running":
                    reruns += 1
                    if reruns > MAX_RERUNS:
                        logger.error(
                            "Render %s: its workers were lost %d times", task.key[:12], reruns
                        )
                        raise ProviderError("render.failed")
                    if on_notice is not None:
                        await on_notice("farm.worker_lost")
                lease = await self._submit(task, outage, cancel)
                continue
            if record.state == "running" and record.progress > shown:
                shown = record.progress
                await on_progress(record.progress)
            await _pause(cancel, POLL_SECONDS)

    async def _attach(self, task: RenderTask, outage: _Outage, cancel: asyncio.Event) -> str:
        """The lease of this render already on the board (the bot restarted), or a new one."""
        while not cancel.is_set():
            try:
                record = await self.board.read(task.key)
            except UNREACHABLE_ERRORS as error:
                await outage.failed(error)
                await _pause(cancel, POLL_SECONDS * 4)
                continue
            outage.reached()
            if record is not None and record.lease:
                fresh = (
                    record.state in ("queued", "running") and record.silent_for <= self.lost_after
                )
                if fresh or (record.state == "done" and self._outcome_here(record)):
                    logger.info(
                        "Render %s is on the farm already (%s): following it",
                        task.key[:12],
                        record.state,
                    )
                    return record.lease
            return await self._submit(task, outage, cancel)
        raise JobCancelled()

    async def _submit(self, task: RenderTask, outage: _Outage, cancel: asyncio.Event) -> str:
        """Post a new lease and send the task; wait for Redis as long as it takes."""
        while not cancel.is_set():
            lease = uuid.uuid4().hex
            try:
                await self.board.submit(task.key, lease)
                body = RenderTask(task.key, lease, task.timeline, task.options).wire()
                await asyncio.to_thread(self._send, body, lease)
            except UNREACHABLE_ERRORS as error:
                await outage.failed(error)
                await _pause(cancel, POLL_SECONDS * 4)
                continue
            outage.reached()
            logger.info("Render %s sent to the farm (lease %s)", task.key[:12], lease)
            return lease
        raise JobCancelled()

    def _send(self, body: dict[str, Any], lease: str) -> None:
        self.celery.send_task(RENDER_TASK, args=[body], task_id=lease, queue=QUEUE)

    async def _lost(self, task: RenderTask, record: RenderRecord) -> bool:
        """Whether the render's worker is gone (or its message never reached one)."""
        if record.silent_for <= self.lost_after:
            return False
        if record.state == "running":
            logger.warning(
                "Render %s: worker %s silent for %.0f s; running it elsewhere",
                task.key[:12],
                record.worker,
                record.silent_for,
            )
            return True
        # Queued that long: fine while every worker is busy; with one idle, its message is lost.
        try:
            idle = any(w.busy < w.concurrency for w in await self.board.workers())
        except UNREACHABLE_ERRORS:
            return False
        if idle:
            logger.warning(
                "Render %s waited %.0f s beside an idle worker: sent again",
                task.key[:12],
                record.silent_for,
            )
        return idle

    async def _withdraw(self, key: str, lease: str) -> None:
        """Cancel: take the lease back (its worker stops its ffmpeg) and revoke the message."""
        try:
            await self.board.cancel(key, lease)
            await asyncio.to_thread(self.celery.control.revoke, lease)
        except UNREACHABLE_ERRORS:
            logger.warning(
                "Could not withdraw render %s: Redis is unreachable", key[:12], exc_info=True
            )

    def _outcome_here(self, record: RenderRecord) -> bool:
        try:
            outcome = RenderOutcome.from_wire(record.result)
            return all(
                self.media.path_of(ref_of_name(name)).exists()
                for name in (outcome.video, outcome.thumbnail)
            )
        except (ValueError, KeyError):
            return False

    def _video(self, record: RenderRecord, output: Path) -> VideoFile:
        """The worker's video, linked at `output` (the caller stores it by hash again)."""
        outcome = RenderOutcome.from_wire(record.result)
        video = self.media.path_of(ref_of_name(outcome.video))
        thumbnail = self.media.path_of(ref_of_name(outcome.thumbnail))
        if not video.exists() or not thumbnail.exists():
            logger.error(
                "Worker %s stored %s, but it is not in this DATA_DIR/media: is it shared?",
                record.worker,
                outcome.video,
            )
            raise ProviderError("render.failed")
        _link(video, output)
        _link(thumbnail, thumbnail_path(output))
        return VideoFile(
            path=output,
            thumbnail_path=thumbnail_path(output),
            duration=outcome.duration,
            width=outcome.width,
            height=outcome.height,
            size_bytes=outcome.size_bytes,
            fallback_shots=outcome.fallback_shots,
        )


def _link(source: Path, target: Path) -> None:
    """`target` becomes the same file as `source` (a copy where a hard link cannot be made)."""
    target.unlink(missing_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


async def _pause(cancel: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(cancel.wait(), seconds)


class FarmWatch:
    """Reads the workers seen every few seconds: /admin shows them, the runner fits to them."""

    def __init__(self, board: BotBoard, runner: JobRunner | None = None) -> None:
        self.board = board
        self.runner = runner
        self._seen: tuple[WorkerPresence, ...] | None = None
        self._task: asyncio.Task[None] | None = None

    def workers_seen(self) -> tuple[WorkerSeen, ...] | None:
        """The workers, by name; None while Redis cannot be reached."""
        if self._seen is None:
            return None
        return tuple(WorkerSeen(w.name, w.busy, w.concurrency, w.done) for w in self._seen)

    async def look(self) -> None:
        """Read the board once; the runner takes as many renders as the workers have slots."""
        try:
            seen = tuple(await self.board.workers())
        except UNREACHABLE_ERRORS as error:
            if self._seen is not None:
                logger.warning("Redis is unreachable (%s): workers unknown", type(error).__name__)
            self._seen = None
            return
        if self._seen is None or {w.name for w in seen} != {w.name for w in self._seen}:
            logger.info("Render workers seen: %s", ", ".join(w.name for w in seen) or "none")
        self._seen = seen
        if self.runner is not None:
            self.runner.set_workers(sum(w.concurrency for w in seen))

    async def start(self) -> None:
        """Start watching (in the bot's event loop)."""
        await self.look()
        self._task = asyncio.create_task(self._watch(), name="farm-watch")

    async def stop(self) -> None:
        """Stop watching and close the connection to Redis."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self.board.close()

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(WORKER_BEAT_SECONDS)
            await self.look()


def connect_farm(
    redis_url: str,
    media_root: Path,
    packaged_font: Path,
    video_options: dict[str, Any],
    lost_after: float,
) -> tuple[FarmRenderer, FarmWatch]:
    """The farm's renderer and watch over one connection pool (no connection is made yet)."""
    client = redis.asyncio.Redis.from_url(
        redis_url, decode_responses=True, socket_connect_timeout=5, socket_timeout=10
    )
    board = BotBoard(client)
    renderer = FarmRenderer(
        board,
        make_celery(redis_url),
        media_root,
        packaged_font,
        video_options,
        lost_after=lost_after,
    )
    return renderer, FarmWatch(board)
