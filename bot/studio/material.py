"""Use cases of what the director sends: scene ideas, reference photos, the song."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from pathlib import Path

from bot.errors import InputRejected
from bot.studio.attribution import read_caption
from bot.studio.beats import SongAnalysis
from bot.studio.credits import Arrival, Credits, SongTags
from bot.studio.editing import Edits
from bot.studio.edits import (
    AddFootageScene,
    AddScenes,
    AttachFootage,
    Beside,
    Edit,
    FromEnd,
    Numbered,
    SetIdea,
)
from bot.studio.footage import LIVELINESS_STEP
from bot.studio.limits import Limits
from bot.studio.models import Asset, AssetKind, CreditRole, Project, Scene, Sender
from bot.studio.names import safe_file_name
from bot.studio.ownership import owned_project
from bot.studio.ports import FootageReader, MediaInspector
from bot.studio.projects import Projects
from bot.studio.roles import (
    AssetStore,
    ConversationStore,
    MediaStore,
    ProjectStore,
    ReferenceStore,
    SceneStore,
)
from bot.studio.text import checked_text
from bot.studio.timing import default_motion, default_transition

logger = logging.getLogger(__name__)

ORIGINAL_NAME_LIMIT = 120
NO_VIDEO = "error.footage_no_video"
SONG_IN_VIDEO_EXTENSION = "m4a"  # an MP4 of sound alone is what an .m4a file is


@dataclass(frozen=True)
class PhotoAdded:
    """Where a reference photo went."""

    project: Project
    scene: Scene
    new_scene: bool
    project_created: bool


@dataclass(frozen=True)
class FootageAdded:
    """Where a clip of the director's went: the scene that shows it now.

    `after_full` is set when the clip was meant for a scene that already showed one: it
    then starts a new scene right after that one (this number), with the same idea.
    """

    project: Project
    scene: Scene
    new_scene: bool
    project_created: bool
    after_full: int | None = None


@dataclass(frozen=True)
class SongFromVideo:
    """A video file that held only sound, taken as the project's song."""

    project: Project
    song: Asset


@dataclass(frozen=True)
class IdeaAdded:
    """A scene idea added to a project."""

    project: Project
    scene: Scene
    project_created: bool


@dataclass(frozen=True)
class _Placement:
    """The project an upload goes into and its scene (None: a new scene)."""

    project: Project
    scene: Scene | None
    created: bool


def _original_name(name: str | None) -> str | None:
    return safe_file_name(name, ORIGINAL_NAME_LIMIT) or None


