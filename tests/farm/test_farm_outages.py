"""The bot restarting mid-render follows its render on the farm instead of sending it twice;
Redis down when the bot starts: the director is told, and the render runs once Redis is back."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import BotStarter, SettingsFactory
from tests.farm.conftest import WorkerStarter
from tests.farm.test_farm import records, videos_by_chat, wait_for_board
from tests.reliability.chat import say, set_up_project
from tests.support.database import query
from tests.support.redis_server import RedisServer, free_port, wait_for_workers
from tests.support.telegram_emulator import BotApiEmulator

pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]


async def test_a_restarted_bot_follows_its_running_render_instead_of_sending_it_again(
    emulator: BotApiEmulator,
    make_settings: SettingsFactory,
    running_bot: BotStarter,
    redis_server: RedisServer,
    start_worker: WorkerStarter,
) -> None:
    worker = start_worker(redis_server)
    await wait_for_workers(redis_server, 1)
    settings = make_settings(redis_url=redis_server.url, render_short_side=540)
    user = emulator.user(4501, "Hoa")
    async with running_bot(settings):
        await set_up_project(user, "Restarted", ideas=6)
        await say(user, "/render", "Rendering")
        running = await wait_for_board(
            redis_server,
            lambda found: any(r.get("state") == "running" for r in found),
            60,
            "the render running on the worker",
        )
    assert query(settings.database_path, "select state from jobs") == [("running",)]
    mark = user.mark()
    async with running_bot(settings):
        video = await user.wait_for_video(timeout=120, after=mark)
    assert "resumed after a restart" in video.text
    assert [r["lease"] for r in records(redis_server)] == [running[0]["lease"]]
    assert worker.log().count("Rendering ") == 1, worker.log()
    assert videos_by_chat(emulator) == {4501: 1}
    assert query(settings.database_path, "select state, attempts from jobs") == [("done", 2)]


async def test_redis_down_at_start_the_director_is_told_and_the_render_waits_for_it(
    emulator: BotApiEmulator,
    make_settings: SettingsFactory,
    running_bot: BotStarter,
    start_worker: WorkerStarter,
    tmp_path: Path,
) -> None:
    server = RedisServer(tmp_path / "redis", port=free_port())  # not started yet
    settings = make_settings(redis_url=server.url, admin_user_ids=frozenset({4601}))
    user = emulator.user(4601, "Khanh")
    try:
        async with running_bot(settings):
            await set_up_project(user, "Patient", ideas=2)
            mark = user.mark()
            await say(user, "/render", "Rendering")
            await user.wait_for_text("can't reach the render farm", after=mark, timeout=30)
            report = await say(user, "/admin", "Render farm")
            assert "cannot be reached" in report.text
            assert query(settings.database_path, "select state from jobs") == [("running",)]
            server.start()
            start_worker(server)
            video = await user.wait_for_video(timeout=120, after=mark)
        assert video.media_kind == "video"
        assert videos_by_chat(emulator) == {4601: 1}
        assert query(settings.database_path, "select state from jobs") == [("done",)]
    finally:
        server.stop()
