"""Ports: what the studio needs from the outside world, as small protocols."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

from bot.studio.changes import JobChanges
from bot.studio.lyrics_timing import SongTranscript
from bot.studio.models import AssetKind, Job, MediaRef, Project, Scene
from bot.studio.sections import SongSection
from bot.studio.styles import StylePreset
from bot.studio.timeline import Motion, Timeline, Transition
from bot.usage import FREE as FREE
from bot.usage import Usage as Usage

ProgressCallback = Callable[[float], Awaitable[None]]
# Tells the director something about their running render, by catalog key (the farm is down...).
NoticeCallback = Callable[[str], Awaitable[None]]


@dataclass(frozen=True)
class PlanRequest:
    """What the planner knows about a project."""

    title: str
    ideas: tuple[str, ...]
    style: StylePreset
    song_seconds: float | None
    language: str
    aspect: str = "9:16"
    tempo_bpm: float | None = None
    sections: tuple[SongSection, ...] = ()
    conversation: tuple[str, ...] = ()
    reference_notes: tuple[str, ...] = ()
    # Scenes wanted in all (see timing.suggested_scene_count): every idea once, the planner's
    # own scenes between them; None or no more than the ideas: one scene per idea.
    target_scenes: int | None = None
    lyrics: tuple[str, ...] = ()  # the song's timed lines, "m:ss text", when known


@dataclass(frozen=True)
class PlannedScene:
    """One scene of a storyboard."""

    idea: str
    caption: str
    motion: Motion
    transition: Transition
    seconds: float | None = None
    image_prompt: str = ""
    # The director's idea it realises (1 is the first of PlanRequest.ideas); None: a scene the
    # planner added, whose `idea` is the new scene's idea.
    idea_number: int | None = None


@dataclass(frozen=True)
class Plan:
    """A storyboard and what making it cost."""

    scenes: list[PlannedScene]
    usage: Usage = FREE


@dataclass(frozen=True)
class PictureRequest:
    """Everything that shapes a scene's picture; its hash decides whether to make it again."""

    idea: str
    caption: str
    style: StylePreset
    references: tuple[Path, ...]
    width: int
    height: int
    image_prompt: str = ""
    style_references: tuple[Path, ...] = ()
    variant: int = 0


@dataclass(frozen=True)
class ClipRequest:
    """A still to bring to life as a short clip."""

    image: Path
    prompt: str
    seconds: float
    aspect: str


@dataclass(frozen=True)
class RestyleRequest:
    """A stretch of the director's own footage to redraw in the project's style."""

    footage: Path
    start: float
    seconds: float
    prompt: str
    aspect: str


@dataclass(frozen=True)
class Transcript:
    """What a voice note said."""

    text: str
    usage: Usage = FREE


@dataclass(frozen=True)
class ImageFacts:
    """A checked, normalised photo ready to store."""

    path: Path
    width: int
    height: int


@dataclass(frozen=True)
class AudioFacts:
    """A checked song, with its tempo, beats, downbeat and sections when they could be found."""

    duration: float
    tempo_bpm: float | None = None
    beats: tuple[float, ...] = ()
    downbeat: int = 0
    sections: tuple[SongSection, ...] = ()
    title: str | None = None  # the file's own tags, when it has them
    artist: str | None = None


@dataclass(frozen=True)
class FootageFacts:
    """A checked video clip of the director's, as it shows (rotation applied to the size)."""

    width: int
    height: int
    duration: float
    fps: float
    rotation: int = 0
    hdr: bool = False


@dataclass(frozen=True)
class VideoFile:
    """A video the renderer wrote (not stored yet) and what Telegram needs to show it."""

    path: Path
    thumbnail_path: Path
    duration: float
    width: int
    height: int
    size_bytes: int
    fallback_shots: tuple[int, ...] = ()  # shots whose clip did not decode: shown as a still