class Material:
    """Ideas, photos and songs going into the active project (started when there is none)."""

    def __init__(
        self,
        starter: Projects,
        projects: ProjectStore,
        scenes: SceneStore,
        references: ReferenceStore,
        assets: AssetStore,
        conversation: ConversationStore,
        media: MediaStore,
        inspector: MediaInspector,
        limits: Limits,
        edits: Edits,
        footage: FootageReader | None = None,
        credits: Credits | None = None,
    ) -> None:
        self.credits = credits
        self.footage = footage
        self.edits = edits
        self.starter = starter
        self.projects = projects
        self.scenes = scenes
        self.references = references
        self.assets = assets
        self.conversation = conversation
        self.media = media
        self.inspector = inspector
        self.limits = limits

    def _check_room(self, user_id: int, project: Project) -> None:
        if self.scenes.count_scenes(user_id, project.id) >= self.limits.max_scenes:
            raise InputRejected("error.too_many_scenes", limit=self.limits.max_scenes)

    def _check_idea(self, idea: str) -> str:
        return checked_text(idea, self.limits.max_idea_chars, "error.idea_too_long")

    def _caption_idea(self, caption: str | None) -> tuple[str | None, str | None]:
        """An upload's caption as its scene idea (None: no idea) and the credit it gives."""
        said = read_caption(caption)
        return (self._check_idea(said.idea) if said.idea.strip() else None), said.credit

    def _attribute(
        self,
        user_id: int,
        project: Project,
        sha: str,
        role: CreditRole,
        arrival: Arrival | None,
        credit: str | None,
    ) -> None:
        if self.credits is not None and arrival is not None:
            self.credits.attribute(user_id, project, sha, role, arrival, credit)

    def _new_scene(self, user_id: int, project: Project, idea: str) -> Scene:
        position = self.scenes.count_scenes(user_id, project.id) + 1
        return self.scenes.add_scene(
            user_id,
            project.id,
            idea,
            idea,
            default_motion(position),
            default_transition(position),
        )

    def add_idea(self, user_id: int, text: str, default_title: str) -> IdeaAdded:
        """Append a scene idea to the active project (starting one if there is none).

        A last scene that began with an uncaptioned photo has no idea yet: the text is its idea.
        """
        idea = self._check_idea(text)
        project, created = self.starter.active_or_new(user_id, default_title)
        scenes = self.scenes.scenes(user_id, project.id)
        edit: Edit = (
            SetIdea(FromEnd(1), idea)
            if scenes and not scenes[-1].idea.strip()
            else AddScenes((idea,))
        )
        outcome = self.edits.apply(user_id, project.id, [edit], source="idea")
        scene_id = outcome.after.scenes[-1].id
        scene = self.scenes.get_scene(user_id, scene_id) if scene_id is not None else None
        assert scene is not None
        self.conversation.log_message(project.id, "user", idea)
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
        arrival: Arrival | None = None,
    ) -> PhotoAdded:
        """Check and store a reference photo; with a caption it starts a scene of its own.

        With `scene_id` (a reply to a scene's preview) the photo joins that scene. A credit
        in the caption ("© Name") is the photo's credit, not part of the idea.
        """
        idea, credit = self._caption_idea(caption)
        normalised = self.media.scratch_path(".jpg")
        try:
            facts = await self.inspector.normalise_photo(source, normalised)
            sha = self.media.put_file(normalised, "jpg")
        finally:
            source.unlink(missing_ok=True)
            normalised.unlink(missing_ok=True)
        self.assets.save_asset(
            Asset(
                sha=sha,
                kind=AssetKind.PHOTO,
                ext="jpg",
                size=self.media.path_for(sha, "jpg").stat().st_size,
                width=facts.width,
                height=facts.height,
                original_name=_original_name(original_name),
            )
        )
        placed = self._place(user_id, idea, scene_id, default_title)
        if placed.scene is None:
            self._check_room(user_id, placed.project)
            scene = self._new_scene(user_id, placed.project, idea or "")
        else:
            scene = placed.scene
        self.references.add_scene_reference(user_id, scene.id, sha)
        self._attribute(user_id, placed.project, sha, CreditRole.PHOTO, arrival, credit)
        return PhotoAdded(placed.project, scene, placed.scene is None, placed.created)

    def _place(
        self, user_id: int, idea: str | None, scene_id: int | None, default_title: str
    ) -> _Placement:
        """Where a photo or clip goes: the scene replied to, else the last scene when it has
        no caption, else (scene None) a new scene with the caption as its idea."""
        target = self.scenes.get_scene(user_id, scene_id) if scene_id is not None else None
        if target is not None:
            project = owned_project(self.projects, user_id, target.project_id)
            return _Placement(project, target, False)
        project, created = self.starter.active_or_new(user_id, default_title)
        scenes = self.scenes.scenes(user_id, project.id)
        if idea is None and scenes:
            return _Placement(project, scenes[-1], created)
        return _Placement(project, None, created)

    async def add_footage(
        self,
        user_id: int,
        source: Path,
        extension: str,
        caption: str | None,
        original_name: str | None,
        default_title: str,
        scene_id: int | None = None,
        arrival: Arrival | None = None,
    ) -> FootageAdded | SongFromVideo:
        """Check and store a clip of the director's; it becomes a scene's footage.

        It goes where a photo would (a caption starts a scene, a reply joins the scene
        replied to, else the last scene); a scene shows one clip, so a clip for a scene
        that already shows one starts a new scene right after it, with the same idea.
        A file with sound and no picture becomes the song instead.
        """
        if self.footage is None:
            source.unlink(missing_ok=True)
            raise InputRejected("error.unsupported_file")
        idea, credit = self._caption_idea(caption)
        try:
            facts = await self.footage.inspect_footage(source)
        except InputRejected as rejected:
            if rejected.key != NO_VIDEO:
                source.unlink(missing_ok=True)
                raise
            return await self._song_instead(user_id, source, original_name, default_title, arrival)
        try:
            size = source.stat().st_size
            sha = await asyncio.to_thread(self.media.put_file, source, extension)
        finally:
            source.unlink(missing_ok=True)
        known = self.assets.get_asset(sha)
        if known is not None and known.kind is AssetKind.FOOTAGE and known.liveliness:
            liveliness = known.liveliness  # the same clip again: scored once
        else:
            clip = self.media.path_for(sha, extension)
            liveliness = await self.footage.liveliness(clip, LIVELINESS_STEP)
        self.assets.save_asset(
            Asset(
                sha=sha,
                kind=AssetKind.FOOTAGE,
                ext=extension,
                size=size,
                width=facts.width,
                height=facts.height,
                duration=facts.duration,
                original_name=_original_name(original_name),
                rotation=facts.rotation,
                fps=facts.fps,
                hdr=facts.hdr,
                liveliness=liveliness,
            )
        )
        placed = self._place(user_id, idea, scene_id, default_title)
        edits: list[Edit]
        after_full: int | None = None
        if placed.scene is None:
            edits = [AddFootageScene(sha, idea or "")]
        elif placed.scene.footage_sha is None:
            edits = [AttachFootage(Numbered((placed.scene.position,)), sha)]
        else:
            after_full = placed.scene.position
            place = Beside(Numbered((after_full,)), after=True)
            edits = [AddFootageScene(sha, placed.scene.idea, place)]
        outcome = self.edits.apply(user_id, placed.project.id, edits, source="footage")
        number = next(
            n for change in outcome.changes if change.key == "footage" for n in change.numbers
        )
        stored = outcome.after.scenes[number - 1]
        assert stored.id is not None
        scene = self.scenes.get_scene(user_id, stored.id)
        assert scene is not None
        self._attribute(user_id, placed.project, sha, CreditRole.FOOTAGE, arrival, credit)
        logger.info("Footage %s (%.1f s) went to scene %s", sha[:12], facts.duration, scene.id)
        return FootageAdded(
            placed.project,
            scene,
            placed.scene is None or after_full is not None,
            placed.created,
            after_full,
        )

    async def set_song(
        self,
        user_id: int,
        source: Path,
        extension: str,
        original_name: str | None,
        default_title: str,
        sender: Sender | None = None,
        told: SongTags | None = None,
    ) -> tuple[Project, Asset]:
        """Check and store the project's song (replacing any earlier one), credited from its
        own tags, else from what Telegram `told` of it (an audio's performer and title)."""
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
            original_name=_original_name(original_name),
        )
        self.assets.save_asset(asset)
        if facts.tempo_bpm is not None and facts.beats:
            analysis = SongAnalysis(
                facts.tempo_bpm, facts.beats, facts.duration, facts.downbeat, facts.sections
            )
            self.assets.save_song_analysis(sha, analysis)
        project, _ = self.starter.active_or_new(user_id, default_title)
        self.projects.set_song(user_id, project.id, sha)
        if self.credits is not None and sender is not None:
            tags = SongTags(facts.artist, facts.title)
            if not (facts.artist or facts.title) and told is not None:
                tags = told
            self.credits.credit_song(user_id, project, sha, tags, sender)
        return project, asset

    async def _song_instead(
        self,
        user_id: int,
        source: Path,
        original_name: str | None,
        default_title: str,
        arrival: Arrival | None,
    ) -> SongFromVideo:
        """A video file with sound but no picture (a song saved as .mp4) is taken as the song."""
        try:
            await self.inspector.inspect_song(source)
        except InputRejected:
            source.unlink(missing_ok=True)
            raise InputRejected(NO_VIDEO) from None
        project, song = await self.set_song(
            user_id,
            source,
            SONG_IN_VIDEO_EXTENSION,
            original_name,
            default_title,
            arrival.sender if arrival is not None else None,
        )
        return SongFromVideo(project, song)

    def scene_count(self, user_id: int, project_id: int) -> int:
        """How many scenes one of the user's projects has."""
        return self.scenes.count_scenes(user_id, project_id)
