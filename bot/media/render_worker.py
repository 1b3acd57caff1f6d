"""Rendering in a separate process, so the bot's event loop never waits on frames or ffmpeg.

The worker runs in its own process group: cancelling kills the group, ffmpeg included.
Messages from the worker are tuples on a multiprocessing queue:
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
from pathlib import Path
from typing import Any

from bot.media.renderer import RenderResult, partial_path
from bot.studio.timeline import Timeline

logger = logging.getLogger(__name__)

POLL_SECONDS = 0.1
KILL_GRACE_SECONDS = 2.0

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
    messages = context.Queue()
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
    process.start()
    try:
        return await _relay(process, messages, on_progress, cancel_event)
    except BaseException:
        await _kill(process)
        partial_path(Path(output)).unlink(missing_ok=True)
        raise
    finally:
        if not await _exited(process, KILL_GRACE_SECONDS):
            await _kill(process)
        process.join(timeout=0)
        messages.close()
        if own_work_dir:
            shutil.rmtree(encode_kwargs["work_dir"], ignore_errors=True)


async def _relay(
    process: BaseProcess,
    messages: Any,
    on_progress: ProgressCallback | None,
    cancel_event: asyncio.Event | None,
) -> RenderResult:
    """Pass the worker's messages on until it reports a result, fails, or is cancelled."""
    while True:
        if cancel_event is not None and cancel_event.is_set():
            raise RenderCancelled("render cancelled")
        alive = process.is_alive()  # checked before draining, so no last message is missed
        while True:
            try:
                kind, value = messages.get_nowait()
            except queue.Empty:
                break
            if kind == "done":
                assert isinstance(value, RenderResult)
                return value
            if kind == "error":
                raise RenderFailed(str(value))
            if kind == "progress" and on_progress is not None:
                reply = on_progress(float(value))
                if inspect.isawaitable(reply):
                    await reply
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
    """Stop the worker and everything it started (ffmpeg), politely first."""
    if process.pid is None:
        return
    for sig in (signal.SIGTERM, signal.SIGKILL):
        if not process.is_alive():
            break
        _signal_group(process.pid, sig)
        await _exited(process, KILL_GRACE_SECONDS)
    # ffmpeg may outlive the worker by a moment after SIGTERM: make sure the group is gone.
    _signal_group(process.pid, signal.SIGKILL)


async def _exited(process: BaseProcess, timeout: float) -> bool:
    """Wait (without blocking the loop) up to `timeout` seconds for the process to end."""
    deadline = time.monotonic() + timeout
    while process.is_alive():
        if time.monotonic() >= deadline:
            return False
        await asyncio.sleep(0.02)
    return True


def _signal_group(pid: int, sig: signal.Signals) -> None:
    try:
        os.killpg(pid, sig)
    except ProcessLookupError:
        # The worker may not have made its group yet (or it is gone): signal it alone.
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)
    except PermissionError:
        logger.warning("could not signal render process group %d", pid)


def _work(
    timeline: Timeline,
    output: Path,
    encode_kwargs: dict[str, Any],
    messages: Any,
    parent_pid: int,
) -> None:
    """Worker process entry: render and report on the queue."""
    os.setpgrp()
    with contextlib.suppress(OSError):
        os.nice(5)  # the bot's own process answers people first
    from bot.media.renderer import render_timeline

    def report(fraction: float) -> None:
        if os.getppid() != parent_pid:
            raise SystemExit("the bot process is gone")
        messages.put(("progress", fraction))

    try:
        result = render_timeline(timeline, output, on_progress=report, **encode_kwargs)
    except BaseException as error:  # the parent decides what a failure means
        messages.put(("error", f"{type(error).__name__}: {error}\n{traceback.format_exc()}"))
        raise SystemExit(1) from None
    messages.put(("done", result))
