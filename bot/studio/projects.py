"""Use cases of the conversation: projects, ideas, photos, songs, status."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from bot.errors import InputRejected, NoActiveProject, ProjectNotFound
from bot.studio.editing import Edits
from bot.studio.edits import (
    AddScenes,
    Edit,
    FromEnd,
    SetAspect,
    SetIdea,
    SetStyle,
    SetSwitch,
    SetTitle,
)
from bot.studio.limits import Limits
from bot.studio.models import (
    Asset,
    AssetKind,
    Project,
    ProjectSummary,
    ProjectSwitch,
    Scene,
    User,
)
from bot.studio.ports import MediaInspector, MediaStore, ProjectStore
from bot.studio.text import checked_text, clean_text
from bot.studio.timing import default_motion, default_transition

logger = logging.getLogger(__name__)

SUPPORTED_LANGUAGES = ("en", "vi")
RENAME_LINK = "rename"


def language_for(language_code: str | None) -> str:
    """Our catalog language for a Telegram `language_code`."""
    code = (language_code or "en").split("-")[0].lower()
    return code if code in SUPPORTED_LANGUAGES else "en"


def project_for(store: ProjectStore, user_id: int, project_id: int | None) -> Project:
    """The given project of the user's, or their active one when none is given."""
    project = (
        store.active_project(user_id)
        if project_id is None
        else store.get_project(user_id, project_id)
    )
    if project is None:
        raise NoActiveProject() if project_id is None else ProjectNotFound()
    return project


def free_title(title: str, taken: set[str]) -> str:
    """`title`, or `title 2`, `title 3`... : the first one not in `taken`."""
    candidate, number = title, 1
    while candidate in taken:
        number += 1
        candidate = f"{title} {number}"
    return candidate


@dataclass(frozen=True)
class PhotoAdded:
    """Where a reference photo went."""

    project: Project
    scene: Scene
    new_scene: bool
    project_created: bool


@dataclass(frozen=True)
class IdeaAdded:
    """A scene idea added to a project."""

    project: Project
    scene: Scene
    project_created: bool


