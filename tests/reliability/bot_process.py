"""The real bot as a child process (`python -m bot run`), and the processes it leaves behind."""

# Waiting helpers take explicit `timeout=` arguments: they read better in tests.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from typing import Any

from tests.support.bot_token import TOKEN
from tests.support.child_process import BotChild
from tests.support.database import query
from tests.support.telegram_emulator import BotApiEmulator

ROOT = Path(__file__).resolve().parents[2]


def bot_environment(emulator: BotApiEmulator, data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a bot process talking to the emulator, with its own DATA_DIR."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TELEGRAM_", "OPENAI_", "RUNWAYML_", "POCKET_DIRECTOR_"))
    }
    env.update(
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": emulator.base_url,
            "TELEGRAM_FILE_BASE_URL": emulator.base_file_url,
            "DATA_DIR": str(data_dir),
            "POCKET_DIRECTOR_PROVIDER": "offline",
            "RENDER_SHORT_SIDE": "360",
            "RENDER_FPS": "24",
            "PYTHONPATH": str(ROOT),
        }
    )
    env.update(extra)
    return env


class BotProcess(BotChild):
    """A running `python -m bot run`, in a process group of its own."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        super().__init__("run", env, log_path)

    def kill(self) -> None:
        """SIGKILL the bot's whole process group, as a crash or an OOM kill would."""
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        """Ask the bot to stop (SIGINT, like Ctrl+C); kill it if it does not."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
        self.close_log()


@asynccontextmanager
async def bot_process(env: dict[str, str], log_path: Path) -> AsyncIterator[BotProcess]:
    """Start the bot, and make sure it is gone at the end."""
    bot = BotProcess(env, log_path)
    try:
        yield bot
    finally:
        await asyncio.to_thread(bot.stop)


def processes_with(marker: str) -> list[int]:
    """Live processes whose environment contains `marker` (the bot, its workers, ffmpeg)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if _is_zombie(entry):
                continue
            if marker.encode() in (entry / "environ").read_bytes():
                found.append(int(entry.name))
        except OSError:  # gone meanwhile, or not ours to read
            continue
    return found


def _is_zombie(entry: Path) -> bool:
    stat = (entry / "stat").read_text()
    return stat.rsplit(")", 1)[1].split()[0] == "Z"


async def wait_until_gone(marker: str, timeout: float) -> float:
    """Wait until no process carries `marker`; return how long it took."""
    started = time.monotonic()
    while processes_with(marker):
        if time.monotonic() - started > timeout:
            raise AssertionError(f"processes left behind: {processes_with(marker)}")
        await asyncio.sleep(0.1)
    return time.monotonic() - started


async def wait_for_row(
    database: Path, sql: str, accept: Callable[[tuple[Any, ...]], bool], timeout: float, what: str
) -> tuple[Any, ...]:
    """Poll the database until a row of `sql` satisfies `accept`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for row in query(database, sql):
            if accept(row):
                return row
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}: {query(database, sql)}")
