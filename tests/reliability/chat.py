"""Small conversation helpers shared by the reliability tests."""

# Waiting helpers take explicit `timeout=` arguments and poll what the emulator recorded.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from tests.support.telegram_emulator import BotMessage, SimulatedUser


async def say(user: SimulatedUser, text: str, expect: str, timeout: float = 30.0) -> BotMessage:
    """Send text; return the first reply after it that contains `expect`."""
    mark = user.mark()
    await user.send_text(text)
    return await user.wait_for(
        lambda m: any(expect in h for h in m.history), timeout, after=mark, what=repr(expect)
    )


async def set_up_project(user: SimulatedUser, title: str, ideas: int) -> None:
    """A project with `ideas` scene ideas."""
    await say(user, f"/new {title}", title)
    for index in range(1, ideas + 1):
        await say(user, f"Scene idea number {index}", f"Scene {index}:")


async def eventually(condition: Callable[[], bool], timeout: float, what: str) -> None:
    """Wait until `condition()` holds; fail with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(0.01)
