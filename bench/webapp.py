"""Timeline app benchmark: a drag's round trip through the app's API against the same edit in chat.

    python bench/webapp.py              # a 40-scene project, 60 moves each way
    python bench/webapp.py --scenes 100 --rounds 100

The real bot (long polling, its web server on a free loopback port) talks to the Bot API
emulator. One director builds a project of plain ideas; then the same reorder is made two ways,
each taken back at once: through the app's API (a signed POST, answered with the whole timeline
redrawn) and as a chat instruction ("move scene 5 to the start", timed to the bot's answer).
Loading the timeline (GET) is timed too. Prints the figures, then one line of key=value pairs
with the ratio of the app's p50 to the chat's, measured in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.instructions import timed  # noqa: E402
from bot.app import build_application, polling  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.webapp.init_data import sign  # noqa: E402
from tests.reliability.load_scenario import describe, percentile  # noqa: E402
from tests.support.bot_token import TOKEN  # noqa: E402
from tests.support.telegram_emulator import BotApiEmulator  # noqa: E402

DIRECTOR = 90_002
PUBLIC_URL = "https://director.example/timeline/"


def signed_headers(user_id: int) -> dict[str, str]:
    """The Authorization header of the app's calls, with initData signed as Telegram does."""
    fields = {"user": json.dumps({"id": user_id}), "auth_date": str(int(time.time()))}
    return {"Authorization": "tma " + urlencode({**fields, "hash": sign(fields, TOKEN)})}


async def main(arguments: argparse.Namespace) -> None:
    """Build the project, reorder it both ways, print the figures."""
    loads: list[float] = []
    app_moves: list[float] = []
    chat_moves: list[float] = []
    with tempfile.TemporaryDirectory(prefix="pocket-webapp-") as folder:
        async with BotApiEmulator(token=TOKEN) as emulator:
            values: dict[str, Any] = {
                "telegram_bot_token": TOKEN,
                "telegram_api_base_url": emulator.base_url,
                "telegram_file_base_url": emulator.base_file_url,
                "data_dir": Path(folder),
                "provider": "offline",
                "webapp_url": PUBLIC_URL,
                "webapp_port": 0,
            }
            settings = Settings(_env_file=None, **values)  # type: ignore[call-arg]
            user = emulator.user(DIRECTOR, "Director")
            application = build_application(settings)
            async with polling(application, poll_timeout=1), aiohttp.ClientSession() as http:
                server = application.bot_data.lifecycle.webapp
                assert server is not None
                await timed(user, "/new Benchmark", "Benchmark")
                for n in range(1, arguments.scenes + 1):
                    await timed(user, f"A river at dawn, take {n}", f"Scene {n}")
                headers = signed_headers(DIRECTOR)
                base = server.local_url + "api/"
                for _ in range(arguments.rounds):
                    started = time.perf_counter()
                    async with http.get(base + "timeline", headers=headers) as response:
                        board = await response.json()
                    loads.append((time.perf_counter() - started) * 1000)
                    project, fifth = board["project"]["id"], board["scenes"][4]["id"]
                    for position in (1, 5):  # to the start, and back
                        body = {
                            "edits": [{"kind": "move", "scene_id": fifth, "position": position}]
                        }
                        started = time.perf_counter()
                        async with http.post(
                            base + f"projects/{project}/edits", json=body, headers=headers
                        ) as response:
                            assert response.status == 200
                            await response.read()
                        app_moves.append((time.perf_counter() - started) * 1000)
                    chat_moves.append(await timed(user, "move scene 5 to the start", "Moved"))
                    chat_moves.append(await timed(user, "move scene 1 to place 5", "Moved"))
    print(f"timeline load (GET):     {describe(loads)}")
    print(f"move through the app:    {describe(app_moves)}")
    print(f"move in chat (baseline): {describe(chat_moves)}")
    p50_app, p50_chat = percentile(app_moves, 0.5), percentile(chat_moves, 0.5)
    print(
        f"scenes={arguments.scenes} rounds={arguments.rounds} "
        f"load_p50_ms={percentile(loads, 0.5):.1f} app_move_p50_ms={p50_app:.1f} "
        f"app_move_p95_ms={percentile(app_moves, 0.95):.1f} chat_move_p50_ms={p50_chat:.1f} "
        f"app_to_chat_p50_ratio={p50_app / p50_chat:.2f}"
    )


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenes", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=60)
    return parser.parse_args(argv)


if __name__ == "__main__":
    asyncio.run(main(parse()))
