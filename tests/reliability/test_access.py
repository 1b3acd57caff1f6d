"""Access: strangers get one polite refusal and leave no trace, admins see load and spend,
forged buttons never touch another user's project, and a webhook checks its secret."""

from __future__ import annotations

import re
import socket
import time
from pathlib import Path

import aiohttp
import pytest
from pydantic import SecretStr

from bot.app import build_application, webhook, webhook_options
from bot.config import Settings
from bot.i18n import catalogs
from storage.database import open_database
from tests.conftest import BotStarter, SettingsFactory
from tests.e2e.helpers import snapshot
from tests.reliability.bot_process import ROOT
from tests.reliability.chat import say
from tests.support.database import query
from tests.support.synthetic_media import make_photo
from tests.support.telegram_emulator import BotApiEmulator, SimulatedUser

pytestmark = pytest.mark.timeout(60)

OWNER, STRANGER, ADMIN = 3401, 3402, 3403


def stored_rows(settings: Settings, user_id: int) -> dict[str, int]:
    """Rows anywhere in the database that belong to the user."""
    checks = {
        "users": "select count(*) from users where id = ?",
        "projects": "select count(*) from projects where owner_id = ?",
        "jobs": "select count(*) from jobs where owner_id = ?",
        "usage": "select count(*) from usage where owner_id = ?",
    }
    return {
        table: query(settings.database_path, sql, (user_id,))[0][0] for table, sql in checks.items()
    }


async def test_a_stranger_is_refused_once_and_nothing_is_stored(
    emulator: BotApiEmulator, make_settings: SettingsFactory, running_bot: BotStarter
) -> None:
    settings = make_settings(allowed_user_ids=frozenset({OWNER}))
    owner, stranger = emulator.user(OWNER, "Owner"), emulator.user(STRANGER, "Stranger")
    async with running_bot(settings):
        await say(owner, "/new Private", "Private")
        await say(stranger, "/start", "this bot is private")
        for text in ("/new Mine now", "An idea", "/render", "/admin"):
            await stranger.send_text(text)
        await stranger.send_photo(make_photo(400, 300))
        query_id = await stranger.press(stranger.last_bot_message(), "switch:1")
        await stranger.wait_for_callback_answer(query_id)
        await say(owner, "Still mine", "Scene 1")
    assert [m.text for m in stranger.bot_messages()] == ["Sorry, this bot is private."]
    assert stored_rows(settings, STRANGER) == {"users": 0, "projects": 0, "jobs": 0, "usage": 0}
    assert query(settings.database_path, "select count(*) from assets") == [(0,)]
    assert not emulator.downloads, "the stranger's photo was downloaded"


async def test_admins_see_load_and_spend_and_nobody_else_does(
    emulator: BotApiEmulator, make_settings: SettingsFactory, running_bot: BotStarter
) -> None:
    settings = make_settings(allowed_user_ids=frozenset({OWNER}), admin_user_ids=frozenset({ADMIN}))
    database = open_database(settings.database_path)
    database.execute(
        "insert into users (id, first_name, language) values (?, ?, ?)",
        [OWNER, "Big <Spender>", "en"],
    )
    database.execute(
        "insert into usage (project_id, owner_id, provider, kind, units, cost_usd, "
        "created_at) values (1, ?, 'openai', 'image', 1, 1.25, '2000-01-01')",
        [OWNER],
    )
    database.close()
    owner, admin = emulator.user(OWNER, "Owner"), emulator.user(ADMIN, "Admin")
    async with running_bot(settings):
        await say(owner, "/new Loaded", "Loaded")
        await say(owner, "/admin", "for the bot's admins")
        report = await say(admin, "/admin", "Load")
    assert "Users: 2 · projects: 1" in report.text
    assert "$1.25 in all · $0.00 in the last 24 h" in report.text
    assert "Big <Spender> ($1.25)" in report.text
    assert f"Renders: 0 running on {settings.render_workers} workers" in report.text


async def _projects_of(user: SimulatedUser, title: str, idea: str) -> None:
    await say(user, f"/new {title}", title)
    await say(user, idea, "Scene 1")


