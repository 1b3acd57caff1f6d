"""A load scenario shared by the load test and `bench/load.py`: many users chatting while
renders run, all against the real bot and the Bot API emulator on the loopback interface."""

from __future__ import annotations

import asyncio
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from bot.app import build_application, polling
from bot.config import Settings
from tests.reliability.chat import say
from tests.support.synthetic_media import make_song
from tests.support.telegram_emulator import BotApiEmulator, BotMessage, SimulatedUser

CHATTER_IDS = 40_000
RENDERER_IDS = 50_000
# Seconds a person thinks and types between two messages. With 50 users that offers about
# 17 messages a second, under Telegram's 30 a second that the bot's rate limiter enforces:
# beyond it every reply waits its turn whatever the renders do, and the figure would measure
# the limiter instead of the bot.
THINK_SECONDS = (1.5, 4.5)


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of `values` lie (nearest rank); NaN when empty."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def describe(values: list[float]) -> str:
    """n, p50/p95/p99 and the mean of latencies in ms."""
    mean = statistics.fmean(values) if values else float("nan")
    return (
        f"n={len(values)} p50={percentile(values, 0.50):.1f} "
        f"p95={percentile(values, 0.95):.1f} p99={percentile(values, 0.99):.1f} "
        f"mean={mean:.1f} ms"
    )


@dataclass
class LoadResult:
    """Reply latencies of plain messages, and what went missing."""

    latencies_ms: list[float] = field(default_factory=list)
    busy_ms: list[float] = field(default_factory=list)
    """Latencies of the messages sent while every requested render was running."""
    lost: int = 0
    videos: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        """All replies, the replies while rendering, what was lost."""
        return (
            f"all: {describe(self.latencies_ms)}; while rendering: "
            f"{describe(self.busy_ms)}; lost={self.lost}, videos={self.videos}"
        )


def _announces_scene(index: int, message: BotMessage) -> bool:
    return message.text.startswith(f"✍️ Scene {index}:")


async def _chat(
    user: SimulatedUser,
    messages: int,
    rng: random.Random,
    think: tuple[float, float],
    reply_timeout: float,
    busy: Callable[[], bool],
    result: LoadResult,
) -> None:
    """Send ideas one after another like a person would, timing each reply."""
    for index in range(1, messages + 1):
        await asyncio.sleep(rng.uniform(*think))
        mark = user.mark()
        rendering = busy()
        sent = time.monotonic()
        await user.send_text(f"Idea {index} of {user.first_name}")
        try:
            reply = await user.wait_for(
                partial(_announces_scene, index),
                reply_timeout,
                after=mark,
                what=f"the reply to idea {index}",
            )
        except AssertionError:
            result.lost += 1
            continue
        latency = (reply.sent_at - sent) * 1000
        result.latencies_ms.append(latency)
        if rendering:
            result.busy_ms.append(latency)


async def _prepare_renders(renderers: list[SimulatedUser], song_seconds: int) -> None:
    song = make_song(seconds=song_seconds, fmt="mp3")
    for user in renderers:
        await say(user, f"/new Render of {user.first_name}", "New project")
        for index in range(3):
            await say(user, f"A scene {index} to render", f"Scene {index + 1}")
        mark = user.mark()
        await user.send_audio(song, "song.mp3", "audio/mpeg", song_seconds)
        await user.wait_for_text("song.mp3", after=mark)


async def run_load(
    emulator: BotApiEmulator,
    settings: Settings,
    *,
    chatters: int = 50,
    messages: int = 4,
    renders: int = 0,
    song_seconds: int = 20,
    think: tuple[float, float] = THINK_SECONDS,
    reply_timeout: float = 20.0,
    video_timeout: float = 120.0,
    seed: int = 7,
) -> LoadResult:
    """Run the bot, start `renders` renders, let `chatters` users chat; wait for the videos
    (unless `video_timeout` is 0: then the renders are stopped when the chat is over)."""
    rng = random.Random(seed)
    users = [emulator.user(CHATTER_IDS + i, f"Chatter{i}") for i in range(chatters)]
    renderers = [emulator.user(RENDERER_IDS + i, f"Director{i}") for i in range(renders)]
    result = LoadResult()
    started = time.monotonic()
    async with polling(build_application(settings), poll_timeout=1) as application:
        runner = application.bot_data.runner
        await asyncio.gather(*(say(user, "/new Chat", "New project") for user in users))
        await _prepare_renders(renderers, song_seconds)
        for user in renderers:
            await say(user, "/render", "Rendering")

        def busy() -> bool:
            return renders > 0 and runner.load().rendering >= min(renders, runner.workers)

        await asyncio.gather(
            *(
                _chat(
                    user, messages, random.Random(rng.random()), think, reply_timeout, busy, result
                )
                for user in users
            )
        )
        for user in renderers if video_timeout > 0 else []:
            try:
                await user.wait_for_video(timeout=video_timeout)
                result.videos += 1
            except AssertionError:
                pass
    result.seconds = time.monotonic() - started
    return result
