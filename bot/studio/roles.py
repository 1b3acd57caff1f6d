"""Storage roles: the few methods each use case needs from durable data, as small protocols.

Every query is scoped to the owner of the data: the owning chat's id (a private chat's id is
its user's id, so a private chat is a group of one) (storage implements each role in a module of
its own: storage/users.py, projects.py, scenes.py, references.py, assets.py, jobs.py,
links.py, spend.py, conversation.py, totals.py); a use case names the roles it uses in its
constructor.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from bot.studio.beats import SongAnalysis
from bot.studio.changes import JobChanges, ProjectChanges, SceneChanges
from bot.studio.lyrics import LyricsKind
from bot.studio.lyrics_timing import SongTranscript
from bot.studio.models import (
    Asset,
    Credit,
    CreditRole,
    CreditSource,
    Job,
    MediaRef,
    MessageLink,
    Project,
    Scene,
    Sender,
    User,
)
from bot.studio.ports import Usage
from bot.studio.restyle_keys import RestyleKey
from bot.studio.timeline import Motion, Transition


@dataclass(frozen=True)
class StoreTotals:
    """Counts and spend across every user, for the admin's load report."""

    users: int
    projects: int
    scenes: int
    recent_jobs: tuple[tuple[str, int], ...]
    spend_usd: float
    recent_spend_usd: float
    top_spenders: tuple[tuple[int, str, float], ...]


class UserStore(Protocol):
    """The bot's users, their language and active project."""

    def get_user(self, user_id: int) -> User | None: ...
    def ensure_user(self, user_id: int, first_name: str, language: str) -> User: ...
    def set_language(self, user_id: int, language: str) -> None: ...
    def set_active_project(self, user_id: int, project_id: int) -> None: ...


class ProjectStore(Protocol):
    """A user's projects and their options."""

    def create_project(
        self,
        owner_id: int,
        title: str,
        aspect: str,
        style: str,
        director_id: int | None = None,
    ) -> Project: ...
    def get_project(self, owner_id: int, project_id: int) -> Project | None: ...
    def project_owner(self, project_id: int) -> int | None: ...
    def scene_owner(self, scene_id: int) -> int | None: ...
    def active_project(self, owner_id: int) -> Project | None: ...
    def list_projects(self, owner_id: int) -> list[Project]: ...
    def set_song(self, owner_id: int, project_id: int, sha: str) -> None: ...
    def update_project(
        self, owner_id: int, project_id: int, changes: ProjectChanges
    ) -> Project | None: ...
    def delete_project(self, owner_id: int, project_id: int) -> bool: ...


class RestyleStore(Protocol):
    """Restyled footage the owner paid for, by the key of what shaped it."""

    def restyled(self, owner_id: int, key: RestyleKey) -> str | None: ...
    def keep_restyle(self, owner_id: int, key: RestyleKey, sha: str) -> None: ...


class SceneStore(Protocol):
    """A project's scenes in storyboard order."""

    def add_scene(
        self,
        owner_id: int,
        project_id: int,
        idea: str,
        caption: str,
        motion: Motion,
        transition: Transition,
    ) -> Scene: ...
    def get_scene(self, owner_id: int, scene_id: int) -> Scene | None: ...
    def scenes(self, owner_id: int, project_id: int) -> list[Scene]: ...
    def count_scenes(self, owner_id: int, project_id: int) -> int: ...
    def set_scene_picture(self, owner_id: int, scene_id: int, sha: str, key: str) -> None: ...
    def update_scene(self, owner_id: int, scene_id: int, changes: SceneChanges) -> Scene | None: ...
    def move_scene(self, owner_id: int, scene_id: int, delta: int) -> bool: ...
    def delete_scene(self, owner_id: int, scene_id: int) -> bool: ...


class ReferenceStore(Protocol):
    """Reference photos of scenes, and style references of whole projects."""

    def add_scene_reference(self, owner_id: int, scene_id: int, sha: str) -> None: ...
    def scene_references(self, owner_id: int, scene_id: int) -> list[Asset]: ...
    def count_references(self, owner_id: int, project_id: int) -> int: ...
    def add_project_reference(self, owner_id: int, project_id: int, sha: str) -> None: ...
    def project_references(self, owner_id: int, project_id: int) -> list[Asset]: ...


class AssetStore(Protocol):
    """What each stored media file is (shared by hash, so not owned by one user)."""

    def save_asset(self, asset: Asset) -> None: ...
    def get_asset(self, sha: str) -> Asset | None: ...
    def save_song_analysis(self, sha: str, analysis: SongAnalysis) -> None: ...