async def test_forged_buttons_never_touch_another_users_project(
    emulator: BotApiEmulator, make_settings: SettingsFactory, running_bot: BotStarter
) -> None:
    settings = make_settings()
    victim, forger = emulator.user(3404, "Victim"), emulator.user(3405, "Forger")
    async with running_bot(settings):
        await _projects_of(victim, "Secret", "A private scene")
        await _projects_of(forger, "Mine", "My own scene")
        secret = query(
            settings.database_path, "select id from projects where owner_id = ?", (victim.user_id,)
        )[0][0]
        scene = query(
            settings.database_path, "select id from scenes where project_id = ?", (secret,)
        )[0][0]
        before = (snapshot(settings, victim.user_id), snapshot(settings, forger.user_id))
        active_before = query(
            settings.database_path, "select id, active_project_id from users order by id"
        )
        options = "select aspect, style, clips_enabled, previews_enabled from projects"
        options_before = query(settings.database_path, options)
        anchor = forger.last_bot_message()
        forged = [
            *(f"pj:{secret}:{action}" for action in ("sw", "rn", "rm", "rmok", "rr", "ex")),
            f"go:{secret}:render",
            f"go:{secret}:storyboard",
            f"opt:{secret}:a:16x9",
            f"opt:{secret}:s:watercolor",
            f"opt:{secret}:c:1",
            f"opt:{secret}:p:x",
            f"sb:{scene}:del",
            f"sb:{scene}:long",
            f"sb:{scene}:redo",
            f"sb:{scene}:edit",
            "pj:abc:sw",
            "pj:-1:sw",
            f"pj:{10**30}:sw",
            f"pj:{secret}:sw:extra",
            f"switch:{secret}",
            "lang:xx",
            "nonsense",
            "x" * 64,
        ]
        for data in forged:
            query_id = await forger.press(anchor, data)
            answer = await forger.wait_for_callback_answer(query_id)
            assert "Secret" not in (answer.text or ""), data
        await say(forger, "/status", "Mine")
    assert (snapshot(settings, victim.user_id), snapshot(settings, forger.user_id)) == before
    assert (
        query(settings.database_path, "select id, active_project_id from users order by id")
        == active_before
    )
    assert query(settings.database_path, options) == options_before
    assert query(settings.database_path, "select count(*) from jobs") == [(0,)]
    assert not forger.bot_messages()[-1].media_kind, "something was exported to the forger"
    assert not emulator.calls_to("sendDocument")
    assert "Secret" not in forger.transcript() and "private scene" not in forger.transcript()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _update(user: SimulatedUser, update_id: int, text: str) -> dict[str, object]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "from": user.user_json,
            "chat": user.chat_json,
            "date": int(time.time()),
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}],
        },
    }


async def test_the_webhook_refuses_requests_without_the_secret(
    emulator: BotApiEmulator, make_settings: SettingsFactory
) -> None:
    port = _free_port()
    url = f"http://127.0.0.1:{port}/telegram/hook"
    settings = make_settings(
        webhook_url=url, webhook_port=port, webhook_secret_token="right-Secret_123"
    )
    user = emulator.user(3406, "Hook")
    application = build_application(settings)
    async with webhook(application, webhook_options(settings)), aiohttp.ClientSession() as http:
        assert emulator.webhook_url == url
        assert emulator.last_call("setWebhook").params["secret_token"] == "right-Secret_123"
        for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}):
            async with http.post(
                url, json=_update(user, 1, "/new Forged"), headers=headers
            ) as response:
                assert response.status == 403
        async with http.post(
            url,
            json=_update(user, 2, "/new Real"),
            headers={"X-Telegram-Bot-Api-Secret-Token": "right-Secret_123"},
        ) as response:
            assert response.status == 200
        await user.wait_for_text("Real")
    titles = query(settings.database_path, "select title from projects")
    assert titles == [("Real",)]
    assert "Forged" not in user.transcript()


def test_without_a_configured_secret_each_start_gets_a_random_one(tmp_path: Path) -> None:
    settings = Settings(
        _env_file=None,
        webhook_url="https://bot.example.com/tg",  # type: ignore[call-arg]
        data_dir=tmp_path,
    )
    first, second = webhook_options(settings), webhook_options(settings)
    assert first["url_path"] == "tg" and first["webhook_url"] == "https://bot.example.com/tg"
    assert len(first["secret_token"]) >= 32 and first["secret_token"] != second["secret_token"]
    with pytest.raises(ValueError, match="WEBHOOK_SECRET_TOKEN"):
        Settings(_env_file=None, webhook_secret_token=SecretStr("has spaces"))  # type: ignore[call-arg]


def test_catalog_keys_of_jobs_and_admin_exist_in_every_language() -> None:
    used: set[str] = set()
    for path in (ROOT / "bot").rglob("*.py"):
        used |= set(re.findall(r'"((?:admin|jobs)\.[a-z_]+)"', path.read_text(encoding="utf-8")))
    assert {"admin.report", "admin.only", "jobs.queued", "jobs.queue_full"} <= used
    for language, catalog in catalogs().items():
        assert used <= set(catalog), (language, used - set(catalog))
