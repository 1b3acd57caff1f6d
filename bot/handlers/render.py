"""/render and /storyboard start paid work only after saying what it will cost."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.context import DirectorContext
from bot.errors import ProjectNotFound
from bot.handlers.callback_data import encode, parse_id_action
from bot.handlers.replies import reply
from bot.i18n import t
from bot.studio.render_requests import RENDER
from bot.studio.storyboard import STORYBOARD

GO = "go"
KINDS = (RENDER, STORYBOARD)


async def render(update: Update, context: DirectorContext) -> None:
    """Render the active project (asking first when it would cost more than the threshold)."""
    await start_paid_work(update, context, "render", project_id=None, confirmed=False)


async def start_paid_work(
    update: Update, context: DirectorContext, kind: str, project_id: int | None, confirmed: bool
) -> None:
    """Estimate, confirm if needed, then queue the job; the job reports its own progress."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    estimate = context.services.costs.estimate(user.id, project_id)
    language = context.language()
    if estimate.needs_confirmation and not confirmed:
        button = InlineKeyboardButton(
            t(language, "cost.go", usd=f"{estimate.usd:.2f}"),
            callback_data=encode(GO, f"{estimate.project.id}:{kind}"),
        )
        await reply(
            update,
            context,
            "cost.confirm",
            usd=f"{estimate.usd:.2f}",
            markup=InlineKeyboardMarkup([[button]]),
        )
        return
    if estimate.usd > 0:
        await reply(
            update,
            context,
            "cost.estimate",
            usd=f"{estimate.usd:.2f}",
            spent=f"{estimate.spent_usd:.2f}",
            budget=f"{estimate.budget_usd:.2f}",
        )
    if kind == RENDER:
        context.services.renders.request(user.id, chat.id, language, estimate.project.id)
    else:
        context.services.storyboard_requests.request(
            user.id, chat.id, language, project_id=estimate.project.id
        )


async def go_button(update: Update, context: DirectorContext) -> None:
    """The user agreed to the estimate: start the work on the project it was shown for."""
    query = update.callback_query
    if query is None:
        return
    parsed = parse_id_action(query.data, GO, KINDS)
    if parsed is None:
        raise ProjectNotFound()
    project_id, kind = parsed
    # Answered after the work is queued: for a project that is gone, the error handler answers.
    await start_paid_work(update, context, kind, project_id, confirmed=True)
    await query.answer()
