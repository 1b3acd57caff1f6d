"""A render worker of the farm: takes render tasks from Redis and renders them, never touching the
database.

It resolves the task's media by hash in its own `DATA_DIR/media` (shared with the bot), renders
in a process of its own as the bot would (bot/media/render_worker.py), beats on the board every
second with its progress, writes the video and thumbnail into the media store by hash, and posts
the outcome under its lease. When a beat finds the lease withdrawn (cancelled, or the render
given to another worker), it stops its ffmpeg at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import threading
from pathlib import Path
from typing import Any

import redis

from bot.farm.board import WORKER_BEAT_SECONDS, WorkerBoard
from bot.farm.celery_app import QUEUE, make_celery
from bot.farm.messages import (
    NotInStore,
    RenderOutcome,
    RenderTask,
    stored_name,
    timeline_from_wire,
)
from bot.media.fonts import caption_font_path
from bot.media.render_worker import RenderCancelled, RenderFailed, render_in_worker
from bot.media.renderer import RenderResult, thumbnail_path
from bot.studio.models import MediaRef
from bot.studio.timeline import Timeline
from storage.media_files import MediaFiles

logger = logging.getLogger(__name__)

BEAT_SECONDS = 1.0
CANCEL_POLL_SECONDS = 0.1
# What defines the video: these come from the bot, so every worker makes the same file.
VIDEO_OPTIONS = ("preset", "crf", "max_bitrate_kbps", "max_bytes", "loudness_lufs")


class RenderWorker:
    """Runs render tasks against one media store, posting to the board under each task's lease."""

    def __init__(
        self,
        name: str,
        board: WorkerBoard,
        media_root: Path,
        *,
        concurrency: int = 1,
        encoders: int = 2,
        cache_max_bytes: int | None = None,
    ) -> None:
        self.name = name
        self.board = board
        self.media = MediaFiles(media_root)
        self.concurrency = concurrency
        self.local_options: dict[str, Any] = {
            "workers": encoders,
            "threads": 1,
            "segment_dir": media_root / "segments",
        }
        if cache_max_bytes is not None:
            self.local_options["cache_max_bytes"] = cache_max_bytes
        self._lock = threading.Lock()
        self.busy = 0
        self.done = 0

    def render(self, body: dict[str, Any]) -> None:
        """The Celery task: render one task if its lease is still the one to run."""
        task = RenderTask.from_wire(body)
        if not self.board.claim(task.key, task.lease, self.name):
            logger.info(
                "Render %s (lease %s) is not ours to run any more: dropped",
                task.key[:12],
                task.lease,
            )
            return
        logger.info("Rendering %s (lease %s)", task.key[:12], task.lease)
        with self._lock:
            self.busy += 1
        try:
            self._render(task)
        except Exception as error:  # the bot must hear of it, or it would wait for a beat
            logger.exception("Render %s failed", task.key[:12])
            with contextlib.suppress(redis.RedisError):
                self.board.fail(task.key, task.lease, f"{type(error).__name__}: {error}")
        finally:
            with self._lock:
                self.busy -= 1
                self.done += 1

    def _render(self, task: RenderTask) -> None:
        try:
            timeline = timeline_from_wire(task.timeline, self.media.root, caption_font_path())
            _check_inputs(timeline)
        except (NotInStore, FileNotFoundError, KeyError, ValueError) as error:
            logger.error(
                "Render %s: its media is not here (%s): is DATA_DIR/media shared?",
                task.key[:12],
                error,
            )
            self.board.fail(task.key, task.lease, f"media missing on {self.name}: {error}")
            return
        options = {k: v for k, v in task.options.items() if k in VIDEO_OPTIONS}
        output = self.media.scratch_path(".mp4")
        try:
            self._render_to(task, timeline, output, options)
        finally:
            output.unlink(missing_ok=True)  # moved into the store when all went well
            thumbnail_path(output).unlink(missing_ok=True)

    def _render_to(
        self, task: RenderTask, timeline: Timeline, output: Path, options: dict[str, Any]
    ) -> None:
        progress = [0.0]
        stop = threading.Event()  # the lease is gone: stop rendering
        over = threading.Event()  # the render ended: stop beating
        beats = threading.Thread(
            target=self._beat, args=(task, progress, stop, over), name="render-beat", daemon=True
        )
        beats.start()
        try:
            result = asyncio.run(
                _render(timeline, output, progress, stop, {**options, **self.local_options})
            )
        except RenderCancelled:
            logger.info("Render %s stopped: its lease %s was withdrawn", task.key[:12], task.lease)
            return
        except RenderFailed as error:
            logger.error("Render %s failed: %s", task.key[:12], error)
            self.board.fail(task.key, task.lease, str(error))
            return
        finally:
            over.set()
            beats.join(timeout=5)
        outcome = self._store(result)
        if self.board.finish(task.key, task.lease, outcome.wire()):
            logger.info("Render %s done: %s", task.key[:12], outcome.video)
        else:
            logger.info(
                "Render %s finished late (lease %s replaced): ignored", task.key[:12], task.lease
            )

    def _store(self, result: RenderResult) -> RenderOutcome:
        """Move the video and its thumbnail into the media store by their hash."""
        video = MediaRef(self.media.put_file(result.path, "mp4"), "mp4")
        thumbnail = MediaRef(self.media.put_file(result.thumbnail_path, "jpg"), "jpg")
        return RenderOutcome(
            video=stored_name(video),
            thumbnail=stored_name(thumbnail),
            duration=result.duration,
            width=result.width,
            height=result.height,
            size_bytes=result.size_bytes,
            fallback_shots=result.fallback_shots,
        )

    def _beat(
        self, task: RenderTask, progress: list[float], stop: threading.Event, over: threading.Event
    ) -> None:
        """Say the render goes on, every second; stop it when the lease is withdrawn."""
        unreachable = False
        while not over.wait(BEAT_SECONDS):
            try:
                still_ours = self.board.beat(task.key, task.lease, progress[0])
            except redis.RedisError:
                if not unreachable:
                    logger.warning("Redis is unreachable: rendering on, beats wait for it")
                unreachable = True
                continue
            if unreachable:
                logger.info("Redis is back")
                unreachable = False
            if not still_ours:
                stop.set()
                return

    def present(self, stopping: threading.Event) -> None:
        """Post this worker on the board until it stops (for /admin and the bot's capacity)."""
        while True:
            with contextlib.suppress(redis.RedisError):
                with self._lock:
                    busy, done = self.busy, self.done
                self.board.present(self.name, self.concurrency, busy, done)
            if stopping.wait(WORKER_BEAT_SECONDS):
                break
        with contextlib.suppress(redis.RedisError):
            self.board.absent(self.name)