class Projects:
    """The director's projects and what goes into them."""

    def __init__(
        self,
        store: ProjectStore,
        media: MediaStore,
        inspector: MediaInspector,
        limits: Limits,
        edits: Edits,
    ) -> None:
        self.store = store
        self.media = media
        self.inspector = inspector
        self.limits = limits
        self.edits = edits

    def register_user(self, user_id: int, first_name: str, language_code: str | None) -> User:
        """Know the user from their first message on."""
        return self.store.ensure_user(user_id, first_name, language_for(language_code))

    def language_of(self, user_id: int) -> str:
        """The user's language (English until they are known)."""
        user = self.store.get_user(user_id)
        return user.language if user else "en"

    def set_language(self, user_id: int, language: str) -> None:
        """Remember the language the user picked."""
        if language not in SUPPORTED_LANGUAGES:
            raise InputRejected("error.bad_language")
        self.store.set_language(user_id, language)

    def start_project(self, user_id: int, title: str) -> Project:
        """Create a project and make it the active one."""
        title = checked_text(title, self.limits.max_title_chars, "error.title_too_long")
        return self.store.create_project(
            user_id, title, self.limits.default_aspect, self.limits.default_style
        )

    def start_untitled(self, user_id: int, default_title: str) -> Project:
        """Start a project under the default title, numbered so /projects tells them apart."""
        taken = {project.title for project in self.store.list_projects(user_id)}
        return self.start_project(user_id, free_title(default_title, taken))

    def active(self, user_id: int) -> Project:
        """The active project, or NoActiveProject."""
        project = self.store.active_project(user_id)
        if project is None:
            raise NoActiveProject()
        return project

    def current(self, user_id: int) -> Project | None:
        """The active project, if there is one."""
        return self.store.active_project(user_id)

    def configure(
        self,
        user_id: int,
        project_id: int,
        *,
        aspect: str | None = None,
        style: str | None = None,
        toggle: ProjectSwitch | None = None,
    ) -> Project:
        """Change a project's aspect ratio or style, or flip a switch (only the owner's)."""
        changes: list[Edit] = []
        if aspect is not None:
            changes.append(SetAspect(aspect))
        if style is not None:
            changes.append(SetStyle(style))
        if toggle is not None:
            changes.append(SetSwitch(toggle))
        return self._edit_project(user_id, project_id, changes, "button")

    def rename(self, user_id: int, project_id: int, title: str) -> Project:
        """Give one of the user's projects a new title."""
        return self._edit_project(user_id, project_id, [SetTitle(title)], "rename")

    def _edit_project(
        self, user_id: int, project_id: int, changes: list[Edit], source: str
    ) -> Project:
        project = self.store.get_project(user_id, project_id)
        if project is None:
            raise ProjectNotFound()
        try:
            self.edits.apply(user_id, project_id, changes, source=source)
        except InputRejected as rejected:
            if rejected.key != "edit.nothing_changed":
                raise
        updated = self.store.get_project(user_id, project_id)
        assert updated is not None
        return updated

    def delete(self, user_id: int, project_id: int) -> Project:
        """Delete one of the user's projects (its media files go at the next gc)."""
        project = self.store.get_project(user_id, project_id)
        if project is None or not self.store.delete_project(user_id, project_id):
            raise ProjectNotFound()
        return project

    def remember_rename_question(
        self, user_id: int, chat_id: int, message_id: int, project_id: int
    ) -> None:
        """A message asks for a project's new title."""
        self.store.link_message(user_id, chat_id, message_id, RENAME_LINK, project_id)

    def project_to_rename(self, user_id: int, chat_id: int, message_id: int) -> int | None:
        """The project whose new title a reply to this message gives."""
        link = self.store.linked(user_id, chat_id, message_id)
        return link.target_id if link is not None and link.kind == RENAME_LINK else None

    def active_id(self, user_id: int) -> int | None:
        """Id of the active project, if there is one."""
        project = self.store.active_project(user_id)
        return project.id if project else None

    def get(self, user_id: int, project_id: int) -> Project:
        """One of the user's projects, or ProjectNotFound."""
        return project_for(self.store, user_id, project_id)

    def switch(self, user_id: int, project_id: int) -> Project:
        """Make another of the user's projects active."""
        project = self.store.get_project(user_id, project_id)
        if project is None:
            raise ProjectNotFound()
        self.store.set_active_project(user_id, project_id)
        return project

    def list(self, user_id: int) -> list[Project]:
        """The user's projects, newest first."""
        return self.store.list_projects(user_id)

    def _active_or_new(self, user_id: int, default_title: str) -> tuple[Project, bool]:
        project = self.store.active_project(user_id)
        if project is not None:
            return project, False
        return self.start_untitled(user_id, default_title), True

    def _check_room(self, user_id: int, project: Project) -> None:
        if self.store.count_scenes(user_id, project.id) >= self.limits.max_scenes:
            raise InputRejected("error.too_many_scenes", limit=self.limits.max_scenes)

    def _new_scene(self, user_id: int, project: Project, idea: str) -> Scene:
        position = self.store.count_scenes(user_id, project.id) + 1
        return self.store.add_scene(
            user_id, project.id, idea, idea, default_motion(position), default_transition(position)
        )

    def _check_idea(self, idea: str) -> str:
        return checked_text(idea, self.limits.max_idea_chars, "error.idea_too_long")

    def add_idea(self, user_id: int, text: str, default_title: str) -> IdeaAdded:
        """Append a scene idea to the active project (starting one if there is none).

        A last scene that began with an uncaptioned photo has no idea yet: the text is its idea.
        """
        idea = self._check_idea(text)
        project, created = self._active_or_new(user_id, default_title)
        scenes = self.store.scenes(user_id, project.id)
        edit: Edit = (
            SetIdea(FromEnd(1), idea)
            if scenes and not scenes[-1].idea.strip()
            else AddScenes((idea,))
        )
        outcome = self.edits.apply(user_id, project.id, [edit], source="idea")
        scene_id = outcome.after.scenes[-1].id
        scene = self.store.get_scene(user_id, scene_id) if scene_id is not None else None
        assert scene is not None
        self.store.log_message(project.id, "user", idea)
        return IdeaAdded(project, scene, created)

    def file_too_big(self) -> InputRejected:
        """The error for a file over Telegram's download limit."""
        return InputRejected(
            "error.file_too_big", limit_mb=self.limits.download_limit // (1024 * 1024)
        )

    def check_download(self, size: int | None) -> None:
        """Refuse a file Telegram will not let the bot download."""
        if size is not None and size > self.limits.download_limit:
            raise self.file_too_big()

    def scratch_path(self, suffix: str) -> Path:
        """A fresh file name for an upload on its way in."""
        return self.media.scratch_path(suffix)

    async def add_photo(
        self,
        user_id: int,
        source: Path,
        caption: str | None,
        original_name: str | None,
        default_title: str,
        scene_id: int | None = None,
    ) -> PhotoAdded:
        """Check and store a reference photo; with a caption it starts a scene of its own.

        With `scene_id` (a reply to a scene's preview) the photo joins that scene.
        """
        idea = self._check_idea(caption) if caption and caption.strip() else None
        normalised = self.media.scratch_path(".jpg")
        try:
            facts = await self.inspector.normalise_photo(source, normalised)
            sha = self.media.put_file(normalised, "jpg")
        finally:
            source.unlink(missing_ok=True)
            normalised.unlink(missing_ok=True)
        self.store.save_asset(
            Asset(
                sha=sha,
                kind=AssetKind.PHOTO,
                ext="jpg",
                size=self.media.path_for(sha, "jpg").stat().st_size,
                width=facts.width,
                height=facts.height,
                original_name=_safe_name(original_name),
            )
        )
        target = self.store.get_scene(user_id, scene_id) if scene_id is not None else None
        if target is not None:
            self.store.add_scene_reference(user_id, target.id, sha)
            project = self.store.get_project(user_id, target.project_id)
            assert project is not None
            return PhotoAdded(project, target, False, False)
        project, created = self._active_or_new(user_id, default_title)
        scenes = self.store.scenes(user_id, project.id)
        if idea is None and scenes:
            scene, new_scene = scenes[-1], False
        else:
            self._check_room(user_id, project)
            scene = self._new_scene(user_id, project, idea or "")
            new_scene = True
        self.store.add_scene_reference(user_id, scene.id, sha)
        return PhotoAdded(project, scene, new_scene, created)

    async def set_song(
        self,
        user_id: int,
        source: Path,
        extension: str,
        original_name: str | None,
        default_title: str,
    ) -> tuple[Project, Asset]:
        """Check and store the project's song (replacing any earlier one)."""
        try:
            facts = await self.inspector.inspect_song(source)
            longest = self.limits.longest_song_seconds
            if facts.duration > longest:
                seconds = int(longest)
                raise InputRejected(
                    "error.song_too_long", limit=f"{seconds // 60}:{seconds % 60:02d}"
                )
            size = source.stat().st_size
            sha = self.media.put_file(source, extension)
        finally:
            source.unlink(missing_ok=True)
        asset = Asset(
            sha=sha,
            kind=AssetKind.SONG,
            ext=extension,
            size=size,
            duration=facts.duration,
            original_name=_safe_name(original_name),
        )
        self.store.save_asset(asset)
        if facts.tempo_bpm is not None and facts.beats:
            self.store.save_song_analysis(sha, facts.tempo_bpm, list(facts.beats))
        project, _ = self._active_or_new(user_id, default_title)
        self.store.set_song(user_id, project.id, sha)
        return project, asset

    def scene_count(self, user_id: int, project_id: int) -> int:
        """How many scenes one of the user's projects has."""
        return self.store.count_scenes(user_id, project_id)

    def summary(self, user_id: int) -> ProjectSummary:
        """What the active project holds."""
        project = self.active(user_id)
        song = self.store.get_asset(project.song_sha) if project.song_sha else None
        return ProjectSummary(
            project=project,
            scene_count=self.store.count_scenes(user_id, project.id),
            photo_count=self.store.count_references(user_id, project.id),
            song=song,
            last_job=self.store.last_job(user_id, project.id),
            spent_usd=self.store.spend(user_id, project.id),
        )


def _safe_name(name: str | None) -> str | None:
    """A file name fit to show: no folders, no control characters, not too long."""
    if not name:
        return None
    name = clean_text(name).replace("\\", "/").rsplit("/", 1)[-1]
    return name[:120] or None
