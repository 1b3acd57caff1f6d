"""Rendering in a separate process, so the bot's event loop never waits on frames or ffmpeg.

The worker is spawned (a fresh interpreter: the bot's main module needs the usual
`if __name__ == "__main__"` guard) and leads its own process group. To cancel, the parent sends
it SIGTERM: the worker stops its ffmpeg processes, reaps them and exits; a SIGKILL of the group
is the backstop. Messages from the worker are tuples on a multiprocessing queue:
`("progress", fraction)`, `("done", RenderResult)` or `("error", description)`.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import multiprocessing
import os
import queue
import shutil
import signal
import tempfile
import time
import traceback
from collections.abc import Awaitable, Callable
from multiprocessing.process import BaseProcess
from multiprocessing.queues import Queue
from pathlib import Path
from types import FrameType
from typing import Any

from bot.media.renderer import RenderResult, partial_path
from bot.studio.timeline import Timeline

logger = logging.getLogger(__name__)

POLL_SECONDS = 0.1
STOP_SECONDS = 2.0  # for ffmpeg to flush and exit after SIGTERM

ProgressCallback = Callable[[float], Awaitable[None] | None]


class RenderCancelled(Exception):
    """The render was cancelled before it finished."""


class RenderFailed(Exception):
    """The render worker raised or died; the message is for logs, not for users."""


async def render_in_worker(
    timeline: Timeline,
    output: Path,
    *,
    on_progress: ProgressCallback | None = None,
    cancel_event: asyncio.Event | None = None,
    **encode_kwargs: Any,
) -> RenderResult:
    """Render in a spawned process, relaying progress; cancel by setting `cancel_event`."""
    context = multiprocessing.get_context("spawn")
    messages: Queue[tuple[str, Any]] = context.Queue()
    own_work_dir = "work_dir" not in encode_kwargs
    if own_work_dir:
        # Made here so it is removed even when the worker is killed.
        encode_kwargs["work_dir"] = Path(tempfile.mkdtemp(prefix="render-"))
    process = context.Process(
        target=_work,
        args=(timeline, Path(output), encode_kwargs, messages, os.getpid()),
        name="pocket-director-render",
        daemon=True,
    )
    try:
        process.start()
        if process.pid is not None:
            _lower_priority(process.pid)
        return await _relay(process, messages, on_progress, cancel_event)
    except BaseException:
        await _kill(process)
        partial_path(Path(output)).unlink(missing_ok=True)
        raise
    finally:
        if not await _exited(process, STOP_SECONDS):
            await _kill(process)
        if process.pid is not None:
            process.join(timeout=0)
        messages.close()
        if own_work_dir:
            shutil.rmtree(encode_kwargs["work_dir"], ignore_errors=True)


async def _relay(
    process: BaseProcess,
    messages: Queue[tuple[str, Any]],
    on_progress: ProgressCallback | None,
    cancel_event: asyncio.Event | None,
) -> RenderResult:
    """Pass the worker's messages on until it reports a result, fails, or is cancelled."""
    while True:
        if cancel_event is not None and cancel_event.is_set():
            raise RenderCancelled("render cancelled")
        alive = process.is_alive()  # checked before draining, so no last message is missed
        latest: float | None = None
        result: RenderResult | None = None
        while result is None:
            try:
                kind, value = messages.get_nowait()
            except queue.Empty:
                break
            if kind == "error":
                raise RenderFailed(str(value))
            if kind == "progress":
                latest = float(value)  # only the newest matters when several are waiting
            elif kind == "done":
                result = value
        if latest is not None and on_progress is not None:
            reply = on_progress(latest)
            if inspect.isawaitable(reply):
                await reply
        if result is not None:
            return result
        if not alive:
            raise RenderFailed(f"render worker exited with code {process.exitcode}")
        await _wait(cancel_event, POLL_SECONDS)


async def _wait(event: asyncio.Event | None, seconds: float) -> None:
    if event is None:
        await asyncio.sleep(seconds)
        return
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(event.wait(), seconds)


async def _kill(process: BaseProcess) -> None:
    """Ask the worker to stop (it stops and reaps its ffmpeg), then force the whole group."""
    pid = process.pid
    if pid is None:
        return
    if process.is_alive():
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        if not await _exited(process, STOP_SECONDS + 1.0):
            logger.warning("render worker %d ignored SIGTERM; killing its group", pid)
            _kill_group(pid)
            process.kill()
            await _exited(process, STOP_SECONDS)
    _kill_group(pid)  # anything the worker left behind


async def _exited(process: BaseProcess, seconds: float) -> bool:
    """Wait (without blocking the loop) up to `seconds` for the process to end."""
    deadline = time.monotonic() + seconds
    while process.is_alive():
        if time.monotonic() >= deadline:
            return False
        await asyncio.sleep(0.02)
    return True


def _kill_group(pgid: int) -> None:
    # The worker leads its own group (`os.setpgrp`), so this never reaches the bot itself.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def _work(
    timeline: Timeline,
    output: Path,
    encode_kwargs: dict[str, Any],
    messages: Queue[tuple[str, Any]],
    parent_pid: int,
) -> None:
    """Worker process entry: render and report on the queue."""
    os.setpgrp()
    signal.signal(signal.SIGTERM, _stop)
    _lower_priority(0)
    from bot.media.renderer import render_timeline

    def report(fraction: float) -> None:
        if os.getppid() != parent_pid:  # the bot is gone: nobody will collect this video
            _stop(signal.SIGHUP, None)
        messages.put(("progress", fraction))

    try:
        result = render_timeline(timeline, output, on_progress=report, **encode_kwargs)
    except BaseException as error:  # the parent decides what a failure means
        messages.put(("error", f"{type(error).__name__}: {error}\n{traceback.format_exc()}"))
        raise SystemExit(1) from None
    messages.put(("done", result))


def _stop(signum: int, frame: FrameType | None) -> None:
    """SIGTERM in the worker: stop our ffmpeg processes, reap them, and leave at once.

    Reaping here matters: ffmpeg orphaned by a killed worker is left to init, and a container's
    init may never reap it.
    """
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    with contextlib.suppress(OSError):
        os.killpg(0, signal.SIGTERM)  # our group: ffmpeg children; we ignore it now
    # Threads still writing to the pipes closed below (the queue's feeder, the frame writers)
    # die with "Bad file descriptor": we leave on purpose, so their tracebacks are noise.
    with contextlib.suppress(OSError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
    # ffmpeg waits for its input to end before it exits: close our ends of its pipes.
    os.closerange(3, os.sysconf("SC_OPEN_MAX"))
    deadline = time.monotonic() + STOP_SECONDS
    while time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid == 0:
            time.sleep(0.01)
    os._exit(128 + signum)


def _lower_priority(pid: int) -> None:
    """The bot's own process answers people first: a render (and the ffmpeg it starts, which
    inherits this) only gets CPU time nobody else wants. Set from the parent right after the
    spawn, so the worker's heavy imports are idle too; nice 19 where SCHED_IDLE is missing.
    """
    try:
        os.sched_setscheduler(pid, os.SCHED_IDLE, os.sched_param(0))
    except (AttributeError, OSError):
        with contextlib.suppress(OSError):
            if pid == 0:
                os.nice(19)
