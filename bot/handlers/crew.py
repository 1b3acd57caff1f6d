"""Groups on the Telegram side: whose chat an update is in, who acts, and the chat's life.

A project belongs to a chat: handlers pass the chat's id as the owner (a private chat's id is
its user's id, so a private chat is a group of one). Who may decide is the studio's rule
(bot.studio.crew); this module only finds out who the actor is: the user, and whether they
are an admin of the group (getChatAdministrators, kept for ADMIN_TTL seconds and dropped when
a chat_member update says someone's status changed).
"""

from __future__ import annotations

import re

from telegram import ChatMember, Update
from telegram.constants import ChatType

from bot.handlers.context import DirectorContext
from bot.studio.crew import Actor
from bot.studio.models import Project

GROUP_TYPES = frozenset({ChatType.GROUP, ChatType.SUPERGROUP})
GONE_STATUSES = frozenset({ChatMember.LEFT, ChatMember.BANNED})


def owner_of(update: Update) -> int:
    """The owning chat of what the update is about (a private chat's id is its user's)."""
    if update.effective_chat is not None:
        return update.effective_chat.id
    return update.effective_user.id if update.effective_user is not None else 0


def in_group(update: Update) -> bool:
    """Whether the update comes from a group or supergroup (not a private chat)."""
    chat = update.effective_chat
    return chat is not None and chat.type in GROUP_TYPES


def thread_of(update: Update) -> int | None:
    """The forum topic the update's message is in (None outside forum topics)."""
    message = update.effective_message
    if message is None or not message.is_topic_message:
        return None
    return message.message_thread_id


def without_mention(text: str, username: str | None) -> str:
    """The text without the bot's @mention (how a member addresses it in a group)."""
    mention = re.compile(rf"(?i)[ \t]*@{re.escape(username)}\b[ \t]*") if username else None
    if mention is None or not mention.search(text):
        return text
    return mention.sub(" ", text).strip() or text


async def actor_of(update: Update, context: DirectorContext) -> Actor:
    """Who sent the update: in a private chat its user is its admin; in a group, ask."""
    user = update.effective_user
    if user is None:
        return Actor(0)
    if not in_group(update):
        return Actor(user.id, chat_admin=True)
    admins = await context.bot_data.admins.admins(context.bot, owner_of(update))
    return Actor(user.id, chat_admin=user.id in admins)


async def decider(update: Update, context: DirectorContext, project_id: int | None) -> Project:
    """The chat's given (else active) project, if whoever sent the update may decide about
    it; else NotYourCall (answered politely by the error handler, nothing changed)."""
    actor = await actor_of(update, context)
    return context.use_cases.crew.decider(actor, owner_of(update), project_id)
