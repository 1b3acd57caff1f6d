"""Shared fixtures: a Bot API emulator, settings pointing at it, and the running bot."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

import pytest

from bot.app import DirectorApplication, build_application, polling
from bot.config import Settings
from tests.support.bot_token import TOKEN as TOKEN  # re-exported: tests import it from here
from tests.support.telegram_emulator import BotApiEmulator


@pytest.fixture(autouse=True)
def _no_real_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Tests never see the developer's keys or .env, and moviepy's .env lookup finds none."""
    for name in (
        "TELEGRAM_BOT_TOKEN",
        "OPENAI_API_KEY",
        "OPENAI_BASE_URL",
        "RUNWAYML_API_SECRET",
        "POCKET_DIRECTOR_PROVIDER",
        "ALLOWED_USER_IDS",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    """A running local Bot API emulator."""
    async with BotApiEmulator(token=TOKEN) as emu:
        yield emu


SettingsFactory = Callable[..., Settings]


@pytest.fixture
def make_settings(emulator: BotApiEmulator, tmp_path: Path) -> SettingsFactory:
    """Settings for a bot talking to the emulator, with a data dir of its own."""

    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "telegram_bot_token": TOKEN,
            "telegram_api_base_url": emulator.base_url,
            "telegram_file_base_url": emulator.base_file_url,
            "data_dir": tmp_path / "data",
            "provider": "offline",
            "render_short_side": 360,
            "render_fps": 24,
        }
        values.update(overrides)
        return Settings(_env_file=None, **values)  # type: ignore[call-arg]

    return make


BotStarter = Callable[[Settings], AbstractAsyncContextManager[DirectorApplication]]


@pytest.fixture
def running_bot() -> BotStarter:
    """Start the real Application by long polling against the emulator."""

    def start(settings: Settings) -> AbstractAsyncContextManager[DirectorApplication]:
        return polling(build_application(settings), poll_timeout=1)

    return start