async def _render(
    timeline: Timeline,
    output: Path,
    progress: list[float],
    stop: threading.Event,
    options: dict[str, Any],
) -> RenderResult:
    cancel = asyncio.Event()

    async def watch() -> None:
        # `stop` is a thread's Event (set by the beat thread): polled, it cannot be awaited.
        while not stop.wait(0):  # noqa: ASYNC110
            await asyncio.sleep(CANCEL_POLL_SECONDS)
        cancel.set()

    def report(fraction: float) -> None:
        progress[0] = fraction

    watcher = asyncio.create_task(watch())
    try:
        return await render_in_worker(
            timeline, output, on_progress=report, cancel_event=cancel, **options
        )
    finally:
        watcher.cancel()


def _check_inputs(timeline: Timeline) -> None:
    for path in (
        *(shot.image_path for shot in timeline.shots),
        *(shot.clip_path for shot in timeline.shots if shot.clip_path),
        timeline.audio_path,
        timeline.font_path,
    ):
        if path is not None and not Path(path).exists():
            raise FileNotFoundError(Path(path).name)


def worker_name() -> str:
    """A name unique on the farm: the host and the process."""
    return f"{socket.gethostname()}.{os.getpid()}"


def run_worker(
    redis_url: str,
    media_root: Path,
    *,
    concurrency: int,
    encoders: int,
    cache_max_bytes: int,
    log_level: str = "INFO",
) -> None:
    """Run a Celery worker of the farm until it is stopped (SIGTERM: after its renders)."""
    name = worker_name()
    worker = RenderWorker(
        name,
        WorkerBoard(redis.Redis.from_url(redis_url, decode_responses=True, socket_timeout=10)),
        media_root,
        concurrency=concurrency,
        encoders=encoders,
        cache_max_bytes=cache_max_bytes,
    )
    app = make_celery(redis_url, concurrency=concurrency, render=worker.render)
    stopping = threading.Event()
    presence = threading.Thread(target=worker.present, args=(stopping,), daemon=True)
    presence.start()
    logger.info("Render worker %s: %d at a time, media in %s", name, concurrency, media_root)
    try:
        app.worker_main(
            [
                "worker",
                f"--hostname=render@{name}",
                f"--queues={QUEUE}",
                f"--concurrency={concurrency}",
                "--pool=threads",
                f"--loglevel={log_level}",
                "--without-gossip",
                "--without-mingle",
            ]
        )
    finally:
        stopping.set()
        presence.join(timeout=2)
