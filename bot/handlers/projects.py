"""/projects: list the user's projects and switch the active one with a button."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.context import DirectorContext
from bot.handlers.callback_data import encode, parse_int_argument
from bot.handlers.replies import escape, reply
from bot.i18n import t

SWITCH = "switch"
MAX_LISTED = 20


async def list_projects(update: Update, context: DirectorContext) -> None:
    """Show the projects, the active one marked, each a button that makes it active."""
    if update.effective_user is None:
        return
    projects = context.services.projects.list(update.effective_user.id)
    if not projects:
        await reply(update, context, "projects.none")
        return
    active_id = context.services.projects.active_id(update.effective_user.id)
    buttons = [
        [InlineKeyboardButton(("▶ " if p.id == active_id else "") + p.title[:40],
                              callback_data=encode(SWITCH, p.id))]
        for p in projects[:MAX_LISTED]
    ]
    await reply(update, context, "projects.list", markup=InlineKeyboardMarkup(buttons))


async def switch_project_button(update: Update, context: DirectorContext) -> None:
    """Make the tapped project active (only if it is the user's own)."""
    query = update.callback_query
    if query is None or update.effective_user is None:
        return
    project_id = parse_int_argument(query.data, SWITCH)
    if project_id is None:
        await query.answer(t(context.language(), "error.project_gone"), show_alert=True)
        return
    project = context.services.projects.switch(update.effective_user.id, project_id)
    await query.answer()
    await reply(update, context, "projects.switched", title=escape(project.title))
