"""Load, bounded and on the loopback interface: 50 users chat while 4 renders run."""

from __future__ import annotations

import pytest

from tests.conftest import SettingsFactory
from tests.reliability.load_scenario import percentile, run_load
from tests.support.telegram_emulator import BotApiEmulator

pytestmark = [pytest.mark.slow, pytest.mark.timeout(90)]


async def test_fifty_users_chat_while_four_renders_run(
    emulator: BotApiEmulator, make_settings: SettingsFactory
) -> None:
    settings = make_settings(render_workers=4)
    result = await run_load(
        emulator, settings, chatters=50, messages=4, renders=4, song_seconds=60, video_timeout=60
    )
    print(result.summary())
    assert result.lost == 0, result.summary()
    assert len(result.latencies_ms) == 50 * 4
    assert len(result.busy_ms) >= 50, "the renders ended before the chat: no load measured"
    assert result.videos == 4
    # Bounded, not a benchmark (bench/load.py is): every reply within a few seconds.
    assert percentile(result.latencies_ms, 0.99) < 10_000, result.summary()
