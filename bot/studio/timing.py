"""Pure rules for sizes, scene lengths and default camera work."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from bot.studio.beats import Grid, beat_period, snap_to_beats, transition_seconds
from bot.studio.sections import (
    SectionPin,
    SongSection,
    paced_cuts,
    resolve_pins,
    section_boundaries,
)
from bot.studio.timeline import Fit, FootageSound, Motion, Shot, Timeline, Transition

ASPECTS: dict[str, tuple[int, int]] = {"9:16": (9, 16), "16:9": (16, 9), "1:1": (1, 1)}
MIN_SCENE_SECONDS = 1.0
# A still scene held longer than this drags, however the camera moves over it.
LIVELY_SCENE_SECONDS = 12.0
SUGGESTED_SCENE_SECONDS = 8.0
# With a tempo, a scene lasts a phrase: four bars of four beats (8 s at 120 BPM), kept between
# these lengths so a very fast song (or a doubled tempo reading) does not flicker.
PHRASE_BEATS = 16
QUICKEST_SCENE_SECONDS = 4.0
# The closing credits card: long enough to read a few names, never more than a scene's share.
CREDITS_CARD_SECONDS = 4.0
MOTION_CYCLE = (
    Motion.ZOOM_IN,
    Motion.PAN_RIGHT,
    Motion.ZOOM_OUT,
    Motion.PAN_LEFT,
    Motion.PAN_UP,
    Motion.PAN_DOWN,
)


def output_size(aspect: str, short_side: int) -> tuple[int, int]:
    """Width and height (both even, as H.264 wants) for an aspect ratio name."""
    across, down = ASPECTS[aspect]
    short = short_side - short_side % 2
    if across >= down:
        long_side = round(short * across / down)
        return long_side - long_side % 2, short
    long_side = round(short * down / across)
    return short, long_side - long_side % 2


def clock(seconds: float) -> str:
    """Seconds as m:ss (0:04, 2:00), as a director reads a clip's or a song's time."""
    whole = max(0, round(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


def default_motion(position: int) -> Motion:
    """Camera move for the n-th scene (1-based), varied so cuts feel alive."""
    return MOTION_CYCLE[(position - 1) % len(MOTION_CYCLE)]


def default_transition(position: int) -> Transition:
    """The first scene fades in from black; the rest crossfade."""
    return Transition.FADE_BLACK if position == 1 else Transition.CROSSFADE


@dataclass(frozen=True)
class Pace:
    """How long scenes last on average over a song, and how many would suit it."""

    seconds_per_scene: float
    suggested_scenes: int


def slow_pace(song_seconds: float | None, scene_count: int) -> Pace | None:
    """The pace of the scenes over the song when it is too slow to feel lively, else None."""
    if not song_seconds or scene_count <= 0:
        return None
    each = song_seconds / scene_count
    if each <= LIVELY_SCENE_SECONDS:
        return None
    return Pace(each, max(scene_count + 1, suggested_scene_count(song_seconds)))


def suggested_scene_count(song_seconds: float, tempo_bpm: float | None = None) -> int:
    """How many scenes suit a song: one a phrase of its tempo (else one per 8 s), never slow.

    Without a tempo this is slow_pace's suggestion; with one, faster songs get more, shorter
    scenes. Either way no scene is left longer than LIVELY_SCENE_SECONDS on average, so a
    storyboard of this size never reads as a slow pace.
    """
    if not math.isfinite(song_seconds) or song_seconds <= 0:
        return 1
    each = SUGGESTED_SCENE_SECONDS
    if tempo_bpm and math.isfinite(tempo_bpm) and tempo_bpm > 0:
        phrase = PHRASE_BEATS * 60.0 / tempo_bpm
        each = min(max(phrase, QUICKEST_SCENE_SECONDS), LIVELY_SCENE_SECONDS)
    return max(1, round(song_seconds / each), math.ceil(song_seconds / LIVELY_SCENE_SECONDS))


def scene_durations(
    wishes: Sequence[float | None],
    song_seconds: float | None,
    seconds_without_song: float,
    fps: int,
) -> list[float]:
    """Split the song across scenes by their wished lengths, on whole frames.

    Without a song every scene lasts `seconds_without_song` unless it wishes otherwise.
    The durations always add up to the song (to the frame), so the video ends with it.
    """
    if not wishes:
        return []
    weights = [w if w and w > 0 else seconds_without_song for w in wishes]
    total = song_seconds if song_seconds else sum(weights)
    total_frames = max(round(total * fps), len(weights) * round(MIN_SCENE_SECONDS * fps))
    weight_sum = sum(weights)
    cuts = [0]
    running = 0.0
    for weight in weights[:-1]:
        running += weight
        cuts.append(round(total_frames * running / weight_sum))
    cuts.append(total_frames)
    return [(b - a) / fps for a, b in itertools.pairwise(cuts)]


def paced_durations(
    wishes: Sequence[float | None],
    song_seconds: float,
    seconds_without_song: float,
    fps: int,
    sections: Sequence[SongSection],
    pins: Sequence[SectionPin | None],
) -> tuple[list[float], dict[int, float]]:
    """Scene durations over a song with sections, and the cuts that pins fixed (cut k ends scene k).

    A scene pinned to a section starts where that section starts; between pins the scenes
    share the time by their wishes, choruses cutting faster than verses. A pin that would
    leave a scene under MIN_SCENE_SECONDS is dropped.
    """
    weights = [w if w and w > 0 else seconds_without_song for w in wishes]
    if not weights:
        return [], {}
    total_frames = max(round(song_seconds * fps), len(weights) * round(MIN_SCENE_SECONDS * fps))
    total = total_frames / fps
    pinned = _feasible(resolve_pins(pins, sections), len(weights), total)
    anchors = [(0, 0.0), *sorted(pinned.items()), (len(weights), total)]
    cuts: list[float] = []
    for (first, start), (last, end) in itertools.pairwise(anchors):
        inside = [
            SongSection(s.kind, max(0.0, s.start - start), min(end, s.end) - start)
            for s in sections
            if s.end > start and s.start < end
        ]
        cuts += [start + cut for cut in paced_cuts(weights[first:last], inside, end - start)]
        if last < len(weights):
            cuts.append(end)
    frames = [0, *(round(cut * fps) for cut in cuts), total_frames]
    durations = [(b - a) / fps for a, b in itertools.pairwise(frames)]
    return durations, {index - 1: round(at * fps) / fps for index, at in pinned.items()}


def _feasible(pins: dict[int, float], count: int, total: float) -> dict[int, float]:
    """The pins that leave every scene at least MIN_SCENE_SECONDS."""
    kept: dict[int, float] = {}
    previous = (0, 0.0)
    for index, at in sorted(pins.items()):
        room_before = at - previous[1] >= (index - previous[0]) * MIN_SCENE_SECONDS
        room_after = total - at >= (count - index) * MIN_SCENE_SECONDS
        if room_before and room_after:
            kept[index] = at
            previous = (index, at)
    return kept


def cut_durations(
    wishes: Sequence[float | None],
    song_seconds: float | None,
    seconds_without_song: float,
    fps: int,
    beats: Sequence[float] | None = None,
    *,
    downbeat: int | None = None,
    sections: Sequence[SongSection] = (),
    pins: Sequence[SectionPin | None] = (),
) -> list[float]:
    """The scenes' lengths as the video will have them: split over the song, cut on its beats.

    With the song's sections, choruses cut faster and pinned scenes start their section;
    with its downbeat, cuts prefer the first beat of a bar.
    """
    fixed: dict[int, float] = {}
    if song_seconds and (sections or any(pins)):
        padded = [*pins, *[None] * (len(wishes) - len(pins))]
        durations, fixed = paced_durations(
            wishes, song_seconds, seconds_without_song, fps, sections, padded
        )
    else:
        durations = scene_durations(wishes, song_seconds, seconds_without_song, fps)
    if beats and song_seconds:
        grid = Grid(beats, downbeat, section_boundaries(sections))
        durations = snap_to_beats(durations, grid, fps, fixed)
    return durations


@dataclass(frozen=True)
class ShotSource:
    """A scene as the timeline needs it: its picture and its camera work."""

    image_path: str
    caption: str
    motion: Motion
    transition: Transition
    wished_seconds: float | None = None
    fit: Fit = Fit.COVER
    focus: tuple[float, float] | None = None
    clip_path: str | None = None
    clip_start: float = 0.0
    section_pin: SectionPin | None = None


def closing_seconds(total_seconds: float, scene_count: int, fps: int) -> float:
    """How long the closing card lasts (on whole frames): CREDITS_CARD_SECONDS, or a fair
    share of a short video."""
    share = total_seconds / (scene_count + 1) if total_seconds > 0 else CREDITS_CARD_SECONDS
    seconds = min(CREDITS_CARD_SECONDS, max(MIN_SCENE_SECONDS, share))
    return round(seconds * fps) / fps


def share_with_card(
    song_seconds: float | None, scene_count: int, fps: int, card: bool
) -> tuple[float | None, float]:
    """(the seconds the scenes share, the closing card's seconds): over a song the card takes
    the song's last seconds, so the video still ends with the song; without one it follows
    the scenes."""
    if not card:
        return song_seconds, 0.0
    card_seconds = closing_seconds(song_seconds or 0.0, scene_count, fps)
    return (song_seconds - card_seconds if song_seconds else song_seconds), card_seconds


def build_timeline(
    sources: Sequence[ShotSource],
    *,
    width: int,
    height: int,
    fps: int,
    title: str,
    audio_path: str | None,
    song_seconds: float | None,
    seconds_without_song: float,
    font_path: str | None = None,
    beats: Sequence[float] | None = None,
    footage_sound: FootageSound = FootageSound.DROP,
    downbeat: int | None = None,
    sections: Sequence[SongSection] = (),
    closing: ShotSource | None = None,
) -> Timeline:
    """Lay the scenes end to end over the song, cutting on its `beats` when they are known.

    A `closing` card (the credits) follows the last scene: over the song's last seconds, so
    the video still ends with the song, or after the scenes when there is no song.
    """
    scenes_seconds, card_seconds = share_with_card(
        song_seconds, len(sources), fps, closing is not None
    )
    durations = cut_durations(
        [s.wished_seconds for s in sources],
        scenes_seconds,
        seconds_without_song,
        fps,
        beats,
        downbeat=downbeat,
        sections=sections,
        pins=[s.section_pin for s in sources],
    )
    period = beat_period(sorted(beats)) if beats and song_seconds else None
    shots: list[Shot] = []
    start = 0.0
    for source, seconds in zip(sources, durations, strict=True):
        shots.append(
            Shot(
                image_path=source.image_path,
                start=start,
                duration=seconds,
                caption=source.caption,
                motion=source.motion,
                transition_in=source.transition,
                transition_seconds=transition_seconds(seconds, period),
                clip_path=source.clip_path,
                clip_start=source.clip_start,
                fit=source.fit,
                focus=source.focus,
            )
        )
        start = round(start + seconds, 6)
    if closing is not None:
        shots.append(
            Shot(
                image_path=closing.image_path,
                start=start,
                duration=card_seconds,
                motion=Motion.STILL,
                transition_in=Transition.FADE_BLACK,
                transition_seconds=transition_seconds(card_seconds, period),
            )
        )
    return Timeline(
        width=width,
        height=height,
        fps=fps,
        shots=tuple(shots),
        title=title,
        audio_path=audio_path,
        font_path=font_path,
        footage_sound=footage_sound,
    )
