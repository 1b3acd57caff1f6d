"""Text in the chat: through one router to edits, answers, a question back, or a new idea."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update

from bot.errors import ProjectNotFound
from bot.handlers import credits, lyrics, projects, render, storyboard
from bot.handlers.buttons import read_tap
from bot.handlers.callback_data import encode, parse_id_pair
from bot.handlers.context import BotData, DirectorContext
from bot.handlers.crew import actor_of, decider, owner_of, thread_of, without_mention
from bot.handlers.edit_replies import describe_changes
from bot.handlers.replies import reply
from bot.handlers.setup import style_name
from bot.handlers.text import escape
from bot.i18n import t
from bot.studio.answers import Answer
from bot.studio.editing import EditOutcome
from bot.studio.edits import Command
from bot.studio.reading import Clarification, Instruction, Question

UNDO_PREFIX = "undo"
CLARIFY_PREFIX = "clar"
MAX_OPTIONS = 4
OPTION_CHARS = 60


async def receive_text(update: Update, context: DirectorContext) -> None:
    """A text message: an instruction, a question, or the next scene idea."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    # In a group a member may address the bot by name: "@bot a lantern festival".
    await take_text(update, context, without_mention(message.text, context.bot.username))


async def take_text(
    update: Update, context: DirectorContext, text: str, *, from_button: bool = False
) -> None:
    """Typed, spoken or tapped text, routed: a reply about a scene, else the router's reading."""
    user = update.effective_user
    if user is None:
        return
    if not from_button and await projects.rename_reply(update, context, text):
        return
    if not from_button and await lyrics.lyrics_reply(update, context, text):
        return
    corrected = None if from_button else await credits.credit_reply(update, context, text)
    if corrected is not None:
        await show_outcome(update, context, corrected)
        return
    about = None if from_button else storyboard.scene_in_question(update, context)
    heard = await context.use_cases.conversation.take(
        owner_of(update),
        text,
        context.language(),
        t(context.language(), "project.default_title"),
        about_scene_id=about,
        actor=await actor_of(update, context),
    )
    meaning = heard.meaning
    if heard.idea is not None:
        if heard.idea.project_created:
            await reply(
                update, context, "project.started_for_you", title=escape(heard.idea.project.title)
            )
        # A reply to this answer corrects the idea (a misheard voice note, a typo).
        await storyboard.announce_scene(update, context, "idea.added", heard.idea.scene)
    elif isinstance(meaning, Question):
        await _answer(update, context, meaning, heard.answer)
    elif isinstance(meaning, Clarification):
        await _ask_back(update, context, meaning)
    elif isinstance(meaning, Instruction):
        if heard.outcome is not None:
            await show_outcome(update, context, heard.outcome)
        if meaning.command is not None:
            await run_command(update, context, meaning.command)
    elif about is not None:
        await storyboard.reply_to_scene(update, context, text, about)


async def run_command(update: Update, context: DirectorContext, command: Command) -> None:
    """Render, show the storyboard, or undo, as the director asked in words."""
    if command is Command.RENDER:
        await render.render(update, context)
    elif command is Command.STORYBOARD:
        await storyboard.storyboard(update, context)
    else:
        await undo(update, context)