@dataclass(frozen=True)
class RenderedVideo:
    """A render job's result: the stored video and its thumbnail."""

    video: MediaRef
    thumbnail: MediaRef
    path: Path
    thumbnail_path: Path
    duration: float
    width: int
    height: int
    size_bytes: int
    kind: Literal["video"] = "video"

    def kept(self) -> JobChanges:
        """What the job's row keeps, so a restart can deliver the video without rendering."""
        return JobChanges(result_sha=self.video.sha, thumbnail_sha=self.thumbnail.sha)


class Planner(Protocol):
    """Turns a project's ideas into a storyboard."""

    name: str

    async def plan(self, request: PlanRequest) -> Plan:
        """Every idea once, in order, with the planner's own scenes between (up to target)."""
        ...


class ImageMaker(Protocol):
    """Makes a scene's still picture."""

    name: str

    async def make_picture(self, request: PictureRequest, output: Path) -> Usage:
        """Write a JPEG picture for the scene to `output`."""
        ...

    def estimate_cost(self, request: PictureRequest) -> float:
        """US$ a picture is expected to cost before it is made."""
        ...


class ClipMaker(Protocol):
    """Turns a still into a short video clip."""

    name: str

    async def make_clip(self, request: ClipRequest, output: Path) -> Usage:
        """Write an MP4 clip to `output`."""
        ...

    def estimate_cost(self, request: ClipRequest) -> float:
        """US$ a clip is expected to cost before it is made."""
        ...


class FootageRestyler(Protocol):
    """Redraws a stretch of footage in a style, keeping its motion (video-to-video)."""

    name: str
    min_seconds: float
    max_seconds: float

    def prompt(self, style: StylePreset) -> str:
        """The text the model gets for a project of this style (part of the result's key)."""
        ...

    def estimate_cost(self, seconds: float) -> float:
        """US$ restyling `seconds` of footage is expected to cost."""
        ...

    async def restyle(self, request: RestyleRequest, output: Path) -> Usage:
        """Write the restyled stretch as an MP4 to `output`."""
        ...


class CreditsCardMaker(Protocol):
    """Draws the closing credits card: headings with the names beneath them."""

    async def make_credits_card(
        self,
        sections: Sequence[tuple[str, Sequence[str]]],
        style: StylePreset,
        width: int,
        height: int,
        output: Path,
    ) -> None:
        """Draw the card into `output` (a JPEG)."""
        ...


class Transcriber(Protocol):
    """Turns a voice note into text."""

    async def transcribe(self, audio: Path, language: str) -> Transcript:
        """Return what the voice note says."""
        ...


class MediaInspector(Protocol):
    """Checks uploads before they enter a project."""

    async def normalise_photo(self, source: Path, output: Path) -> ImageFacts:
        """Validate an image file and write a normalised JPEG; raise InputRejected if bad."""
        ...

    async def inspect_song(self, source: Path) -> AudioFacts:
        """Validate an audio file; raise InputRejected if it is not usable audio."""
        ...


class FootageReader(Protocol):
    """Checks the director's video clips and reads frames and liveliness out of them.

    Every method does its decoding off the event loop.
    """

    async def inspect_footage(self, source: Path) -> FootageFacts:
        """Validate a clip; raise InputRejected (its key names the problem) if it is unusable."""
        ...

    async def liveliness(self, source: Path, step: float) -> tuple[float, ...]:
        """How lively (motion and sharpness) each `step` seconds of the clip are."""
        ...

    async def still_at(self, source: Path, seconds: float, output: Path) -> None:
        """Write the (upright) frame `seconds` into the clip as a JPEG; raise ProviderError
        (its key tells the director) when the clip no longer decodes."""
        ...


class Renderer(Protocol):
    """Turns a timeline into a video file, off the event loop."""

    async def render(
        self,
        timeline: Timeline,
        output: Path,
        on_progress: ProgressCallback,
        cancel: asyncio.Event,
        *,
        on_notice: NoticeCallback | None = None,
    ) -> VideoFile:
        """Render and return the video's facts; raise JobCancelled once `cancel` is set.

        `on_notice` hears what the director should know while it waits (by catalog key).
        """
        ...


