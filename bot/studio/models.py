"""Plain, immutable records the studio works with."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from bot.studio.sections import SongSection
from bot.studio.timeline import CaptionsMode, FootageSound, Motion, Transition


class AssetKind(StrEnum):
    """What a stored media file is."""

    PHOTO = "photo"
    SONG = "song"
    PICTURE = "picture"
    VIDEO = "video"  # a rendered music video
    CLIP = "clip"  # a generated clip of a scene's still
    FOOTAGE = "footage"  # the director's own video clip
    RESTYLED = "restyled"  # footage redrawn in the project's style (video-to-video)
    THUMBNAIL = "thumbnail"


class JobState(StrEnum):
    """Lifecycle of a durable job."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


UNFINISHED_STATES = (JobState.QUEUED, JobState.RUNNING)


@dataclass(frozen=True)
class MediaRef:
    """A file of the media store: its content hash and extension (never read from a path)."""

    sha: str
    ext: str


@dataclass(frozen=True)
class User:
    """A Telegram user of the bot."""

    id: int
    first_name: str
    language: str
    active_project_id: int | None


class ProjectSwitch(StrEnum):
    """An on/off option of a project."""

    CLIPS = "clips"
    PREVIEWS = "previews"
    RESTYLE = "restyle"
    CLIP_SOUND = "clip_sound"  # on: footage keeps its own sound, the song ducked beneath it
    CREDITS = "credits"  # on: the video ends with a credits card


@dataclass(frozen=True)
class Project:
    """A music video in the making."""

    id: int
    owner_id: int
    title: str
    aspect: str
    style: str
    song_sha: str | None
    created_at: str
    clips_enabled: bool = False
    previews_enabled: bool = False
    restyle_enabled: bool = False
    footage_sound: FootageSound = FootageSound.DROP
    captions: CaptionsMode = CaptionsMode.IDEAS
    # None: not chosen yet (the first credit that is not the director's turns it on).
    credits_card: bool | None = None
    # The member who started the project: they decide (with the chat's admins) and they pay.
    # `owner_id` is the owning chat's id; in a private chat (a group of one) both are the user.
    director_id: int = 0

    def __post_init__(self) -> None:
        if not self.director_id:
            object.__setattr__(self, "director_id", self.owner_id)

    def is_on(self, switch: ProjectSwitch) -> bool:
        """Whether one of the project's on/off options is on."""
        if switch is ProjectSwitch.CREDITS:
            return self.credits_card is True
        if switch is ProjectSwitch.RESTYLE:
            return self.restyle_enabled
        if switch is ProjectSwitch.CLIP_SOUND:
            return self.footage_sound is FootageSound.DUCK
        return self.clips_enabled if switch is ProjectSwitch.CLIPS else self.previews_enabled


@dataclass(frozen=True)
class Scene:
    """One scene of a project, in storyboard order."""

    id: int
    project_id: int
    position: int
    idea: str
    caption: str
    motion: Motion
    transition: Transition
    duration: float | None
    picture_sha: str | None
    picture_key: str | None
    variant: int = 0
    fit: str = "cover"
    clip_sha: str | None = None
    clip_key: str | None = None
    image_prompt: str = ""
    accepted: bool = False
    footage_sha: str | None = None  # the director's own clip the scene shows
    footage_start: float | None = None  # where its stretch begins; None: the liveliest one
    section_pin: str | None = None  # SectionPin.to_text(): the section the scene starts

    @property
    def has_footage(self) -> bool:
        """Whether the scene shows the director's own clip (it never gets a paid picture)."""
        return self.footage_sha is not None


@dataclass(frozen=True)
class Asset:
    """A media file stored once by its SHA-256."""

    sha: str
    kind: AssetKind
    ext: str
    size: int
    width: int | None = None
    height: int | None = None
    duration: float | None = None
    original_name: str | None = None
    tempo_bpm: float | None = None
    beats: tuple[float, ...] = ()
    rotation: int | None = None  # footage: the clockwise turn its metadata asks for
    fps: float | None = None  # footage: average frames a second
    hdr: bool = False  # footage: HDR (tone-mapped to SDR when rendered)
    liveliness: tuple[float, ...] = ()  # footage: how lively each LIVELINESS_STEP is
    downbeat: int = 0
    sections: tuple[SongSection, ...] = ()

    @property
    def ref(self) -> MediaRef:
        """Where the asset's file is in the media store."""
        return MediaRef(self.sha, self.ext)


@dataclass(frozen=True)
class Job:
    """A durable piece of long work (a render) and where it stands."""

    id: int
    project_id: int
    owner_id: int
    chat_id: int
    kind: str
    state: JobState
    progress: float
    step: str
    attempts: int
    error: str | None
    progress_message_id: int | None
    result_sha: str | None
    language: str
    thumbnail_sha: str | None = None
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ProjectSummary:
    """What a project holds, for `/status`."""

    project: Project
    scene_count: int
    photo_count: int
    song: Asset | None
    last_job: Job | None
    spent_usd: float = 0.0
    scene_ideas: tuple[str, ...] = ()  # in storyboard order (the caption where one is set)


@dataclass(frozen=True)
class MessageLink:
    """A chat message that stands for something: a reply or a tap on it acts on `target_id`."""

    chat_id: int
    message_id: int
    kind: str
    target_id: int


class CreditRole(StrEnum):
    """What a credited piece of work is in the video."""

    PHOTO = "photo"  # a reference photo (of a scene or of the whole project's style)
    FOOTAGE = "footage"  # a clip of the crew's own
    MUSIC = "music"  # the song
    DIRECTOR = "director"  # the project's director (one per project)


class CreditSource(StrEnum):
    """Where a credit's name came from."""

    CAPTION = "caption"  # "© Name" in the upload's caption (or its album's)
    FORWARD = "forward"  # the forwarded message's origin
    SENDER = "sender"  # nothing said: whoever sent it
    TAGS = "tags"  # the song file's own title/artist tags
    AUDIO = "audio"  # Telegram's performer/title of an audio message


@dataclass(frozen=True)
class Sender:
    """Who sent an upload (from Telegram's `from_user`)."""

    user_id: int
    name: str
    username: str | None = None


@dataclass(frozen=True)
class Credit:
    """Whose work one attachment of a project is: who sent it and the name it is credited to.

    Credits are kept per project and file (the same photo can be credited differently in two
    projects); `corrected` is the director's own word for the name, which wins.
    """

    id: int
    project_id: int
    sha: str
    role: CreditRole
    name: str
    source: CreditSource
    sender: Sender | None = None
    album: str | None = None
    corrected: str | None = None

    @property
    def shown_name(self) -> str:
        """The name the credits show."""
        return self.corrected if self.corrected is not None else self.name
