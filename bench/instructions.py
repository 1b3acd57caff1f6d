"""Instruction benchmark: time from a director's instruction to the bot's answer, offline.

    python bench/instructions.py              # a 40-scene project, 200 instructions
    python bench/instructions.py --scenes 100 --rounds 400

The real bot (long polling, the real rate limiter) talks to the Bot API emulator on the
loopback interface; one simulated director builds a project of plain ideas, then directs it
in English and Vietnamese. Each instruction is timed from the moment it is sent until the
answer arrives. The baseline is a plain scene idea timed the same way in the same run (the
bot's floor for any reply). Prints the figures, then one line of key=value pairs.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.app import build_application, polling  # noqa: E402
from bot.config import Settings  # noqa: E402
from tests.reliability.load_scenario import describe, percentile  # noqa: E402
from tests.support.bot_token import TOKEN  # noqa: E402
from tests.support.telegram_emulator import BotApiEmulator, SimulatedUser  # noqa: E402

# (instruction, words its answer holds); each pair leaves the project as it found it.
ROUNDS: tuple[tuple[str, str], ...] = (
    ("swap 3 and 7", "Swapped"),
    ("undo", "Undone"),
    ("move scene 5 to the start", "Moved"),
    ("hoàn tác", "Undone"),
    ("xoá cảnh 12", "Deleted"),
    ("undo", "Undone"),
    ("make scene 2 longer", "longer"),
    ("undo", "Undone"),
    ("how many scenes?", "scene"),
    ("video dài bao lâu?", "video"),
)


async def timed(user: SimulatedUser, text: str, expect: str) -> float:
    """Milliseconds from sending `text` to a reply holding `expect`."""
    mark = user.mark()
    started = time.perf_counter()
    await user.send_text(text)
    await user.wait_for(
        lambda m: any(expect.lower() in h.lower() for h in m.history),
        after=mark,
        what=repr(expect),
        timeout=30,
    )
    return (time.perf_counter() - started) * 1000


async def main(arguments: argparse.Namespace) -> None:
    """Build the project, direct it, print the figures."""
    with tempfile.TemporaryDirectory(prefix="pocket-instructions-") as folder:
        async with BotApiEmulator(token=TOKEN) as emulator:
            values: dict[str, Any] = {
                "telegram_bot_token": TOKEN,
                "telegram_api_base_url": emulator.base_url,
                "telegram_file_base_url": emulator.base_file_url,
                "data_dir": Path(folder),
                "provider": "offline",
            }
            settings = Settings(_env_file=None, **values)  # type: ignore[call-arg]
            user = emulator.user(90_001, "Director")
            async with polling(build_application(settings), poll_timeout=1):
                await timed(user, "/new Benchmark", "Benchmark")
                ideas = [
                    await timed(user, f"A river at dawn, take {n}", f"Scene {n}")
                    for n in range(1, arguments.scenes + 1)
                ]
                instructions = [
                    await timed(user, *ROUNDS[n % len(ROUNDS)]) for n in range(arguments.rounds)
                ]
    baseline = ideas[len(ideas) // 2 :]  # the project already holds scenes by then
    print(f"ideas (baseline):  {describe(baseline)}")
    print(f"instructions:      {describe(instructions)}")
    p95 = percentile(instructions, 0.95)
    p95_base = percentile(baseline, 0.95)
    print(
        f"scenes={arguments.scenes} rounds={arguments.rounds} "
        f"p50_ms={percentile(instructions, 0.5):.1f} p95_ms={p95:.1f} "
        f"max_ms={max(instructions):.1f} p95_idea_ms={p95_base:.1f} "
        f"p95_ratio={p95 / p95_base:.2f} target_p95_ms=200"
    )


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenes", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=200)
    return parser.parse_args(argv)


if __name__ == "__main__":
    asyncio.run(main(parse()))
