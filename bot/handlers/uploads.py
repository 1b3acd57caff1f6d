"""What every upload handler shares: downloading within the limit, the default title, and
telling the director their song is set."""

from __future__ import annotations

from pathlib import Path

from telegram import Update
from telegram.error import BadRequest

from bot.handlers.context import DirectorContext
from bot.handlers.crew import owner_of, thread_of
from bot.handlers.replies import pace_hint, reply
from bot.handlers.text import escape, short
from bot.i18n import t
from bot.studio.models import Asset, Project, Scene


async def download(context: DirectorContext, file_id: str, size: int | None, suffix: str) -> Path:
    """Fetch an upload into the media scratch folder, refusing what is too big."""
    material = context.use_cases.material
    material.check_download(size)
    try:
        telegram_file = await context.bot.get_file(file_id)
    except BadRequest as error:
        if "too big" in error.message.lower():
            raise material.file_too_big() from error
        raise
    target = material.scratch_path(suffix)
    await telegram_file.download_to_drive(target)
    return target


def default_title(context: DirectorContext) -> str:
    """The title of a project started by an upload, in the user's language."""
    return t(context.language(), "project.default_title")


async def announce_song(
    update: Update, context: DirectorContext, project: Project, song: Asset
) -> None:
    """Say the song is set, how long it is, and whether more scenes would suit it."""
    if update.effective_user is None:
        return
    seconds = round(song.duration or 0)
    scenes = context.use_cases.material.scene_count(owner_of(update), project.id)
    await reply(
        update,
        context,
        "song.set",
        name=escape(song.original_name or "♪"),
        minutes=seconds // 60,
        seconds=f"{seconds % 60:02d}",
        title=escape(project.title),
        hint=pace_hint(context.language(), song.duration, scenes),
    )


def noted_in_album(
    update: Update,
    context: DirectorContext,
    scene: Scene,
    new_scene: bool,
    *,
    refresh_project: int | None = None,
    clip: bool = False,
) -> bool:
    """Note a photo or clip of an album, whose one answer waits for its last item; False when
    the message is not part of an album."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or message.media_group_id is None:
        return False
    if context.job_queue is None:
        return False
    context.views.albums.add(
        context.job_queue,
        message.media_group_id,
        chat_id=message.chat_id,
        user_id=owner_of(update),
        language=context.language(),
        scene_id=scene.id,
        number=scene.position,
        idea=short(scene.idea),
        new_scene=new_scene,
        refresh_project=refresh_project,
        clip=clip,
        thread_id=thread_of(update),
    )
    return True
