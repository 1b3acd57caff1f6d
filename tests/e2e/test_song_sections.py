"""A song with verses and choruses, through the bot: its parts in /status, a scene pinned to one."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import BotStarter, SettingsFactory
from tests.e2e.helpers import say, version_with
from tests.support.music import render_piece, song_with_sections
from tests.support.telegram_emulator import BotApiEmulator

pytestmark = pytest.mark.slow


async def test_the_song_s_parts_show_in_status_and_a_scene_starts_the_chorus(
    emulator: BotApiEmulator,
    make_settings: SettingsFactory,
    running_bot: BotStarter,
    tmp_path: Path,
) -> None:
    song = render_piece(song_with_sections(120.0), tmp_path).read_bytes()
    user = emulator.user(2301, "Thu", language_code="vi")
    async with running_bot(make_settings()):
        await say(user, "/new Mùa hè", "Mùa hè")
        ideas = ("Bình minh trên biển", "Thuyền ra khơi", "Chợ cá", "Hoàng hôn")
        for number, idea in enumerate(ideas, start=1):
            await say(user, idea, f"Cảnh {number}")
        mark = user.mark()
        await user.send_audio(song, "mua-he.wav", "audio/wav", 75)
        await user.wait_for_text("mua-he.wav", after=mark)
        status = version_with(await say(user, "/status", "Các đoạn"), "Các đoạn")
        assert "120 BPM" in status
        assert "mở đầu 0:00 · phiên khúc 0:08 · điệp khúc 0:24" in status, status
        pinned = await say(user, "cảnh 3 bắt đầu ở điệp khúc thứ hai", "điệp khúc thứ 2")
        assert "Cảnh 3" in version_with(pinned, "điệp khúc thứ 2")
        await say(user, "/undo", "Cảnh 3")
