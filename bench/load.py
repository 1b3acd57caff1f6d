"""Load benchmark: reply latency of plain messages with no renders vs while renders run.

    python bench/load.py                   # 50 users x 10 messages; 4 renders at 720p/30 fps
    python bench/load.py --quick           # 50 users x 4 messages; 360p renders
    python bench/load.py --workers 0       # the bot's default pool: one worker per 2 cores

Everything runs on the loopback interface: the real bot (long polling, the real
AIORateLimiter) against the Bot API emulator, with simulated users in this process. Each
phase gets a fresh emulator and data folder. The busy figures count only the messages sent
while every render was running. Prints each phase, then one line of key=value pairs.
(Render workers, and the ffmpeg they start, run in Linux's SCHED_IDLE class from the moment
they are spawned: that is what keeps the ratio low on a small machine.)
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.config import Settings  # noqa: E402
from tests.reliability.load_scenario import (  # noqa: E402
    LoadResult,
    describe,
    percentile,
    run_load,
)
from tests.support.bot_token import TOKEN  # noqa: E402
from tests.support.telegram_emulator import BotApiEmulator  # noqa: E402


async def _phase(arguments: argparse.Namespace, renders: int) -> LoadResult:
    with tempfile.TemporaryDirectory(prefix="pocket-load-") as folder:
        async with BotApiEmulator(token=TOKEN) as emulator:
            values: dict[str, Any] = {
                "telegram_bot_token": TOKEN,
                "telegram_api_base_url": emulator.base_url,
                "telegram_file_base_url": emulator.base_file_url,
                "data_dir": Path(folder),
                "provider": "offline",
                "render_short_side": arguments.short_side,
                "render_fps": arguments.fps,
            }
            if arguments.workers != 0:  # 0: the default, one per two cores
                values["render_workers"] = arguments.workers or max(1, renders)
            settings = Settings(_env_file=None, **values)  # type: ignore[call-arg]
            return await run_load(
                emulator,
                settings,
                chatters=arguments.chatters,
                messages=arguments.messages,
                renders=renders,
                song_seconds=arguments.song_seconds,
                video_timeout=0,
            )


async def main(arguments: argparse.Namespace) -> None:
    """Run both phases and print the figures."""
    idle = await _phase(arguments, renders=0)
    print(f"no renders:        {describe(idle.latencies_ms)} lost={idle.lost}")
    busy = await _phase(arguments, renders=arguments.renders)
    print(f"{arguments.renders} renders asked:  {describe(busy.busy_ms)} lost={busy.lost}")
    print(f"  (all messages of that phase: {describe(busy.latencies_ms)})")
    p95_idle = percentile(idle.latencies_ms, 0.95)
    p95_busy = percentile(busy.busy_ms, 0.95)
    print(
        f"p50_idle_ms={percentile(idle.latencies_ms, 0.5):.1f} "
        f"p50_busy_ms={percentile(busy.busy_ms, 0.5):.1f} "
        f"p99_idle_ms={percentile(idle.latencies_ms, 0.99):.1f} "
        f"p99_busy_ms={percentile(busy.busy_ms, 0.99):.1f}"
    )
    print(
        f"p95_idle_ms={p95_idle:.1f} p95_busy_ms={p95_busy:.1f} "
        f"p95_ratio={p95_busy / p95_idle:.2f} lost={idle.lost + busy.lost}"
    )


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chatters", type=int, default=50)
    parser.add_argument("--messages", type=int, default=10, help="per chatter")
    parser.add_argument("--renders", type=int, default=4)
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="RENDER_WORKERS (default: one per render; 0: the bot's default)",
    )
    parser.add_argument("--song-seconds", type=int, default=120)
    parser.add_argument("--short-side", type=int, default=720)
    parser.add_argument("--fps", type=int, default=30)
    parser.add_argument("--quick", action="store_true", help="4 messages, 360p/24 fps renders")
    arguments = parser.parse_args(argv)
    if arguments.quick:
        arguments.messages, arguments.short_side, arguments.fps = 4, 360, 24
        arguments.song_seconds = 60
    return arguments


if __name__ == "__main__":  # the render workers are spawned: they import this module
    asyncio.run(main(parse()))