class JobStore(Protocol):
    """Durable jobs and where each stands."""

    def create_job(
        self,
        owner_id: int,
        project_id: int,
        chat_id: int,
        kind: str,
        language: str,
        options: dict[str, Any] | None = None,
    ) -> Job: ...
    def get_job(self, job_id: int) -> Job | None: ...
    def update_job(self, job_id: int, changes: JobChanges) -> None: ...
    def unfinished_job(self, owner_id: int, project_id: int) -> Job | None: ...
    def last_job(self, owner_id: int, project_id: int) -> Job | None: ...
    def last_result(self, owner_id: int, project_id: int, kind: str) -> Job | None: ...
    def unfinished_jobs(self) -> list[Job]: ...


class SpendStore(Protocol):
    """What paid calls cost, per project and per payer (the project's director)."""

    def record_usage(self, owner_id: int, project_id: int, usage: Usage) -> None: ...
    def spend(self, owner_id: int, project_id: int | None = None) -> float: ...
    def payer(self, owner_id: int, project_id: int) -> int: ...


class ChatStore(Protocol):
    """Groups the bot is in: their current forum topic, removal, and upgrades."""

    def enter_chat(self, chat_id: int, kind: str, title: str, thread_id: int) -> None: ...
    def topic_of(self, chat_id: int, project_id: int) -> int | None: ...
    def is_group(self, chat_id: int) -> bool: ...
    def mark_removed(self, chat_id: int) -> None: ...
    def is_removed(self, chat_id: int) -> bool: ...
    def move_chat(self, old_id: int, new_id: int) -> int: ...


class LinkStore(Protocol):
    """Chat messages that stand for a scene or a pending question."""

    def link_message(
        self, owner_id: int, chat_id: int, message_id: int, kind: str, target_id: int
    ) -> None: ...
    def linked(self, owner_id: int, chat_id: int, message_id: int) -> MessageLink | None: ...
    def links_to(self, owner_id: int, kind: str, target_id: int) -> list[MessageLink]: ...
    def latest_link(
        self, owner_id: int, chat_id: int, kind: str, since: str
    ) -> MessageLink | None: ...
    def unlink(self, owner_id: int, kind: str, target_id: int) -> None: ...


class CreditStore(Protocol):
    """Whose work each attachment of a project is (storage/credits.py)."""

    def record_credit(
        self,
        owner_id: int,
        project_id: int,
        sha: str,
        role: CreditRole,
        name: str,
        source: CreditSource,
        sender: Sender | None = None,
        album: str | None = None,
    ) -> None: ...
    def credits(self, owner_id: int, project_id: int) -> list[Credit]: ...
    def album_credit(self, owner_id: int, project_id: int, album: str) -> str | None: ...
    def credit_album(self, owner_id: int, project_id: int, album: str, name: str) -> None: ...
    def credit_project(self, owner_id: int, credit_id: int) -> int | None: ...


class ConversationStore(Protocol):
    """What the director said in a project, for the planner."""

    def log_message(self, project_id: int, role: str, text: str) -> None: ...
    def conversation(self, owner_id: int, project_id: int, limit: int = 200) -> list[str]: ...


class TotalsStore(Protocol):
    """Counts and spend across every user (the admin's report only)."""

    def totals(self, since: str, top: int = 5) -> StoreTotals: ...


class MediaStore(Protocol):
    """Content-addressed media files (storage.media_files.MediaFiles)."""

    def path_for(self, sha: str, ext: str) -> Path: ...
    def path_of(self, ref: MediaRef) -> Path: ...
    def put_file(self, source: Path, ext: str) -> str: ...
    def put_bytes(self, data: bytes, ext: str) -> str: ...
    def scratch_path(self, suffix: str) -> Path: ...


class LyricsStore(Protocol):
    """Each song's transcript (by hash: paid once, shared) and each project's own lyric text."""

    def song_transcript(self, song_sha: str) -> SongTranscript | None: ...
    def save_song_transcript(
        self, song_sha: str, model: str, transcript: SongTranscript
    ) -> None: ...
    def project_lyrics(self, owner_id: int, project_id: int) -> tuple[LyricsKind, str] | None: ...
    def set_project_lyrics(
        self, owner_id: int, project_id: int, kind: LyricsKind, text: str
    ) -> None: ...
