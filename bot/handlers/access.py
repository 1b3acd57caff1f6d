"""The gate every update passes first: the allowlist, and knowing the user."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.handlers.context import DirectorContext, HandlerOptions
from bot.i18n import t
from bot.studio.text import language_for

logger = logging.getLogger(__name__)
# Strangers are remembered (in memory only, never in the database) so each is refused once;
# past this many the memory starts over rather than grow without end.
MAX_REMEMBERED_REFUSALS = 10_000


def is_allowed(options: HandlerOptions, user_id: int) -> bool:
    """Everyone when ALLOWED_USER_IDS is unset; else the listed users and the admins."""
    allowed = options.allowed_user_ids
    return not allowed or user_id in allowed or user_id in options.admin_user_ids


async def admit_user(update: Update, context: DirectorContext) -> None:
    """Stop updates from users outside ALLOWED_USER_IDS (one polite refusal); register others."""
    user = update.effective_user
    if user is None or user.is_bot:
        raise ApplicationHandlerStop
    if not is_allowed(context.options, user.id):
        refused = context.bot_data.refused_user_ids
        if user.id not in refused and update.effective_chat is not None:
            if len(refused) >= MAX_REMEMBERED_REFUSALS:
                refused.clear()
            refused.add(user.id)
            logger.info("Refused user %s (not in ALLOWED_USER_IDS)", user.id)
            await context.bot.send_message(
                update.effective_chat.id, t(language_for(user.language_code), "access.denied")
            )
        if update.callback_query is not None:
            await update.callback_query.answer()
        raise ApplicationHandlerStop
    context.use_cases.projects.register_user(user.id, user.first_name, user.language_code)