async def show_outcome(
    update: Update, context: DirectorContext, outcome: EditOutcome, *, undone: bool = False
) -> None:
    """Say what changed (with Undo), and bring the chat's previews in line with it."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    await send_outcome(
        context.bot,
        context.bot_data,
        OutcomeNote(
            owner_of(update),
            chat.id,
            context.language(),
            outcome,
            undone=undone,
            thread_id=thread_of(update),
        ),
    )


@dataclass(frozen=True)
class OutcomeNote:
    """What to tell a chat about a change: whose (the owning chat), where, in which language,
    and from where."""

    user_id: int
    chat_id: int
    language: str
    outcome: EditOutcome
    undone: bool = False
    heading: str | None = None  # words before the changes (HTML; e.g. "🎞 Timeline:")
    thread_id: int | None = None  # the forum topic the change was asked for in


async def send_outcome(bot: Bot, data: BotData, note: OutcomeNote) -> None:
    """Say what changed in the chat (with Undo), and bring its previews in line with it."""
    user_id, language, outcome = note.user_id, note.language, note.outcome
    messages, view = data.use_cases.scene_messages, data.views.storyboard_view
    for scene_id in outcome.deleted_ids:
        await view.remove_messages(messages.preview_messages(user_id, scene_id))
    relabelled = set(outcome.relabelled_ids)
    scenes = data.use_cases.scene_editing.scenes_of(user_id, outcome.project_id)
    await view.update_captions(user_id, [s for s in scenes if s.id in relabelled])
    changes = describe_changes(language, outcome.changes, partial(style_name, data.options))
    text = t(language, "undo.done", changes=changes) if note.undone else changes
    if note.heading is not None:
        text = note.heading + " " + text
    if outcome.busy_with in ("render", "storyboard"):
        text += "\n" + t(language, f"edit.busy_{outcome.busy_with}")
    markup = None
    if not note.undone:
        button = InlineKeyboardButton(
            t(language, "edit.undo_button"),
            callback_data=encode(UNDO_PREFIX, f"{outcome.project_id}:{outcome.entry_id}"),
        )
        markup = InlineKeyboardMarkup([[button]])
    await bot.send_message(
        note.chat_id,
        text,
        parse_mode="HTML",
        reply_markup=markup,
        message_thread_id=note.thread_id,
    )
    if outcome.repicture:
        await storyboard.request_refresh(
            bot,
            data.use_cases.storyboard_requests,
            user_id,
            note.chat_id,
            language,
            outcome.project_id,
            thread_id=note.thread_id,
        )


async def undo(update: Update, context: DirectorContext) -> None:
    """/undo (or "undo" in words): take back the active project's last change."""
    user = update.effective_user
    if user is None:
        return
    project = await decider(update, context, None)
    outcome = context.use_cases.edits.undo(owner_of(update), project.id)
    await show_outcome(update, context, outcome, undone=True)


async def undo_button(update: Update, context: DirectorContext) -> None:
    """↩️ Undo under a change: take back that change, if nothing came after it."""
    tap = read_tap(update, partial(parse_id_pair, verb=UNDO_PREFIX))
    if tap is None:
        return
    project_id, entry_id = tap.data
    await decider(update, context, project_id)
    outcome = context.use_cases.edits.undo(tap.owner, project_id, entry_id)
    await tap.query.answer()
    if isinstance(tap.query.message, Message):
        await tap.query.message.edit_reply_markup(None)
    await show_outcome(update, context, outcome, undone=True)


async def clarify_button(update: Update, context: DirectorContext) -> None:
    """The director picked one reading of an unclear sentence: carry that one out."""
    query = update.callback_query
    if query is None or not isinstance(query.message, Message):
        return
    markup = query.message.reply_markup
    # The option's words are the button's own label, so the question needs no storage.
    label = next(
        (
            button.text
            for row in (markup.inline_keyboard if markup else ())
            for button in row
            if button.callback_data == query.data
        ),
        None,
    )
    if label is None:
        raise ProjectNotFound()
    await query.answer()
    await query.message.edit_reply_markup(None)
    await take_text(update, context, label, from_button=True)


async def _answer(
    update: Update, context: DirectorContext, question: Question, answer: Answer | None
) -> None:
    language = context.language()
    if question.answer:
        await reply(update, context, "answer.ai", text=escape(question.answer))
        return
    if answer is None:
        return
    params: dict[str, Any] = dict(answer.params)
    if "motion" in params:
        params["motion"] = t(language, f"motion.{params['motion']}")
    if "style" in params:
        params["style"] = escape(style_name(context.options, str(params["style"]), language))
    for name in ("idea", "caption", "name"):
        if name in params:
            params[name] = escape(str(params[name]))
    await reply(update, context, f"answer.{answer.key}", markup=None, **params)


async def _ask_back(update: Update, context: DirectorContext, question: Clarification) -> None:
    rows = [
        [
            InlineKeyboardButton(
                option[:OPTION_CHARS], callback_data=encode(CLARIFY_PREFIX, str(index))
            )
        ]
        for index, option in enumerate(question.options[:MAX_OPTIONS])
    ]
    await reply(
        update,
        context,
        "clarify.question",
        question=escape(question.question),
        markup=InlineKeyboardMarkup(rows),
    )
