"""Signed initData as Telegram makes it, and a bot with its timeline app running."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from urllib.parse import urlencode

import aiohttp

from bot.app import DirectorApplication
from bot.config import Settings
from bot.handlers.context import Served
from bot.webapp.init_data import sign
from tests.conftest import BotStarter, SettingsFactory
from tests.support.bot_token import TOKEN

# The address the bot publishes in its buttons (the reverse proxy's side); tests call the
# server itself at `local_url`.
PUBLIC_URL = "https://director.example/timeline/"


def init_data(
    user_id: int,
    *,
    first_name: str = "Mai",
    language: str = "en",
    auth_date: float | None = None,
    token: str = TOKEN,
) -> str:
    """initData for this user, signed with `token` as Telegram signs it."""
    fields = {
        "query_id": f"AAH{user_id}",
        "user": json.dumps(
            {"id": user_id, "first_name": first_name, "language_code": language},
            separators=(",", ":"),
            ensure_ascii=False,
        ),
        "auth_date": str(int(auth_date if auth_date is not None else time.time())),
    }
    fields["hash"] = sign(fields, token)
    return urlencode(fields)


def signed(raw: str) -> dict[str, str]:
    """The header every API call carries."""
    return {"Authorization": f"tma {raw}"}


@dataclass
class RunningApp:
    """The running bot, its web server and an HTTP client for it."""

    application: DirectorApplication
    server: Served
    http: aiohttp.ClientSession
    settings: Settings

    def url(self, path: str) -> str:
        """An address on the app's server (`path` relative to the app's root)."""
        return self.server.local_url + path.lstrip("/")


@asynccontextmanager
async def running_app(
    make_settings: SettingsFactory, running_bot: BotStarter, **overrides: object
) -> AsyncIterator[RunningApp]:
    """The bot with WEBAPP_URL set, its web server on a free loopback port."""
    settings = make_settings(webapp_url=PUBLIC_URL, webapp_port=0, **overrides)
    async with running_bot(settings) as application:
        server = application.bot_data.lifecycle.webapp
        assert server is not None
        async with aiohttp.ClientSession() as http:
            yield RunningApp(application, server, http, settings)
