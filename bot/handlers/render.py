"""/render and /storyboard start paid work only after saying what it will cost."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    ReplyParameters,
    Update,
)

from bot.handlers.buttons import id_action, read_tap
from bot.handlers.callback_data import encode
from bot.handlers.context import DirectorContext, UseCases
from bot.handlers.crew import decider, owner_of, thread_of
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
    """Estimate, confirm if needed, then queue the job; the job reports its own progress.

    Paid work is the director's (or an admin's) call: anyone else hears so, nothing starts.
    The video comes back as a reply to the message that asked for it.
    """
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    await decider(update, context, project_id)
    await start_work(
        context.bot,
        context.use_cases,
        WorkOrder(
            owner_of(update),
            chat.id,
            context.language(),
            kind,
            project_id,
            confirmed,
            reply_to=_asking_message(update),
            thread_id=thread_of(update),
        ),
    )


def _asking_message(update: Update) -> int | None:
    """The message the work answers: the command, or the one the cost question replied to."""
    query = update.callback_query
    if query is None:
        message = update.effective_message
        return message.message_id if message is not None else None
    shown = query.message
    if isinstance(shown, Message) and shown.reply_to_message is not None:
        return shown.reply_to_message.message_id
    return None


@dataclass(frozen=True)
class WorkOrder:
    """Paid work asked for in a chat (or from the timeline app, for the user's own chat).

    `user_id` is the owning chat's id (a private chat's is its user's).
    """

    user_id: int
    chat_id: int
    language: str
    kind: str
    project_id: int | None
    confirmed: bool
    reply_to: int | None = None  # the message asking for it (the video replies to it)
    thread_id: int | None = None  # the forum topic it was asked in


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
        await bot.send_message(
            chat_id,
            t(language, "cost.confirm", usd=f"{estimate.usd:.2f}"),
            parse_mode="HTML",
            reply_markup=InlineKeyboardMarkup([[button]]),
            message_thread_id=order.thread_id,
            reply_parameters=_replying(order.reply_to),
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
            thread_id=order.thread_id,
        )
    if order.kind == RENDER:
        use_cases.renders.request(
            order.user_id,
            chat_id,
            language,
            estimate.project.id,
            reply_to=order.reply_to,
            thread_id=order.thread_id,
        )
    else:
        use_cases.storyboard_requests.request(
            order.user_id,
            chat_id,
            language,
            project_id=estimate.project.id,
            thread_id=order.thread_id,
        )
    return True


def _replying(message_id: int | None) -> ReplyParameters | None:
    if message_id is None:
        return None
    return ReplyParameters(message_id, allow_sending_without_reply=True)


async def go_button(update: Update, context: DirectorContext) -> None:
    """The user agreed to the estimate: start the work on the project it was shown for."""
    tap = read_tap(update, id_action(GO, KINDS))
    if tap is None:
        return
    project_id, kind = tap.data
    # Answered after the work is queued: for a project that is gone, the error handler answers.
    await start_paid_work(update, context, kind, project_id, confirmed=True)
    await tap.query.answer()
