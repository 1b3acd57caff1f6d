"""/projects: switch, rename, delete (after a confirmation) and export, each by a button."""

from __future__ import annotations

from telegram import ForceReply, InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.handlers import render
from bot.handlers.buttons import id_action, read_tap
from bot.handlers.callback_data import encode
from bot.handlers.context import DirectorContext
from bot.handlers.crew import decider, owner_of, thread_of
from bot.handlers.replies import reply
from bot.handlers.text import escape
from bot.i18n import t

PREFIX = "pj"
MAX_LISTED = 20
ACTIONS = frozenset({"sw", "rn", "rm", "rmok", "ex", "rr"})
# What only the project's director or an admin of the chat may do (a re-render checks itself).
DECISIONS = frozenset({"rn", "rm", "rmok"})


def project_button(
    language: str, project_id: int, action: str, label_key: str
) -> InlineKeyboardButton:
    """A button acting on one project (its id travels in the callback data)."""
    return InlineKeyboardButton(
        t(language, label_key), callback_data=encode(PREFIX, f"{project_id}:{action}")
    )


def video_keyboard(language: str, project_id: int) -> InlineKeyboardMarkup:
    """Buttons under a finished video."""
    return InlineKeyboardMarkup(
        [
            [
                project_button(language, project_id, "rr", "video.rerender"),
                project_button(language, project_id, "ex", "video.export"),
            ]
        ]
    )


async def list_projects(update: Update, context: DirectorContext) -> None:
    """Show the projects, the active one marked, each with switch/rename/delete/export."""
    if update.effective_user is None:
        return
    projects = context.use_cases.projects.list(owner_of(update))
    if not projects:
        await reply(update, context, "projects.none")
        return
    active_id = context.use_cases.projects.active_id(owner_of(update))
    language = context.language()
    rows = [
        [
            InlineKeyboardButton(
                ("▶ " if p.id == active_id else "") + p.title[:40],
                callback_data=encode(PREFIX, f"{p.id}:sw"),
            ),
            project_button(language, p.id, "rn", "projects.rename"),
            project_button(language, p.id, "rm", "projects.delete"),
            project_button(language, p.id, "ex", "projects.export"),
        ]
        for p in projects[:MAX_LISTED]
    ]
    await reply(update, context, "projects.list", markup=InlineKeyboardMarkup(rows))


async def project_action_button(update: Update, context: DirectorContext) -> None:
    """Act on the project the button was shown for, if it is still the user's."""
    tap, chat = read_tap(update, id_action(PREFIX, ACTIONS)), update.effective_chat
    if tap is None or chat is None:
        return
    query, owner, (project_id, action) = tap.query, tap.owner, tap.data
    projects = context.use_cases.projects
    language = context.language()
    if action in DECISIONS:
        await decider(update, context, project_id)
    if action == "sw":
        project = projects.switch(owner, project_id)
        await query.answer()
        await reply(update, context, "projects.switched", title=escape(project.title))
    elif action == "rn":
        project = projects.get(owner, project_id)
        await query.answer()
        question = await context.bot.send_message(
            chat.id,
            t(language, "projects.ask_title", title=project.title),
            reply_markup=ForceReply(selective=True),
            message_thread_id=thread_of(update),
        )
        projects.remember_rename_question(owner, chat.id, question.message_id, project_id)
    elif action == "rm":
        project = projects.get(owner, project_id)
        await query.answer()
        confirm = InlineKeyboardMarkup(
            [[project_button(language, project_id, "rmok", "projects.delete_confirm")]]
        )
        await reply(
            update, context, "projects.delete_question", title=escape(project.title), markup=confirm
        )
    elif action == "rmok":
        project = projects.delete(owner, project_id)
        await query.answer()
        await reply(update, context, "projects.deleted", title=escape(project.title))
    elif action == "rr":
        await render.start_paid_work(update, context, "render", project_id, confirmed=False)
        await query.answer()
    else:
        projects.get(owner, project_id)
        await query.answer()
        await send_export(update, context, project_id)


async def send_export(update: Update, context: DirectorContext, project_id: int) -> None:
    """Zip the project and send it as a document, if it fits what bots may upload."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    exports = context.use_cases.exports
    path, name = await exports.make_zip(owner_of(update), project_id, context.language())
    try:
        size = path.stat().st_size
        if size > context.options.upload_limit:
            await reply(
                update, context, "projects.export_too_big", size_mb=round(size / 1024 / 1024)
            )
            return
        with path.open("rb") as archive:
            await context.bot.send_document(
                chat.id,
                archive,
                filename=name,
                caption=t(context.language(), "projects.export_caption"),
                write_timeout=context.options.media_write_timeout,
                message_thread_id=thread_of(update),
            )
    finally:
        path.unlink(missing_ok=True)


async def rename_reply(update: Update, context: DirectorContext, text: str) -> bool:
    """A reply to the "new title?" question renames that project."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or message.reply_to_message is None:
        return False
    projects, owner = context.use_cases.projects, owner_of(update)
    project_id = projects.project_to_rename(
        owner, message.chat.id, message.reply_to_message.message_id
    )
    if project_id is None:
        return False
    await decider(update, context, project_id)
    project = projects.rename(owner, project_id, text)
    await reply(update, context, "projects.renamed", title=escape(project.title))
    return True
