"""The one error handler: log first, then answer from the catalog."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import Forbidden, NetworkError, TelegramError

from bot.errors import ProviderError, UserFacingError
from bot.handlers.context import DirectorContext
from bot.handlers.crew import thread_of
from bot.i18n import t

logger = logging.getLogger(__name__)


async def handle_error(update: object, context: DirectorContext) -> None:
    """Log the cause; tell the user what happened in words they can act on."""
    error = context.error
    if isinstance(error, UserFacingError):
        logger.info("Refused an update: %s", error.key)
        key, params = error.key, error.params
    elif isinstance(error, ProviderError):
        # The edge logged the cause; the user hears which service failed and that nothing changed.
        logger.warning("A provider failed while answering an update: %s", error.key)
        key, params = error.key, error.params
    else:
        logger.error("Unhandled error", exc_info=error)
        if isinstance(error, Forbidden | NetworkError) or not isinstance(update, Update):
            return
        key, params = "error.generic", {}
    if not isinstance(update, Update):
        return
    text = t(context.language(), key, **params)
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(text[:200], show_alert=True)
        elif update.effective_chat is not None:
            await context.bot.send_message(
                update.effective_chat.id,
                text,
                parse_mode=ParseMode.HTML,
                message_thread_id=thread_of(update),
            )
    except TelegramError:
        logger.warning("Could not deliver an error message", exc_info=True)
