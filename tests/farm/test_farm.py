"""The render farm for real: a redis-server, `python -m bot worker` processes on the bot's
DATA_DIR, and the real bot over the Bot API emulator. A worker SIGKILLed mid-render, Redis
restarted mid-queue, /cancel reaching the worker's ffmpeg: every video arrives once."""

# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import BotStarter, SettingsFactory
from tests.farm.conftest import WorkerStarter
from tests.reliability.bot_process import processes_with
from tests.reliability.chat import say, set_up_project
from tests.support.database import query
from tests.support.redis_server import RedisServer, wait_for_workers
from tests.support.telegram_emulator import BotApiEmulator

pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]

RECORDS = "pocket-director:render:*"


def records(server: RedisServer) -> list[dict[str, str]]:
    """Every render record on the board."""
    client = server.client()
    try:
        return [
            {str(k): str(v) for k, v in client.hgetall(key).items()}
            for key in client.scan_iter(RECORDS)
        ]
    finally:
        client.close()


async def wait_for_board(
    server: RedisServer, accept: object, timeout: float, what: str
) -> list[dict[str, str]]:
    """Poll the board until `accept(records)` holds."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            found = records(server)
            if accept(found):  # type: ignore[operator]
                return found
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}: {records(server)}")
        await asyncio.sleep(0.05)


def videos_by_chat(emulator: BotApiEmulator) -> Counter[int]:
    """How many videos each chat received."""
    return Counter(int(call.params["chat_id"]) for call in emulator.calls_to("sendVideo"))


def ffmpeg_of(data_dir: Path) -> list[int]:
    """Live ffmpeg processes started (through a worker) on this DATA_DIR."""
    found = []
    for pid in processes_with(f"DATA_DIR={data_dir}"):
        try:
            if "ffmpeg" in Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace"):
                found.append(pid)
        except OSError:
            continue
    return found


async def test_a_worker_killed_mid_render_loses_nothing_and_each_video_arrives_once(
    emulator: BotApiEmulator,
    make_settings: SettingsFactory,
    running_bot: BotStarter,
    redis_server: RedisServer,
    start_worker: WorkerStarter,
    tmp_path: Path,
) -> None:
    workers = [start_worker(redis_server), start_worker(redis_server)]
    await wait_for_workers(redis_server, 2)
    settings = make_settings(
        redis_url=redis_server.url, farm_lost_after_seconds=3.0, admin_user_ids=frozenset({4201})
    )
    first, second = emulator.user(4201, "An"), emulator.user(4202, "Binh")
    async with running_bot(settings):
        report = await say(first, "/admin", "Render farm")
        assert "2 workers seen" in report.text, report.text
        for user, title in ((first, "Farm one"), (second, "Farm two")):
            await set_up_project(user, title, ideas=4)
        marks = [first.mark(), second.mark()]
        await say(first, "/render", "Rendering")
        await say(second, "/render", "Rendering")
        running = await wait_for_board(
            redis_server,
            lambda found: (
                sum(1 for r in found if r.get("state") == "running" and float(r["progress"]) > 0.05)
                >= 1
            ),
            60,
            "a render under way on a worker",
        )
        victim_name = next(r["worker"] for r in running if r.get("state") == "running")
        victim = next(w for w in workers if victim_name.endswith(f".{w.pid}"))
        victim.kill()
        killed_at = time.monotonic()
        videos = [
            await user.wait_for_video(timeout=120, after=mark)
            for user, mark in zip((first, second), marks, strict=True)
        ]
        done_in = time.monotonic() - killed_at
    assert all(video.media_kind == "video" for video in videos)
    assert videos_by_chat(emulator) == {4201: 1, 4202: 1}
    assert query(
        settings.database_path, "select state, attempts from jobs where kind = 'render'"
    ) == [
        ("done", 1),
        ("done", 1),
    ]
    survivor = next(w for w in workers if w is not victim)
    assert survivor.log().count("Rendering ") >= 2, survivor.log()  # the lost one ran here
    notices = [
        call.params["text"]
        for call in emulator.calls_to("sendMessage")
        if "another one starts" in str(call.params.get("text"))
    ]
    assert len(notices) == 1, notices
    print(f"both videos delivered {done_in:.1f} s after the SIGKILL")


async def test_redis_restarted_mid_queue_loses_no_render(
    emulator: BotApiEmulator,
    make_settings: SettingsFactory,
    running_bot: BotStarter,
    redis_server: RedisServer,
    start_worker: WorkerStarter,
) -> None:
    start_worker(redis_server)
    await wait_for_workers(redis_server, 1)
    settings = make_settings(redis_url=redis_server.url, farm_lost_after_seconds=3.0)
    first, second = emulator.user(4301, "Chi"), emulator.user(4302, "Dung")
    async with running_bot(settings):
        for user, title in ((first, "Queue one"), (second, "Queue two")):
            await set_up_project(user, title, ideas=4)
        marks = [first.mark(), second.mark()]
        await say(first, "/render", "Rendering")
        await say(second, "/render", "number 1 in line")  # one worker slot: the runner queues
        await wait_for_board(
            redis_server,
            lambda found: any(r.get("state") == "running" for r in found),
            60,
            "the first render running",
        )
        redis_server.stop()  # the board and the queue are gone
        await asyncio.sleep(2.0)
        redis_server.start()
        videos = [
            await user.wait_for_video(timeout=150, after=mark)
            for user, mark in zip((first, second), marks, strict=True)
        ]
    assert len(videos) == 2
    assert videos_by_chat(emulator) == {4301: 1, 4302: 1}
    assert [row[0] for row in query(settings.database_path, "select state from jobs")] == [
        "done",
        "done",
    ]


async def test_cancel_reaches_the_worker_and_stops_its_ffmpeg(
    emulator: BotApiEmulator,
    make_settings: SettingsFactory,
    running_bot: BotStarter,
    redis_server: RedisServer,
    start_worker: WorkerStarter,
    tmp_path: Path,
) -> None:
    worker = start_worker(redis_server)
    await wait_for_workers(redis_server, 1)
    data_dir = tmp_path / "data"
    settings = make_settings(redis_url=redis_server.url, render_short_side=540)
    user = emulator.user(4401, "Giang")
    async with running_bot(settings):
        await set_up_project(user, "Stopped", ideas=8)
        await say(user, "/render", "Rendering")
        await wait_for_board(
            redis_server,
            lambda found: any(r.get("state") == "running" for r in found) and ffmpeg_of(data_dir),
            60,
            "the worker's ffmpeg encoding",
        )
        await say(user, "/cancel", "")
        deadline = time.monotonic() + 15
        while ffmpeg_of(data_dir) and time.monotonic() < deadline:  # noqa: ASYNC110 - polls /proc
            await asyncio.sleep(0.1)
        assert ffmpeg_of(data_dir) == [], worker.log()
        assert worker.process.poll() is None  # the worker itself goes on
        found = records(redis_server)
        assert [r["state"] for r in found] == ["cancelled"]
        await asyncio.sleep(1.0)
    assert query(settings.database_path, "select state from jobs") == [("cancelled",)]
    assert emulator.calls_to("sendVideo") == []
    assert "withdrawn" in worker.log()
