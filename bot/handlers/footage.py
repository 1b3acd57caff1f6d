"""The director's own clips: videos, videos sent as files, round video notes and GIFs."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

from telegram import Message, Update
from telegram.constants import ChatAction
from telegram.error import TelegramError

from bot.handlers import storyboard
from bot.handlers.albums import footage_key
from bot.handlers.attribution import arrival_of
from bot.handlers.context import DirectorContext
from bot.handlers.crew import owner_of, thread_of
from bot.handlers.files import video_extension
from bot.handlers.replies import reply
from bot.handlers.text import escape
from bot.handlers.uploads import announce_song, default_title, download, noted_in_album
from bot.studio.material import SongFromVideo

logger = logging.getLogger(__name__)

# Telegram shows a chat action for about five seconds: repeat it while the clip is read.
CHAT_ACTION_EVERY_SECONDS = 4.0


@dataclass(frozen=True)
class _Upload:
    file_id: str
    size: int | None
    name: str | None
    extension: str


def _upload_of(message: Message) -> _Upload | None:
    """The clip a message carries (a round video note and a GIF are clips too)."""
    if message.video is not None:
        video = message.video
        extension = video_extension(video.mime_type, video.file_name)
        return _Upload(video.file_id, video.file_size, video.file_name, extension)
    if message.video_note is not None:
        note = message.video_note
        return _Upload(note.file_id, note.file_size, None, "mp4")
    if message.animation is not None:
        animation = message.animation
        # Telegram turns GIFs into silent MP4s; one kept as a GIF stays one.
        extension = "gif" if (animation.mime_type or "").lower() == "image/gif" else "mp4"
        return _Upload(animation.file_id, animation.file_size, animation.file_name, extension)
    if message.document is not None:
        document = message.document
        extension = video_extension(document.mime_type, document.file_name)
        return _Upload(document.file_id, document.file_size, document.file_name, extension)
    return None


@contextlib.asynccontextmanager
async def _showing(
    context: DirectorContext, chat_id: int, action: str, thread_id: int | None
) -> AsyncIterator[None]:
    """Keep a chat action ("sending a video…") on screen (in forum topic `thread_id`) while
    the body runs."""

    async def keep_showing() -> None:
        while True:
            with contextlib.suppress(TelegramError):
                await context.bot.send_chat_action(chat_id, action, message_thread_id=thread_id)
            await asyncio.sleep(CHAT_ACTION_EVERY_SECONDS)

    task = asyncio.create_task(keep_showing())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def receive_footage(update: Update, context: DirectorContext) -> None:
    """A clip of the director's becomes a scene's footage (placed as a photo would be)."""
    message = update.effective_message
    if message is None or update.effective_user is None:
        return
    upload = _upload_of(message)
    if upload is None:
        return
    source = await download(context, upload.file_id, upload.size, f".{upload.extension}")
    reply_scene = storyboard.replied_scene_id(update, context)
    async with _showing(context, message.chat_id, ChatAction.UPLOAD_VIDEO, thread_of(update)):
        added = await context.use_cases.material.add_footage(
            owner_of(update),
            source,
            upload.extension,
            message.caption,
            upload.name,
            default_title(context),
            scene_id=reply_scene,
            arrival=arrival_of(message),
        )
    if isinstance(added, SongFromVideo):
        await reply(update, context, "footage.sound_only")
        await announce_song(update, context, added.project, added.song)
        return
    if added.project_created:
        await reply(update, context, "project.started_for_you", title=escape(added.project.title))
    if noted_in_album(
        update,
        context,
        added.scene,
        added.new_scene,
        refresh_project=added.project.id if reply_scene is not None else None,
        clip=True,
    ):
        return
    key = footage_key(added.new_scene, bool(added.scene.idea), added.after_full is not None)
    await storyboard.announce_scene(
        update, context, key, added.scene, previous=added.after_full or 0
    )
    if reply_scene is not None:
        await storyboard.refresh_shown_picture(update, context, added.scene)
