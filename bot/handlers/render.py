"""/render and /storyboard start paid work only after saying what it will cost."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.handlers.buttons import id_action, read_tap
from bot.handlers.callback_data import encode
from bot.handlers.context import DirectorContext, UseCases
from bot.handlers.replies import send
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
    await start_work(
        context.bot,
        context.use_cases,
        WorkOrder(user.id, chat.id, context.language(), kind, project_id, confirmed),
    )


@dataclass(frozen=True)
class WorkOrder:
    """Paid work asked for in a chat (or from the timeline app, for the user's own chat)."""

    user_id: int
    chat_id: int
    language: str
    kind: str
    project_id: int | None
    confirmed: bool


async def start_work(bot: Bot, use_cases: UseCases, order: WorkOrder) -> bool:
    """Queue the work, or ask in the chat to confirm its cost first; True when it is queued."""
    estimate = use_cases.costs.estimate(
        order.user_id, order.project_id, planning=order.kind != RENDER
    )
    language, chat_id = order.language, order.chat_id
    if estimate.needs_confirmation and not order.confirmed:
        button = InlineKeyboardButton(
            t(language, "cost.go", usd=f"{estimate.usd:.2f}"),
            callback_data=encode(GO, f"{estimate.project.id}:{order.kind}"),
        )
        await send(
            bot,
            chat_id,
            language,
            "cost.confirm",
            usd=f"{estimate.usd:.2f}",
            markup=InlineKeyboardMarkup([[button]]),
        )
        return False
    if estimate.usd > 0:
        await send(
            bot,
            chat_id,
            language,
            "cost.estimate",
            usd=f"{estimate.usd:.2f}",
            spent=f"{estimate.spent_usd:.2f}",
            budget=f"{estimate.budget_usd:.2f}",
        )
    if order.kind == RENDER:
        use_cases.renders.request(order.user_id, chat_id, language, estimate.project.id)
    else:
        use_cases.storyboard_requests.request(
            order.user_id, chat_id, language, project_id=estimate.project.id
        )
    return True


async def go_button(update: Update, context: DirectorContext) -> None:
    """The user agreed to the estimate: start the work on the project it was shown for."""
    tap = read_tap(update, id_action(GO, KINDS))
    if tap is None:
        return
    project_id, kind = tap.data
    # Answered after the work is queued: for a project that is gone, the error handler answers.
    await start_paid_work(update, context, kind, project_id, confirmed=True)
    await tap.query.answer()
