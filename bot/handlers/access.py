"""The gate every update passes first: the allowlists, knowing the user, and the group."""

from __future__ import annotations

import logging

from telegram import Chat, Update
from telegram.ext import ApplicationHandlerStop

from bot.handlers.context import DirectorContext, HandlerOptions
from bot.handlers.crew import in_group, thread_of
from bot.handlers.timeline_button import asked_timeline
from bot.i18n import t
from bot.studio.text import language_for

logger = logging.getLogger(__name__)
# Strangers are remembered (in memory only, never in the database) so each is refused once;
# past this many the memory starts over rather than grow without end.
MAX_REMEMBERED_REFUSALS = 10_000


def is_allowed(options: HandlerOptions, user_id: int) -> bool:
    """In a private chat: everyone when no allowlist is set; else the listed users and the
    admins."""
    if not options.allowed_user_ids and not options.allowed_chat_ids:
        return True
    return user_id in options.allowed_user_ids or user_id in options.admin_user_ids


def is_allowed_group(options: HandlerOptions, chat_id: int) -> bool:
    """In a group: everyone when no allowlist is set; else only the groups ALLOWED_CHAT_IDS
    lists (where every member may use the bot)."""
    if not options.allowed_user_ids and not options.allowed_chat_ids:
        return True
    return chat_id in options.allowed_chat_ids


def admits(options: HandlerOptions, update: Update, user_id: int) -> bool:
    """Whether the update's chat lets this user in."""
    chat = update.effective_chat
    if chat is not None and in_group(update):
        return is_allowed_group(options, chat.id)
    if is_allowed(options, user_id):
        return True
    return bool(options.webapp_url) and _asks_for_a_group_timeline(update)


def _asks_for_a_group_timeline(update: Update) -> bool:
    """A member of an allowed group may follow its "Open timeline" link to the private chat
    even when the private allowlist leaves them out: /start then checks the membership."""
    message = update.message
    words = (message.text or "").split() if message is not None else []
    return len(words) == 2 and words[0] == "/start" and asked_timeline(words[1]) is not None


async def admit_user(update: Update, context: DirectorContext) -> None:
    """Stop updates from users (or groups) outside the allowlists (one polite refusal);
    register the others, and the group and forum topic they write in."""
    user = update.effective_user
    if user is None or user.is_bot:
        raise ApplicationHandlerStop
    if not admits(context.options, update, user.id):
        await _refuse(update, context, user.id, user.language_code)
        raise ApplicationHandlerStop
    context.use_cases.projects.register_user(user.id, user.first_name, user.language_code)
    chat = update.effective_chat
    if chat is None or not in_group(update):
        return
    thread = thread_of(update)
    context.use_cases.crew.enter(chat.id, chat.type, chat.title or "", thread)
    if _is_material(update) and context.use_cases.projects.current(chat.id) is None:
        # A group's project has a director: the member who starts it with /new (material
        # alone never starts one there, so nobody pays for a project they did not start).
        language = context.language()
        await context.bot.send_message(
            chat.id, t(language, "crew.start_with_new"), message_thread_id=thread
        )
        raise ApplicationHandlerStop


def _is_material(update: Update) -> bool:
    """A message adding to a project (text, media), not a command or a service message."""
    message = update.message
    if message is None:
        return False
    if message.text is not None:
        return not message.text.startswith("/")
    return message.effective_attachment is not None


async def _refuse(
    update: Update, context: DirectorContext, user_id: int, language_code: str | None
) -> None:
    chat = update.effective_chat
    group = chat is not None and chat.type != Chat.PRIVATE
    # A group is refused once as a whole (its id is negative, so it never meets a user's).
    refused_id = chat.id if chat is not None and group else user_id
    refused = context.bot_data.refused_user_ids
    if refused_id not in refused and chat is not None and update.my_chat_member is None:
        if len(refused) >= MAX_REMEMBERED_REFUSALS:
            refused.clear()
        refused.add(refused_id)
        key = "access.group_denied" if group else "access.denied"
        logger.info(
            "Refused %s %s (not in the allowlists)", "chat" if group else "user", refused_id
        )
        await context.bot.send_message(
            chat.id, t(language_for(language_code), key), message_thread_id=thread_of(update)
        )
    if update.callback_query is not None:
        await update.callback_query.answer()