@dataclass(frozen=True)
class ScenePreview:
    """A scene's picture as the storyboard shows it."""

    scene: Scene
    path: Path
    stand_in: bool = False
    changed: bool = True


@dataclass(frozen=True)
class StoryboardReady:
    """A storyboard whose pictures are made, ready to show."""

    previews: tuple[ScenePreview, ...]
    refresh_only: bool = False
    kind: Literal["storyboard"] = "storyboard"

    def kept(self) -> JobChanges:
        """Storyboards keep nothing on the job's row (their pictures are on the scenes)."""
        return JobChanges()


# A job's result says what it is by its `kind`: the reporter dispatches on it.
JobResult = RenderedVideo | StoryboardReady


@dataclass(frozen=True)
class SceneReady:
    """A scene's picture or clip, made just now, for a user who wants to see each at once."""

    scene: Scene
    path: Path
    kind: AssetKind = AssetKind.PICTURE


StepCallback = Callable[[float, str], Awaitable[None]]
FailureCallback = Callable[[int, str], Awaitable[None]]
SceneReadyCallback = Callable[[SceneReady], Awaitable[None]]


@dataclass(frozen=True)
class JobEvents:
    """What long work reports while it runs; the job runner passes each on to the chat."""

    step: StepCallback
    scene_failed: FailureCallback
    scene_ready: SceneReadyCallback


class JobWork(Protocol):
    """One kind of long work the job runner can do (render, storyboard...).

    `pooled` work holds one of the runner's few workers (one per user at a time); other work
    starts at once.
    """

    @property
    def pooled(self) -> bool:
        """Whether the work waits for one of the runner's bounded workers."""
        ...

    def recover(self, job: Job) -> JobResult | None:
        """A result an earlier run made but did not deliver, if it is still at hand."""
        ...

    async def run(self, job: Job, events: JobEvents, cancelled: asyncio.Event) -> JobResult:
        """Do the job, reporting through `events`; stop when `cancelled` is set."""
        ...


class JobReporter(Protocol):
    """Tells the user how their job is going (the chat layer implements it).

    Sends raise DeliveryFailed when the message could not be handed over (RecipientGone when
    the user blocked the bot), so the runner can retry, or stop quietly.
    """

    async def queued(self, job: Job, position: int) -> None:
        """Tell the user their job waits for a worker, and its place in line."""
        ...

    async def started(self, job: Job, project: Project, resumed: bool) -> int | None:
        """Announce the job; return the id of the progress message, if one was sent."""
        ...

    async def progress(self, job: Job, fraction: float, step: str) -> None:
        """Update the progress message."""
        ...

    async def finished(self, job: Job, project: Project, result: JobResult, resumed: bool) -> None:
        """Deliver the result."""
        ...

    async def failed(self, job: Job, error_key: str, **params: object) -> None:
        """Say, once, why the job failed for good."""
        ...

    async def notice(self, job: Job, key: str, **params: object) -> None:
        """Tell the user something went wrong with one part while the job goes on."""
        ...

    async def scene_ready(self, job: Job, ready: SceneReady) -> None:
        """Show a scene's new picture or clip as soon as it is made."""
        ...

    async def cancelled(self, job: Job) -> None:
        """Confirm that the job stopped."""
        ...


@dataclass(frozen=True)
class SongTranscription:
    """What a song's vocals said, with word and segment times, and what hearing it cost."""

    transcript: SongTranscript
    usage: Usage = FREE


class SongTranscriber(Protocol):
    """Hears a song's lyrics with their times (a paid call: estimate first)."""

    model: str

    def estimate_cost(self, seconds: float) -> float:
        """US$ for transcribing `seconds` of song."""
        ...

    async def transcribe_song(self, song: Path, seconds: float | None) -> SongTranscription:
        """The song's words and lines with times; raise ProviderError when it fails."""
        ...


class VocalOnsets(Protocol):
    """Finds where the singing starts in a song."""

    async def first_vocal_onset(self, song: Path) -> float:
        """Seconds from the start of the song to its first vocal-like onset."""
        ...
