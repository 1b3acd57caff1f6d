"""Secrets never leave the process: not in the database, the media files, a backup, an
export, the log, or anything the bot says, even when a provider rejects the key."""

from __future__ import annotations

import io
import logging
import zipfile
from pathlib import Path

import pytest

from bot.logs import setup_logging
from storage.database import backup_database, open_database
from tests.conftest import TOKEN, BotStarter, SettingsFactory
from tests.reliability.chat import say
from tests.support.fake_openai import FakeOpenAI
from tests.support.synthetic_media import make_photo, make_song
from tests.support.telegram_emulator import BotApiEmulator

pytestmark = pytest.mark.timeout(60)

OPENAI_KEY = "sk-test-secret-0123456789abcdefghij"
RUNWAY_SECRET = "key_0123456789abcdef0123456789abcdef"
WEBHOOK_SECRET = "webhook-secret-0123456789"


def leaks(data: bytes) -> list[str]:
    """Which secrets appear in `data` (also as UTF-16, as SQLite may store text)."""
    secrets = {
        "bot token": TOKEN,
        "token secret": TOKEN.split(":")[1],
        "openai": OPENAI_KEY,
        "runway": RUNWAY_SECRET,
        "webhook": WEBHOOK_SECRET,
    }
    return [
        name
        for name, secret in secrets.items()
        if secret.encode() in data or secret.encode("utf-16-le") in data
    ]


async def test_no_secret_in_the_database_media_backup_log_or_chat(
    emulator: BotApiEmulator,
    make_settings: SettingsFactory,
    running_bot: BotStarter,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    async with FakeOpenAI() as fake:
        monkeypatch.setenv("OPENAI_BASE_URL", fake.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", OPENAI_KEY)
        fake.fail("images/generations", "bad_key", times=None)
        settings = make_settings(
            provider="openai",
            openai_api_key=OPENAI_KEY,
            runwayml_api_secret=RUNWAY_SECRET,
            openai_max_retries=0,
            webhook_secret_token=WEBHOOK_SECRET,
        )
        setup_logging("DEBUG", [TOKEN, OPENAI_KEY, RUNWAY_SECRET, WEBHOOK_SECRET])
        user = emulator.user(3601, "Keeper")
        try:
            async with running_bot(settings) as application:
                await say(user, "/new Keys", "Keys")
                await say(user, "A scene with no photo: the image maker is called", "Scene 1")
                mark = user.mark()
                await user.send_photo(make_photo(640, 480), caption="A photo scene")
                await user.wait_for_text("Scene 2", after=mark)
                mark = user.mark()
                await user.send_audio(make_song(seconds=4, fmt="mp3"), "s.mp3", "audio/mpeg", 4)
                await user.wait_for_text("s.mp3", after=mark)
                mark = user.mark()
                await user.send_text("/render")
                refusal = await user.wait_for_text("rejected the API key", timeout=45, after=mark)
                assert "sk-" not in refusal.text
                await application.bot_data.runner.wait_idle()
                await say(user, "/status", "Scenes")
                listing = await say(user, "/projects", "Your projects")
                export = next(b for b in listing.buttons if str(b["callback_data"]).endswith(":ex"))
                mark = user.mark()
                await user.press(listing, str(export["callback_data"]))
                exported = await user.wait_for_document(timeout=30, after=mark)
        finally:
            logging.getLogger().handlers.clear()
    assert fake.requests_to("images/generations"), "the provider was never called"

    database = open_database(settings.database_path)
    backup_database(database, tmp_path / "backup.sqlite")
    database.close()
    stored = [path for path in settings.data_dir.rglob("*") if path.is_file()]
    assert any(path.name.endswith(".db") for path in stored)
    for path in [*stored, tmp_path / "backup.sqlite"]:
        assert leaks(path.read_bytes()) == [], path
    assert exported.file_bytes and leaks(exported.file_bytes) == []
    with zipfile.ZipFile(io.BytesIO(exported.file_bytes)) as archive:
        for name in archive.namelist():  # compressed members hide from a byte scan
            assert leaks(archive.read(name)) == [], name
    assert leaks(user.transcript().encode()) == []
    assert leaks(capfd.readouterr().err.encode()) == []
