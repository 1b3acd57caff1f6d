"""The timeline: what the renderer draws, second by second (pure data and pure functions)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Motion(StrEnum):
    """Ken Burns move applied to a still."""

    ZOOM_IN = "zoom_in"
    ZOOM_OUT = "zoom_out"
    PAN_LEFT = "pan_left"
    PAN_RIGHT = "pan_right"
    PAN_UP = "pan_up"
    PAN_DOWN = "pan_down"
    STILL = "still"


class Fit(StrEnum):
    """How a still fills the frame."""

    COVER = "cover"  # fill the frame, cropping around the interesting part
    CONTAIN = "contain"  # the whole photo over a blurred, darkened cover of itself


class FootageSound(StrEnum):
    """What becomes of a footage clip's own sound under the song."""

    DROP = "drop"  # only the song is heard
    DUCK = "duck"  # the clip's sound is mixed in, the song ducked beneath it


class CaptionsMode(StrEnum):
    """What the video shows as text: the scene ideas, the song's lyrics, both, or nothing."""

    IDEAS = "ideas"
    LYRICS = "lyrics"
    BOTH = "both"  # lyrics low, the scene's idea as a title high
    NONE = "none"


@dataclass(frozen=True)
class LyricWord:
    """One sung word and when it is sung (seconds from the start of the video)."""

    text: str
    start: float
    end: float


@dataclass(frozen=True)
class LyricLine:
    """One lyric line on screen from `start` to `end`; its words carry their own times."""

    text: str
    start: float
    end: float
    words: tuple[LyricWord, ...] = ()


class Transition(StrEnum):
    """How a shot begins, relative to the shot before it."""

    CROSSFADE = "crossfade"
    FADE_BLACK = "fade_black"
    CUT = "cut"


@dataclass(frozen=True)
class Shot:
    """One scene on the timeline: a still (or clip) shown from `start` for `duration` seconds.

    Shots tile the timeline without gaps or overlaps; the cut between shot i and i+1 is at
    `shots[i+1].start`. A transition is centred on that cut and lasts `transition_seconds`.
    `focus` is the point (x, y as fractions of the picture) that a cover crop keeps in view;
    None lets the renderer find it (faces, else the most detailed region).
    `clip_path` is a video shown instead of the still (a generated clip or the director's own
    footage); its stretch begins `clip_start` seconds into the file. `image_path` stays the
    still a clip falls back to when it cannot be decoded.
    """

    image_path: str
    start: float
    duration: float
    caption: str = ""
    motion: Motion = Motion.ZOOM_IN
    transition_in: Transition = Transition.CROSSFADE
    transition_seconds: float = 0.6
    clip_path: str | None = None
    clip_start: float = 0.0
    fit: Fit = Fit.COVER
    focus: tuple[float, float] | None = None

    @property
    def end(self) -> float:
        """Time the shot ends, in seconds from the start of the video."""
        return self.start + self.duration


@dataclass(frozen=True)
class Timeline:
    """Everything the renderer needs, as plain values that cross a process boundary."""

    width: int
    height: int
    fps: int
    shots: tuple[Shot, ...]
    title: str = ""
    audio_path: str | None = None
    audio_offset: float = 0.0
    fade_in_seconds: float = 0.5
    fade_out_seconds: float = 2.0
    font_path: str | None = None
    footage_sound: FootageSound = FootageSound.DROP
    # Lyric lines in time order, never overlapping; drawn low when captions show lyrics, and
    # then the shots' captions (if any) are drawn high as titles.
    lyrics: tuple[LyricLine, ...] = ()
    captions: CaptionsMode = CaptionsMode.IDEAS

    @property
    def duration(self) -> float:
        """Length of the whole video in seconds."""
        return self.shots[-1].end if self.shots else 0.0
