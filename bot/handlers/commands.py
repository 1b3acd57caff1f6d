"""Command handlers: /start, /help, /new, /status, /cancel, /lang."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.errors import ProjectNotFound
from bot.handlers.callback_data import encode
from bot.handlers.context import DirectorContext
from bot.handlers.crew import decider, in_group, owner_of, thread_of
from bot.handlers.replies import pace_hint, reply
from bot.handlers.setup import options_keyboard, style_name
from bot.handlers.text import escape, short
from bot.handlers.timeline_access import TimelineAccess
from bot.handlers.timeline_button import asked_timeline, timeline_button
from bot.i18n import languages, t
from bot.studio.models import Asset

ORDER_SCENES = 12  # /status lists this many scenes in order, then "…"
ORDER_IDEA_CHARS = 24

# The command menu, in the order users see it: (command, catalog key of its description).
COMMANDS: tuple[tuple[str, str], ...] = (
    ("new", "command.new"),
    ("storyboard", "command.storyboard"),
    ("render", "command.render"),
    ("status", "command.status"),
    ("lyrics", "command.lyrics"),
    ("credits", "command.credits"),
    ("projects", "command.projects"),
    ("undo", "command.undo"),
    ("cancel", "command.cancel"),
    ("lang", "command.lang"),
    ("help", "command.help"),
)


def help_text(language: str) -> str:
    """The flow in three lines, then every command."""
    lines = [t(language, "help.intro"), ""]
    lines += [f"/{name} — {t(language, key)}" for name, key in COMMANDS]
    return "\n".join(lines)


async def start(update: Update, context: DirectorContext) -> None:
    """Greet the user and explain the flow (or, from a group's "Open timeline" link, offer
    that project's timeline)."""
    if update.effective_chat is None:
        return
    asked = asked_timeline(context.args[0] if context.args else None)
    if asked is not None and not in_group(update) and context.options.webapp_url:
        await offer_timeline(update, context, context.options.webapp_url, asked)
        return
    language = context.language()
    text = t(language, "start.greeting") + "\n\n" + help_text(language)
    await context.bot.send_message(
        update.effective_chat.id, text, message_thread_id=thread_of(update)
    )


async def offer_timeline(
    update: Update, context: DirectorContext, base_url: str, project_id: int
) -> None:
    """A group's project's timeline, offered in the private chat to a member of the group."""
    user = update.effective_user
    if user is None:
        return
    try:
        owner = await TimelineAccess(context.bot, context.bot_data).owner_for(user.id, project_id)
    except ProjectNotFound:
        await reply(update, context, "webapp.not_a_member")
        return
    project = context.use_cases.projects.get(owner, project_id)
    language = context.language()
    await reply(
        update,
        context,
        "webapp.offer",
        markup=InlineKeyboardMarkup([[timeline_button(language, base_url, project_id)]]),
        title=escape(project.title),
    )


async def help_command(update: Update, context: DirectorContext) -> None:
    """List the commands."""
    if update.effective_chat is None:
        return
    await context.bot.send_message(
        update.effective_chat.id,
        help_text(context.language()),
        message_thread_id=thread_of(update),
    )


async def new_project(update: Update, context: DirectorContext) -> None:
    """Create a project from `/new [title]` and make it active; whoever sent it directs it."""
    if update.effective_user is None:
        return
    projects, owner = context.use_cases.projects, owner_of(update)
    director = update.effective_user.id
    title = " ".join(context.args or [])
    project = (
        projects.start_project(owner, title, director)
        if title
        else projects.start_untitled(
            owner, t(context.language(), "project.default_title"), director
        )
    )
    await reply(
        update,
        context,
        "project.created",
        title=escape(project.title),
        markup=options_keyboard(context.language(), project, context.options, context.bot.username),
    )


def song_structure(language: str, song: Asset) -> str:
    """The song's tempo and its parts with their start times, in a line or two (or nothing)."""
    text = ""
    if song.tempo_bpm and song.beats:
        text += t(language, "status.tempo", bpm=round(song.tempo_bpm))
    if song.sections:
        parts = " · ".join(
            t(
                language,
                "status.part",
                name=t(language, f"section.{part.kind.value}"),
                time=f"{int(part.start) // 60}:{int(part.start) % 60:02d}",
            )
            for part in song.sections
        )
        text += t(language, "status.parts", parts=parts)
    return text


async def status(update: Update, context: DirectorContext) -> None:
    """Tell what the active project holds and what is running."""
    if update.effective_user is None:
        return
    summary = context.use_cases.status.summary(owner_of(update))
    language = context.language()
    song = (
        t(
            language,
            "status.song",
            name=escape(summary.song.original_name or "♪"),
            seconds=round(summary.song.duration or 0),
        )
        + song_structure(language, summary.song)
        + pace_hint(language, summary.song.duration, summary.scene_count)
        if summary.song
        else t(language, "status.no_song")
    )
    job = (
        t(language, f"status.job.{summary.last_job.state.value}")
        if summary.last_job
        else t(language, "status.job.none")
    )
    await reply(
        update,
        context,
        "status.text",
        title=escape(summary.project.title),
        scenes=summary.scene_count,
        order=scene_order(summary.scene_ideas),
        photos=summary.photo_count,
        song=song,
        job=job,
        aspect=summary.project.aspect,
        style=escape(style_name(context.options, summary.project.style, language)),
        spent=f"{summary.spent_usd:.2f}",
        markup=options_keyboard(language, summary.project, context.options, context.bot.username),
    )


def scene_order(ideas: tuple[str, ...]) -> str:
    """The scenes in order on a line of their own ("1 Dawn · 2 Boats"); "" without scenes."""
    shown = [f"{n} {short(idea, ORDER_IDEA_CHARS)}" for n, idea in enumerate(ideas, 1)]
    if len(shown) > ORDER_SCENES:
        shown = [*shown[:ORDER_SCENES], "…"]
    return "\n" + " · ".join(shown) if shown else ""


async def cancel(update: Update, context: DirectorContext) -> None:
    """Stop the active project's running job (the director's or an admin's call)."""
    if update.effective_user is None:
        return
    await decider(update, context, None)
    stopped = context.use_cases.renders.cancel(owner_of(update))
    await reply(update, context, "cancel.requested" if stopped else "cancel.nothing")


async def choose_language(update: Update, context: DirectorContext) -> None:
    """Offer the languages as buttons."""
    buttons = [
        [
            InlineKeyboardButton(t(code, "language.name"), callback_data=encode("lang", code))
            for code in languages()
        ]
    ]
    await reply(update, context, "language.choose", markup=InlineKeyboardMarkup(buttons))


async def language_button(update: Update, context: DirectorContext) -> None:
    """Store the language picked with a button."""
    query = update.callback_query
    if query is None or update.effective_user is None or query.data is None:
        return
    code = query.data.split(":", 1)[-1]
    context.use_cases.projects.set_language(update.effective_user.id, code)
    await query.answer()
    await reply(update, context, "language.set")


async def unknown_button(update: Update, context: DirectorContext) -> None:
    """A button we do not (or no longer) know: say so, change nothing."""
    query = update.callback_query
    if query is None:
        return
    if query.data == "noop":
        await query.answer()
        return
    await query.answer(t(context.language(), "error.project_gone"), show_alert=True)
