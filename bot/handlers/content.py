"""Handlers for what users send: reference photos, songs, voice notes, other files."""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram import Update
from telegram.constants import ChatAction

from bot.errors import InputRejected
from bot.handlers import conversation, footage, lyrics, storyboard
from bot.handlers.albums import photo_key
from bot.handlers.attribution import arrival_of, sender_of
from bot.handlers.context import DirectorContext
from bot.handlers.crew import owner_of, thread_of
from bot.handlers.files import FileKind, audio_extension, classify_document
from bot.handlers.replies import reply
from bot.handlers.text import escape
from bot.handlers.uploads import announce_song, default_title, download, noted_in_album
from bot.studio.credits import SongTags

logger = logging.getLogger(__name__)


async def receive_photo(update: Update, context: DirectorContext) -> None:
    """A photo (compressed or as an image document) becomes a reference photo."""
    message = update.effective_message
    if message is None or update.effective_user is None:
        return
    if message.photo:
        largest = message.photo[-1]
        file_id, size, name = largest.file_id, largest.file_size, None
    elif message.document is not None:
        document = message.document
        file_id, size, name = document.file_id, document.file_size, document.file_name
    else:
        return
    source = await download(context, file_id, size, ".upload")
    reply_scene = storyboard.replied_scene_id(update, context)
    added = await context.use_cases.material.add_photo(
        owner_of(update),
        source,
        message.caption,
        name,
        default_title(context),
        scene_id=reply_scene,
        arrival=arrival_of(message),
    )
    if added.project_created:
        await reply(update, context, "project.started_for_you", title=escape(added.project.title))
    if noted_in_album(
        update,
        context,
        added.scene,
        added.new_scene,
        refresh_project=(
            added.project.id if reply_scene is not None and added.scene.picture_sha else None
        ),
    ):
        return
    if reply_scene is not None:
        await storyboard.announce_scene(update, context, "photo.attached", added.scene)
        await storyboard.refresh_shown_picture(update, context, added.scene)
        return
    await storyboard.announce_scene(
        update, context, photo_key(added.new_scene, bool(added.scene.idea)), added.scene
    )


async def receive_audio(update: Update, context: DirectorContext) -> None:
    """An audio file (or audio document) becomes the project's song."""
    message = update.effective_message
    if message is None or update.effective_user is None:
        return
    media = message.audio or message.document
    if media is None:
        return
    extension = audio_extension(media.mime_type, media.file_name)
    source = await download(context, media.file_id, media.file_size, f".{extension}")
    told = (
        SongTags(message.audio.performer, message.audio.title, from_file=False)
        if message.audio is not None
        else None
    )
    project, song = await context.use_cases.material.set_song(
        owner_of(update),
        source,
        extension,
        media.file_name,
        default_title(context),
        sender=sender_of(message),
        told=told,
    )
    await announce_song(update, context, project, song)


async def receive_document(update: Update, context: DirectorContext) -> None:
    """Route a document to the photo or song path, or explain what we accept."""
    message = update.effective_message
    if message is None or message.document is None:
        return
    kind = classify_document(message.document.mime_type, message.document.file_name)
    if kind is FileKind.IMAGE:
        await receive_photo(update, context)
    elif kind is FileKind.AUDIO:
        await receive_audio(update, context)
    elif kind is FileKind.VIDEO:
        await footage.receive_footage(update, context)
    elif kind is FileKind.LYRICS:
        await lyrics.receive_lyrics_file(update, context)
    else:
        raise InputRejected("error.unsupported_file")


async def receive_voice(update: Update, context: DirectorContext) -> None:
    """A voice note is transcribed, echoed so the user can correct it, then used as text."""
    message = update.effective_message
    if message is None or message.voice is None or update.effective_user is None:
        return
    voice = context.use_cases.voice
    duration = message.voice.duration
    voice.check(int(duration.total_seconds()) if isinstance(duration, timedelta) else duration)
    source = await download(context, message.voice.file_id, message.voice.file_size, ".ogg")
    if message.chat is not None:
        await context.bot.send_chat_action(
            message.chat.id, ChatAction.TYPING, message_thread_id=thread_of(update)
        )
    text = await voice.transcribe(owner_of(update), source, context.language())
    await reply(update, context, "provider.heard", text=escape(text))
    await conversation.take_text(update, context, text)


async def receive_other(update: Update, context: DirectorContext) -> None:
    """Stickers, locations, contacts...: say what the bot understands."""
    raise InputRejected("error.unsupported_file")
