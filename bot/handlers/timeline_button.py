"""The "Open timeline" button: the Mini App on a project, from a private chat or a group."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from telegram import InlineKeyboardButton, MenuButtonWebApp, WebAppInfo

from bot.i18n import t

# /start's deep-link argument that asks for a project's timeline ("timeline-42").
OPEN_ARGUMENT = "timeline-"
_OPEN_ARGUMENT_RE = re.compile(re.escape(OPEN_ARGUMENT) + r"(\d{1,15})")


def app_url(base_url: str, project_id: int | None = None) -> str:
    """The Mini App's address (always ending in "/", so its relative links resolve under it)."""
    url = base_url if base_url.endswith("/") else base_url + "/"
    return f"{url}?{urlencode({'project': project_id})}" if project_id is not None else url


def timeline_button(language: str, base_url: str, project_id: int) -> InlineKeyboardButton:
    """A button opening the timeline of this project (web_app buttons work in private chats
    only)."""
    return InlineKeyboardButton(
        t(language, "webapp.open_button"), web_app=WebAppInfo(app_url(base_url, project_id))
    )


def chat_timeline_button(
    language: str,
    base_url: str | None,
    project_id: int,
    chat_id: int,
    bot_username: str | None,
    short_name: str | None = None,
) -> InlineKeyboardButton | None:
    """The button for a chat: the Mini App itself in a private chat. A group gets a link
    (Telegram opens no Mini App from a message's button there): with the app's BotFather
    `short_name`, a direct link that opens it in the group; else one to the bot's private
    chat, whose /start then offers it. Either way the API checks the membership. None when
    the app is not served (no `base_url`) or the bot's username is unknown."""
    if not base_url:
        return None
    if chat_id > 0:
        return timeline_button(language, base_url, project_id)
    if not bot_username:
        return None
    argument = f"{OPEN_ARGUMENT}{project_id}"
    link = (
        f"https://t.me/{bot_username}/{short_name}?startapp={argument}"
        if short_name
        else f"https://t.me/{bot_username}?start={argument}"
    )
    return InlineKeyboardButton(t(language, "webapp.open_button"), url=link)


def asked_timeline(argument: str | None) -> int | None:
    """The project a /start deep-link argument asks the timeline of, if it asks for one."""
    found = _OPEN_ARGUMENT_RE.fullmatch(argument or "")
    return int(found.group(1)) if found else None


def timeline_menu_button(language: str, base_url: str) -> MenuButtonWebApp:
    """The chat's menu button, opening the timeline of the active project."""
    return MenuButtonWebApp(t(language, "webapp.menu_button"), WebAppInfo(app_url(base_url)))
