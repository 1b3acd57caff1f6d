"""Fixtures of the farm tests: a real redis-server, real worker processes, one DATA_DIR."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support.redis_server import RedisServer, WorkerProcess, farm_environment

WorkerStarter = Callable[..., WorkerProcess]


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    """A redis-server of the test's own, started."""
    server = RedisServer(tmp_path / "redis")
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def start_worker(tmp_path: Path) -> Iterator[WorkerStarter]:
    """Start `python -m bot worker` processes on the test's DATA_DIR; all stopped at the end."""
    started: list[WorkerProcess] = []

    def start(server: RedisServer, **extra: str) -> WorkerProcess:
        env = farm_environment(server.url, tmp_path / "data", **extra)
        worker = WorkerProcess(env, tmp_path / f"worker{len(started) + 1}.log")
        started.append(worker)
        return worker

    try:
        yield start
    finally:
        for worker in started:
            worker.stop()
