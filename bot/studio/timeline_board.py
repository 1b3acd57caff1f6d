"""Use case: a project laid out as the timeline Mini App shows it, and the files it shows.

The lengths are the ones the video will have (the render's own `cut_durations`, and the
closing credits card's share of the song when the video ends with one), so what the director
sees on the timeline is what the render cuts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from bot.errors import InputRejected, ProjectNotFound
from bot.studio.edits import Edit, Numbered, SetLength
from bot.studio.limits import Limits
from bot.studio.models import MediaRef, Project, Scene
from bot.studio.ownership import owned_scene, project_for
from bot.studio.project_state import ProjectState, SceneState
from bot.studio.roles import AssetStore, MediaStore, ProjectStore, ReferenceStore, SceneStore
from bot.studio.sections import SectionPin, SongSection
from bot.studio.timing import cut_durations, share_with_card


@dataclass(frozen=True)
class BoardScene:
    """A scene where the video shows it: from `start` for `seconds`."""

    scene: SceneState
    start: float
    seconds: float
    thumbnail_key: str | None  # changes when the picture does (the page's cache key)


@dataclass(frozen=True)
class BoardSong:
    """What the timeline draws of the song: its length, beats and sections."""

    duration: float
    tempo_bpm: float | None
    beats: tuple[float, ...]
    sections: tuple[SongSection, ...]
    downbeat: int = 0


@dataclass(frozen=True)
class Board:
    """A project's timeline: its scenes end to end over the song."""

    project: Project
    scenes: tuple[BoardScene, ...]
    song: BoardSong | None
    seconds_without_song: float
    closing_seconds: float = 0.0  # the credits card after the last scene (0: none)

    @property
    def scenes_end(self) -> float:
        """Where the last scene ends (and the credits card, if any, begins)."""
        last = self.scenes[-1] if self.scenes else None
        return round(last.start + last.seconds, 6) if last else 0.0

    @property
    def duration(self) -> float:
        """Length of the video, in seconds."""
        return round(self.scenes_end + self.closing_seconds, 6) if self.scenes else 0.0


@dataclass(frozen=True)
class MediaFile:
    """A stored file to serve: where it is and what it is."""

    path: Path
    ext: str


def cut_edits(board: Board, scene_id: int, seconds: float) -> tuple[Edit, ...]:
    """The edits that make a scene `seconds` long on the timeline, as its dragged edge says.

    Without a song a scene's length is its own: the ones after it move along. Over a song the
    video ends with the song, so the edge is the cut between this scene and the next one: the
    two share their time anew and every other cut stays where it is (a roll edit). Wished
    lengths are weights over the song, so the pair keeps the sum of its weights.
    """
    index = next((i for i, laid in enumerate(board.scenes) if laid.scene.id == scene_id), None)
    if index is None:
        raise ProjectNotFound()
    this = Numbered((index + 1,))
    if board.song is None:
        return (SetLength(this, seconds),)
    if index + 1 >= len(board.scenes):
        raise InputRejected("webapp.last_follows_song")
    weights = [
        laid.scene.duration
        if laid.scene.duration and laid.scene.duration > 0
        else board.seconds_without_song
        for laid in board.scenes
    ]
    pair = weights[index] + weights[index + 1]
    pair_seconds = board.scenes[index].seconds + board.scenes[index + 1].seconds
    share = min(max(seconds / pair_seconds, 0.0), 1.0)
    first = round(pair * share, 2)
    return (SetLength(this, first), SetLength(Numbered((index + 2,)), round(pair - first, 2)))


class ProjectStates(Protocol):
    """A project's scenes read whole, with their pictures and photos (one read, not one a scene)."""

    def load_state(self, owner_id: int, project_id: int) -> ProjectState | None: ...


def thumbnail_key(scene: SceneState) -> str | None:
    """What the scene's thumbnail shows: its still, else its first photo (None: neither)."""
    sha = scene.picture_sha or (scene.references[0] if scene.references else None)
    return sha[:16] if sha else None


class TimelineBoard:
    """Reads a user's project as a timeline; finds the pictures and song the timeline shows."""

    def __init__(
        self,
        projects: ProjectStore,
        states: ProjectStates,
        scenes: SceneStore,
        references: ReferenceStore,
        assets: AssetStore,
        media: MediaStore,
        limits: Limits,
        ends_with_credits: Callable[[int, Project], bool] | None = None,
    ) -> None:
        self.ends_with_credits = ends_with_credits  # whether the render adds the credits card
        self.projects = projects
        self.states = states
        self.scenes = scenes
        self.references = references
        self.assets = assets
        self.media = media
        self.limits = limits

    def board(self, owner_id: int, project_id: int | None = None) -> Board:
        """The given (or active) project of the user's, laid out over its song."""
        project = project_for(self.projects, owner_id, project_id)
        state = self.states.load_state(owner_id, project.id)
        if state is None:
            raise ProjectNotFound()
        song = self._song(project)
        with_card = bool(
            state.scenes and self.ends_with_credits and self.ends_with_credits(owner_id, project)
        )
        scenes_seconds, card = share_with_card(
            song.duration if song else None, len(state.scenes), self.limits.fps, with_card
        )
        durations = cut_durations(
            [scene.duration for scene in state.scenes],
            scenes_seconds,
            self.limits.seconds_without_song,
            self.limits.fps,
            song.beats if song else None,
            downbeat=song.downbeat if song and song.beats else None,
            sections=song.sections if song else (),
            pins=[SectionPin.parse(scene.section_pin) for scene in state.scenes],
        )
        laid: list[BoardScene] = []
        start = 0.0
        for scene, seconds in zip(state.scenes, durations, strict=True):
            laid.append(BoardScene(scene, start, seconds, thumbnail_key(scene)))
            start = round(start + seconds, 6)
        return Board(project, tuple(laid), song, self.limits.seconds_without_song, card)

    def thumbnail_source(self, owner_id: int, scene_id: int) -> MediaFile | None:
        """The picture a scene's thumbnail is made from: its still, else its first photo."""
        ref = self._picture(owner_id, owned_scene(self.scenes, owner_id, scene_id))
        return MediaFile(self.media.path_of(ref), ref.ext) if ref else None

    def song_file(self, owner_id: int, project_id: int) -> MediaFile | None:
        """The project's song file, if it has one."""
        project = project_for(self.projects, owner_id, project_id)
        song = self.assets.get_asset(project.song_sha) if project.song_sha else None
        return MediaFile(self.media.path_of(song.ref), song.ext) if song else None

    def _song(self, project: Project) -> BoardSong | None:
        song = self.assets.get_asset(project.song_sha) if project.song_sha else None
        if song is None or not song.duration:
            return None
        return BoardSong(song.duration, song.tempo_bpm, song.beats, song.sections, song.downbeat)

    def _picture(self, owner_id: int, scene: Scene) -> MediaRef | None:
        if scene.picture_sha:
            picture = self.assets.get_asset(scene.picture_sha)
            if picture is not None:
                return picture.ref
        photos = self.references.scene_references(owner_id, scene.id)
        return photos[0].ref if photos else None
