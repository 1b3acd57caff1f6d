"""/credits: who made what, a line a message; a reply to a line corrects its name."""

from __future__ import annotations

import functools

from telegram import Update
from telegram.constants import ParseMode

from bot.handlers.attribution import sender_of
from bot.handlers.context import DirectorContext
from bot.handlers.crew import decider, owner_of, thread_of
from bot.handlers.edit_replies import scenes_phrase
from bot.handlers.text import escape
from bot.i18n import t
from bot.studio.credits import CreditLine
from bot.studio.editing import EditOutcome
from bot.studio.models import CreditRole, ProjectSwitch


async def credits(update: Update, context: DirectorContext) -> None:
    """List the active project's credits, each line a message a reply can correct."""
    user, chat, message = update.effective_user, update.effective_chat, update.effective_message
    if user is None or chat is None or message is None:
        return
    use_case = context.use_cases.credits
    sheet = use_case.sheet(owner_of(update), director=sender_of(message))
    language = context.language()
    send = functools.partial(context.bot.send_message, message_thread_id=thread_of(update))
    await send(
        chat.id,
        t(language, "credits.heading", title=escape(sheet.project.title)),
        parse_mode=ParseMode.HTML,
    )
    if not sheet.of(CreditRole.PHOTO) and not sheet.of(CreditRole.FOOTAGE):
        await send(chat.id, t(language, "credits.none_yet"), parse_mode=ParseMode.HTML)
    for line in sheet.lines:
        sent = await send(chat.id, line_text(language, line), parse_mode=ParseMode.HTML)
        if line.credit_id:
            use_case.remember_line(chat.id, chat.id, sent.message_id, line.credit_id)
    state = "on" if sheet.project.is_on(ProjectSwitch.CREDITS) else "off"
    await send(
        chat.id,
        t(language, "credits.hint") + "\n" + t(language, f"credits.card_{state}"),
        parse_mode=ParseMode.HTML,
    )


def line_text(language: str, line: CreditLine) -> str:
    """One credit line as the chat shows it ("📷 Photographs by Anna — scenes 1 and 3")."""
    name = escape(line.name)
    if line.role is CreditRole.MUSIC:
        return t(language, "credits.music" if line.name else "credits.music_unnamed", name=name)
    if line.role is CreditRole.DIRECTOR:
        return t(language, "credits.director", name=name)
    parts = [scenes_phrase(language, line.scenes)] if line.scenes else []
    if line.style:
        parts.append(t(language, "credits.style"))
    text = t(language, f"credits.{line.role.value}", name=name, where=" · ".join(parts))
    if line.senders:
        text += "\n" + t(language, "credits.sent_by", senders=escape(", ".join(line.senders)))
    return text


async def credit_reply(update: Update, context: DirectorContext, text: str) -> EditOutcome | None:
    """A reply to a credit line corrects its name; None when the message answers no line."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None or message.reply_to_message is None:
        return None
    use_case = context.use_cases.credits
    owner = owner_of(update)
    credit_id = use_case.line_for_message(
        owner, message.chat_id, message.reply_to_message.message_id
    )
    if credit_id is None:
        return None
    await decider(update, context, None)  # the director (or an admin) corrects credits
    return use_case.correct(owner, credit_id, text)
