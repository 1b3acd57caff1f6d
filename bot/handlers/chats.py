"""A group's life: upgraded to a supergroup, the bot removed or added back, admins changing."""

from __future__ import annotations

import logging

from telegram import Update

from bot.handlers.context import DirectorContext
from bot.handlers.crew import GONE_STATUSES, in_group

logger = logging.getLogger(__name__)


async def chat_migrated(update: Update, context: DirectorContext) -> None:
    """The group became a supergroup (a new chat id): it keeps its projects.

    Telegram says so twice, in the old chat (migrate_to_chat_id) and in the new one
    (migrate_from_chat_id); whichever comes first moves everything, the other finds nothing.
    """
    message = update.effective_message
    if message is None:
        return
    if message.migrate_to_chat_id is not None:
        old_id, new_id = message.chat.id, message.migrate_to_chat_id
    elif message.migrate_from_chat_id is not None:
        old_id, new_id = message.migrate_from_chat_id, message.chat.id
    else:
        return
    move = context.use_cases.crew.moved(old_id, new_id)
    context.bot_data.admins.forget(old_id)
    if move.projects:
        logger.info("Chat %s became %s: %s project(s) moved", old_id, new_id, move.projects)


async def bot_membership(update: Update, context: DirectorContext) -> None:
    """The bot was removed from a group (its jobs stop without a word) or added back."""
    changed = update.my_chat_member
    if changed is None:
        return
    context.bot_data.admins.forget(changed.chat.id)
    if in_group(update) and changed.new_chat_member.status in GONE_STATUSES:
        stopped = context.use_cases.crew.removed(changed.chat.id)
        logger.info("Removed from chat %s: %s job(s) stopped", changed.chat.id, stopped)


async def member_changed(update: Update, context: DirectorContext) -> None:
    """Someone's status changed in a group (made or unmade an admin): ask again next time."""
    changed = update.chat_member
    if changed is not None:
        context.bot_data.admins.forget(changed.chat.id)
