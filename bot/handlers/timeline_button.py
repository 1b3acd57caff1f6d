"""The "Open timeline" button: a `web_app` button that opens the Mini App on a project."""

from __future__ import annotations

from urllib.parse import urlencode

from telegram import InlineKeyboardButton, MenuButtonWebApp, WebAppInfo

from bot.i18n import t


def app_url(base_url: str, project_id: int | None = None) -> str:
    """The Mini App's address (always ending in "/", so its relative links resolve under it)."""
    url = base_url if base_url.endswith("/") else base_url + "/"
    return f"{url}?{urlencode({'project': project_id})}" if project_id is not None else url


def timeline_button(language: str, base_url: str, project_id: int) -> InlineKeyboardButton:
    """A button opening the timeline of this project."""
    return InlineKeyboardButton(
        t(language, "webapp.open_button"), web_app=WebAppInfo(app_url(base_url, project_id))
    )


def timeline_menu_button(language: str, base_url: str) -> MenuButtonWebApp:
    """The chat's menu button, opening the timeline of the active project."""
    return MenuButtonWebApp(t(language, "webapp.menu_button"), WebAppInfo(app_url(base_url)))
