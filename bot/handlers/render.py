"""/render and /storyboard start paid work only after saying what it will cost."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.handlers.buttons import id_action, read_tap
from bot.handlers.callback_data import encode
from bot.handlers.context import DirectorContext
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
    estimate = context.use_cases.costs.estimate(user.id, project_id, planning=kind != RENDER)
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
        context.use_cases.renders.request(user.id, chat.id, language, estimate.project.id)
    else:
        context.use_cases.storyboard_requests.request(
            user.id, chat.id, language, project_id=estimate.project.id
        )


async def go_button(update: Update, context: DirectorContext) -> None:
    """The user agreed to the estimate: start the work on the project it was shown for."""
    tap = read_tap(update, id_action(GO, KINDS))
    if tap is None:
        return
    project_id, kind = tap.data
    # Answered after the work is queued: for a project that is gone, the error handler answers.
    await start_paid_work(update, context, kind, project_id, confirmed=True)
    await tap.query.answer()
