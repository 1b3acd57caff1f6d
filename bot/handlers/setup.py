"""Project options as buttons: aspect, style, clips, previews, restyle, clip sound, credits
card, captions. Ignoring them keeps defaults."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update

from bot.handlers.buttons import read_tap
from bot.handlers.callback_data import encode
from bot.handlers.context import DirectorContext, HandlerOptions
from bot.handlers.crew import decider
from bot.handlers.timeline_button import chat_timeline_button
from bot.i18n import t
from bot.studio.models import Project, ProjectSwitch
from bot.studio.timing import ASPECTS

PREFIX = "opt"
CAPTIONS = "l"  # callback-data letter of the captions button (steps to the next mode)
STYLES_PER_ROW = 2
# Callback-data letter of each switch, and its label's catalog key before "_on"/"_off".
SWITCHES = {
    "c": (ProjectSwitch.CLIPS, "setup.clips"),
    "p": (ProjectSwitch.PREVIEWS, "setup.previews"),
    "r": (ProjectSwitch.RESTYLE, "setup.restyle"),
    "k": (ProjectSwitch.CLIP_SOUND, "setup.clip_sound"),
    "d": (ProjectSwitch.CREDITS, "setup.credits"),
}
# Switches that ask for Runway: shown only when it is configured.
RUNWAY_SWITCHES = frozenset({ProjectSwitch.CLIPS, ProjectSwitch.RESTYLE})


def _aspect_token(aspect: str) -> str:
    return aspect.replace(":", "x")


def style_name(options: HandlerOptions, key: str, language: str) -> str:
    """A style preset's name in the user's language (the key if it is unknown)."""
    style = options.styles.get(key)
    return style.name(language) if style else key


def options_keyboard(
    language: str, project: Project, options: HandlerOptions, bot_username: str | None = None
) -> InlineKeyboardMarkup:
    """Buttons for the project's look; the current choice is ticked."""

    def tick(label: str, chosen: bool) -> str:
        return f"✓ {label}" if chosen else label

    aspects = [
        InlineKeyboardButton(
            tick(t(language, f"setup.aspect.{_aspect_token(aspect)}"), aspect == project.aspect),
            callback_data=encode(PREFIX, f"{project.id}:a:{_aspect_token(aspect)}"),
        )
        for aspect in ASPECTS
    ]
    styles = [
        InlineKeyboardButton(
            tick(style.name(language), key == project.style),
            callback_data=encode(PREFIX, f"{project.id}:s:{key}"),
        )
        for key, style in options.styles.items()
    ]
    rows = [aspects] + [
        styles[i : i + STYLES_PER_ROW] for i in range(0, len(styles), STYLES_PER_ROW)
    ]
    for letter, (switch, label) in SWITCHES.items():
        if switch in RUNWAY_SWITCHES and not options.clips_available:
            continue
        state = "on" if project.is_on(switch) else "off"
        rows.append(
            [
                InlineKeyboardButton(
                    t(language, f"{label}_{state}"),
                    callback_data=encode(PREFIX, f"{project.id}:{letter}:x"),
                )
            ]
        )
    captions = t(language, f"captions.{project.captions.value}")
    rows.append(
        [
            InlineKeyboardButton(
                t(language, "setup.captions", value=captions),
                callback_data=encode(PREFIX, f"{project.id}:{CAPTIONS}:x"),
            )
        ]
    )
    timeline = chat_timeline_button(
        language,
        options.webapp_url,
        project.id,
        project.owner_id,
        bot_username,
        options.webapp_short_name,
    )
    rows.extend([[timeline]] if timeline is not None else [])
    return InlineKeyboardMarkup(rows)


def parse_option(data: str | None) -> tuple[int, str, str] | None:
    """`opt:<project id>:<a|s|c|p|r|k|d|l>:<value>` from untrusted callback data."""
    parts = (data or "").split(":")
    if len(parts) != 4 or parts[0] != PREFIX or not parts[1].isdigit():
        return None
    if (parts[2] not in {"a", "s", CAPTIONS} and parts[2] not in SWITCHES) or len(parts[3]) > 32:
        return None
    return int(parts[1]), parts[2], parts[3]


async def project_option_button(update: Update, context: DirectorContext) -> None:
    """Apply a tapped option to the project the buttons were shown for."""
    tap = read_tap(update, parse_option)
    if tap is None:
        return
    query, owner, (project_id, kind, value) = tap.query, tap.owner, tap.data
    await decider(update, context, project_id)
    projects = context.use_cases.projects
    if kind == "a":
        project = projects.configure(owner, project_id, aspect=value.replace("x", ":"))
    elif kind == "s":
        project = projects.configure(owner, project_id, style=value)
    elif kind == CAPTIONS:
        project = projects.configure(owner, project_id, next_captions=True)
    else:
        project = projects.configure(owner, project_id, toggle=SWITCHES[kind][0])
    language = context.language()
    await query.answer(t(language, "setup.saved"))
    if isinstance(query.message, Message):
        await query.message.edit_reply_markup(
            options_keyboard(language, project, context.options, context.bot.username)
        )
