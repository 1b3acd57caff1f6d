"""Replying from the catalog in the user's language."""

from __future__ import annotations

from typing import Any

from telegram import Bot, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode

from bot.handlers.context import DirectorContext
from bot.handlers.crew import thread_of
from bot.i18n import t
from bot.studio.timing import slow_pace


async def reply(
    update: Update,
    context: DirectorContext,
    key: str,
    *,
    markup: InlineKeyboardMarkup | None = None,
    **params: Any,
) -> Message | None:
    """Answer the update's chat with the catalog message `key` in the user's language."""
    chat = update.effective_chat
    if chat is None:
        return None
    return await send(
        context.bot,
        chat.id,
        context.language(),
        key,
        markup=markup,
        thread_id=thread_of(update),
        **params,
    )


async def send(
    bot: Bot,
    chat_id: int,
    language: str,
    key: str,
    *,
    markup: InlineKeyboardMarkup | None = None,
    thread_id: int | None = None,
    **params: Any,
) -> Message:
    """Send the catalog message `key` to a chat (in a forum topic, to `thread_id`)."""
    return await bot.send_message(
        chat_id,
        t(language, key, **params),
        parse_mode=ParseMode.HTML,
        disable_web_page_preview=True,
        reply_markup=markup,
        message_thread_id=thread_id,
    )


def pace_hint(language: str, song_seconds: float | None, scene_count: int) -> str:
    """A nudge to add scenes when each would hold the screen too long ("" when none is due)."""
    pace = slow_pace(song_seconds, scene_count)
    if pace is None:
        return ""
    return "\n" + t(
        language,
        "song.slow_pace",
        seconds=round(pace.seconds_per_scene),
        suggested=pace.suggested_scenes,
    )
