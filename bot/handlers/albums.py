"""One reply per album: the photos and clips of an album arrive as separate updates.

Each photo or clip is stored as it comes; what it did (which scene it started or joined) is
noted here, and once the album has been quiet for a moment the notes become one message. A
reply to a scene's preview with an album remakes that scene's picture once, after the last one.
"""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import Any, Protocol

from telegram.constants import ParseMode
from telegram.ext import CallbackContext, JobQueue

from bot.i18n import t

# Telegram delivers an album's photos within a second or so of each other.
QUIET_SECONDS = 1.5


class RefreshCallback(Protocol):
    """Remakes a project's changed pictures, answering in forum topic `thread_id`."""

    def __call__(
        self, user_id: int, chat_id: int, language: str, project_id: int, *, thread_id: int | None
    ) -> Awaitable[None]: ...


@dataclass
class _SceneNote:
    number: int
    idea: str
    new_scene: bool
    photos: int = 0
    clips: int = 0


@dataclass
class _Album:
    chat_id: int
    user_id: int
    language: str
    thread_id: int | None  # the forum topic the album was sent in
    scenes: dict[int, _SceneNote] = field(default_factory=dict)  # by scene id, in order
    refresh_project: int | None = None


def photo_key(new_scene: bool, has_idea: bool, photos: int = 1) -> str:
    """The catalog key that tells what `photos` photos did to a scene."""
    album = "album_" if photos > 1 else ""
    if not new_scene:
        return f"photo.{album}attached"
    return f"photo.{album}new_scene" if has_idea else f"photo.{album}new_scene_no_idea"


def footage_key(new_scene: bool, has_idea: bool, after_full: bool = False) -> str:
    """The catalog key that tells what a clip did to a scene."""
    if after_full:
        return "footage.after_full"
    if not new_scene:
        return "footage.attached"
    return "footage.new_scene" if has_idea else "footage.new_scene_no_idea"


def note_text(language: str, note: _SceneNote) -> str:
    """The line that tells what the album's photos and clips did to one scene."""
    if note.clips and note.photos:
        key = "footage.album_mixed"
    elif note.clips:
        key = footage_key(note.new_scene, bool(note.idea))
    else:
        key = photo_key(note.new_scene, bool(note.idea), note.photos)
    return t(
        language,
        key,
        number=note.number,
        idea=note.idea,
        count=note.photos,
        photos=note.photos,
        clips=note.clips,
        length="",
    )


class AlbumReplies:
    """Collects what an album's photos did and answers once, when the album is complete."""

    def __init__(self, refresh: RefreshCallback) -> None:
        self._albums: dict[str, _Album] = {}
        self._refresh = refresh

    def add(
        self,
        job_queue: JobQueue[Any],
        group_id: str,
        *,
        chat_id: int,
        user_id: int,
        language: str,
        scene_id: int,
        number: int,
        idea: str,
        new_scene: bool,
        refresh_project: int | None = None,
        clip: bool = False,
        thread_id: int | None = None,
    ) -> None:
        """Note one photo (or `clip`) of the album `group_id`; the reply waits for the album's
        last item."""
        album = self._albums.setdefault(group_id, _Album(chat_id, user_id, language, thread_id))
        note = album.scenes.setdefault(scene_id, _SceneNote(number, idea, new_scene))
        if clip:
            note.clips += 1
        else:
            note.photos += 1
        if refresh_project is not None:
            album.refresh_project = refresh_project
        name = f"album:{group_id}"
        for waiting in job_queue.get_jobs_by_name(name):
            waiting.schedule_removal()
        job_queue.run_once(self._answer, QUIET_SECONDS, data=group_id, name=name)

    async def _answer(self, context: CallbackContext[Any, Any, Any, Any]) -> None:
        job = context.job
        album = self._albums.pop(str(job.data), None) if job is not None else None
        if album is None:
            return
        text = "\n".join(note_text(album.language, note) for note in album.scenes.values())
        await context.bot.send_message(
            album.chat_id, text, parse_mode=ParseMode.HTML, message_thread_id=album.thread_id
        )
        if album.refresh_project is not None:
            await self._refresh(
                album.user_id,
                album.chat_id,
                album.language,
                album.refresh_project,
                thread_id=album.thread_id,
            )
