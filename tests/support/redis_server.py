"""A real `redis-server` (Debian's package) on a free loopback port, and farm worker processes.

In CI a missing redis-server fails the test that needs it (a skipped farm test proves nothing);
on a developer's machine without it, the farm tests skip and say how to install it
(`bash scripts/system-packages.sh`). Redis runs without persistence, so a restart loses
everything it held, the hardest case for the farm.
"""

# Waiting helpers take explicit `timeout=` arguments: they read better in tests.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import time
from contextlib import suppress
from pathlib import Path

import pytest
import redis

from tests.support.child_process import BotChild

ROOT = Path(__file__).resolve().parents[2]


def redis_server_path() -> str:
    """Debian's redis-server; its absence fails the test (a skipped farm test proves nothing,
    and CI machines need not say they are CI)."""
    found = shutil.which("redis-server")
    if found is not None:
        return found
    message = "No redis-server on PATH: run `bash scripts/system-packages.sh` (Debian's package)"
    pytest.fail(message)


def free_port() -> int:
    """A loopback TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class RedisServer:
    """A redis-server of the test's own, that the test can stop and start again on its port."""

    def __init__(self, folder: Path, port: int | None = None) -> None:
        self.executable = redis_server_path()
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """The REDIS_URL of this server."""
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start the server and wait until it answers."""
        log = (self.folder / "redis.log").open("ab")
        self.process = subprocess.Popen(
            [
                self.executable,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError(f"redis-server did not start: {self.log()}") from None
                time.sleep(0.05)
        client.close()

    def stop(self) -> None:
        """Kill the server (everything it held is lost: it keeps no files)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None

    def client(self) -> redis.Redis:
        """A client of this server (answers decoded)."""
        return redis.Redis(port=self.port, decode_responses=True)

    def log(self) -> str:
        """What the server wrote."""
        path = self.folder / "redis.log"
        return path.read_text(errors="replace") if path.exists() else ""


def farm_environment(redis_url: str, data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a worker process: the farm's Redis and the shared DATA_DIR only."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TELEGRAM_", "OPENAI_", "RUNWAYML_", "POCKET_DIRECTOR_", "REDIS_"))
    }
    env.update({"REDIS_URL": redis_url, "DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT)})
    env.update(extra)
    return env


class WorkerProcess(BotChild):
    """A running `python -m bot worker`, in a process group of its own."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        super().__init__("worker", env, log_path)

    @property
    def pid(self) -> int:
        """The worker's process id (its name on the board ends with it)."""
        return self.process.pid

    def kill(self) -> None:
        """SIGKILL the worker alone, as an OOM kill or a lost machine would: its render
        process must notice by itself."""
        with suppress(ProcessLookupError):
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        """Stop the worker and everything it started."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            with suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=15)
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        with suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=10)
        self.close_log()


async def wait_for_workers(server: RedisServer, count: int, timeout: float = 60.0) -> list[str]:
    """Wait until `count` workers are on the board; return their names."""
    client = server.client()
    deadline = time.monotonic() + timeout
    try:
        while True:
            keys = client.scan_iter("pocket-director:worker:*")
            names = sorted(str(key).split(":", 2)[2] for key in keys)
            if len(names) >= count:
                return names
            if time.monotonic() > deadline:
                raise AssertionError(f"only {names} of {count} workers came up")
            await asyncio.sleep(0.1)
    finally:
        client.close()
