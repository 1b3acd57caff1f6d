"""/lyrics: the song's timed lines; the director's own words as the next message or a file."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ParseMode

from bot.handlers.context import DirectorContext
from bot.handlers.crew import owner_of, thread_of
from bot.handlers.text import escape
from bot.handlers.uploads import download
from bot.i18n import t
from bot.studio.song_lyrics import LyricsSaved, LyricsView
from bot.studio.timeline import LyricLine

MAX_SHOWN_LINES = 40  # a Telegram message holds 4096 characters
MAX_NAMED_OVERFLOW = 5


async def lyrics(update: Update, context: DirectorContext) -> None:
    """Show the active project's timed lyrics and take the director's own as the next message."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    view = await context.use_cases.lyrics.show(owner_of(update))
    language = context.language()
    text = _view_text(language, view)
    message = await context.bot.send_message(
        chat.id,
        text,
        parse_mode=ParseMode.HTML,
        disable_web_page_preview=True,
        message_thread_id=thread_of(update),
    )
    if view.song is not None:
        context.use_cases.lyrics.ask(owner_of(update), chat.id, message.message_id)


async def lyrics_reply(update: Update, context: DirectorContext, text: str) -> bool:
    """Take a message as the lyrics the bot asked for; False when it answers no such question."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None or message.chat is None:
        return False
    reply_to = message.reply_to_message.message_id if message.reply_to_message else None
    use_case = context.use_cases.lyrics
    if not use_case.is_answer(owner_of(update), message.chat.id, reply_to, text):
        return False
    await _report(update, context, await use_case.set_text(owner_of(update), text))
    return True


async def receive_lyrics_file(update: Update, context: DirectorContext) -> None:
    """A .txt or .lrc document becomes the active project's lyrics."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None or message.document is None:
        return
    document = message.document
    use_case = context.use_cases.lyrics
    use_case.check_file_size(document.file_size)
    target = await download(context, document.file_id, document.file_size, ".txt")
    await _report(
        update, context, await use_case.set_file(owner_of(update), target, document.file_name)
    )


async def _report(update: Update, context: DirectorContext, saved: LyricsSaved) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    language = context.language()
    mode = t(language, f"captions.{saved.project.captions.value}")
    parts = [t(language, "lyrics.saved", count=len(saved.timed.lines), mode=mode)]
    if saved.bad_lines:
        numbers = ", ".join(str(number) for number in saved.bad_lines)
        parts.append(t(language, "lyrics.bad_lines", numbers=numbers))
    parts.extend(_overflow(language, saved.timed.overflow))
    if saved.project.song_sha is None:
        parts.append(t(language, "lyrics.no_song"))
    await context.bot.send_message(
        chat.id, "\n\n".join(parts), parse_mode=ParseMode.HTML, message_thread_id=thread_of(update)
    )


def _view_text(language: str, view: LyricsView) -> str:
    if view.song is None:
        return t(language, "lyrics.no_song")
    timed = view.timed
    if timed.lines and timed.source is not None:
        shown = [_line(language, line) for line in timed.lines[:MAX_SHOWN_LINES]]
        if len(timed.lines) > MAX_SHOWN_LINES:
            shown.append(t(language, "lyrics.more", count=len(timed.lines) - MAX_SHOWN_LINES))
        text = t(
            language,
            "lyrics.shown",
            source=t(language, f"lyrics.source.{timed.source.value}"),
            mode=t(language, f"captions.{view.project.captions.value}"),
            lines="\n".join(shown),
        )
        return "\n\n".join([text, *_overflow(language, timed.overflow)])
    if view.instrumental:
        return t(language, "lyrics.instrumental") + "\n\n" + t(language, "lyrics.none_yet")
    if view.pending_usd is not None:
        return t(language, "lyrics.will_listen", usd=f"{view.pending_usd:.2f}")
    return t(language, "lyrics.none_yet") + "\n" + t(language, "lyrics.offline")


def _line(language: str, line: LyricLine) -> str:
    minutes, seconds = divmod(line.start, 60.0)
    return t(
        language, "lyrics.line", time=f"{int(minutes)}:{seconds:05.2f}", text=escape(line.text)
    )


def _overflow(language: str, overflow: tuple[str, ...]) -> list[str]:
    if not overflow:
        return []
    named = " / ".join(escape(text) for text in overflow[:MAX_NAMED_OVERFLOW])
    if len(overflow) > MAX_NAMED_OVERFLOW:
        named += " …"
    return [t(language, "lyrics.overflow", count=len(overflow), lines=named)]
