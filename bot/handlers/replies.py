"""Replying from the catalog in the user's language."""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode

from bot.handlers.context import DirectorContext
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
    text = t(context.language(), key, **params)
    return await context.bot.send_message(
        chat.id,
        text,
        parse_mode=ParseMode.HTML,
        disable_web_page_preview=True,
        reply_markup=markup,
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
