"""The timeline cut into separately encoded segments, each named by the hash of its inputs.

Each shot is one segment, from the start of the crossfade into it (or its cut) to the start of
the next shot's segment. Changing one scene changes the key of its segment and of the next one
(whose crossfade shows it), nothing else, so a re-render encodes only those two. A key covers
everything that shapes the segment's pixels: each visible shot's media bytes, move, fit,
caption (as drawn, and where) and timing relative to the segment, the lyric lines shown
during the segment, the transitions, the title or the closing fade
when they show, the font, the frame size and rate, and the encoder settings.

(A crossfade could be a segment of its own, so a change would encode one shot and two short
crossfades; but every segment starts with an I-frame and costs x264 about 50 ms to start, and
short segments cost 15% more bits. One segment per shot is the better trade.)
"""

from __future__ import annotations

import functools
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from bot.media.fonts import caption_font_path
from bot.media.frames import (
    end_fade_seconds,
    half_transition,
    shown_caption,
    shown_lyrics,
    shown_mode,
    title_end,
)
from bot.studio.keys import content_key
from bot.studio.timeline import CaptionsMode, LyricLine, Shot, Timeline, Transition

RENDER_VERSION = 4  # bump when the drawing code changes what a frame looks like


@dataclass(frozen=True)
class Segment:
    """Frames [first, first + count) of the video, showing `shots`; `key` names its file."""

    first: int
    count: int
    shots: tuple[int, ...]
    key: str
    middle: int  # the frame in the middle of the segment's own shot

    def path(self, folder: Path) -> Path:
        """Where the encoded segment is cached."""
        return folder / f"{self.key}.mp4"

    def thumbnail_path(self, folder: Path) -> Path:
        """Where the segment's thumbnail candidate is cached."""
        return folder / f"{self.key}.jpg"


def plan_segments(timeline: Timeline, fingerprint: dict[str, object]) -> list[Segment]:
    """The timeline's segments in order, covering every frame exactly once."""
    fps = timeline.fps
    shots = timeline.shots
    total = round(timeline.duration * fps)
    cuts = [round(shot.start * fps) for shot in shots] + [total]
    starts = list(cuts)
    for index in range(1, len(shots)):
        half = half_transition(timeline, index)
        if shots[index].transition_in is Transition.CROSSFADE and half > 0.0:
            starts[index] = max(cuts[index - 1], round((shots[index].start - half) * fps))
    context = _Context(timeline, fingerprint)
    segments = []
    for index, shot in enumerate(shots):
        first, last = starts[index], starts[index + 1]
        if last <= first:
            continue
        visible = (index - 1, index) if first < cuts[index] else (index,)
        middle = round((shot.start + shot.duration / 2) * fps)
        segments.append(
            Segment(
                first,
                last - first,
                visible,
                context.key(first, last, visible),
                min(last - 1, max(first, middle)),
            )
        )
    return segments


class _Context:
    """What every key shares, computed once per timeline."""

    def __init__(self, timeline: Timeline, fingerprint: dict[str, object]) -> None:
        self.timeline = timeline
        self.lyrics = shown_lyrics(timeline)
        self.captions_high = shown_mode(timeline) is CaptionsMode.BOTH
        # Text falls back to the packaged font where the project's font lacks a glyph.
        fonts = [caption_font_path(), *([Path(timeline.font_path)] if timeline.font_path else [])]
        self.common = {
            "version": RENDER_VERSION,
            "encode": fingerprint,
            "fonts": [file_digest(font) for font in fonts],
        }

    def key(self, first: int, last: int, visible: tuple[int, ...]) -> str:
        timeline = self.timeline
        shots, fps = timeline.shots, timeline.fps
        anchor = visible[-1]
        origin = shots[anchor].start
        # The transition into the next shot decides where this segment ends, and a fade
        # through black shows its first half here.
        neighbours = [i for i in (anchor, anchor + 1) if i < len(shots)]
        payload: dict[str, object] = {
            **self.common,
            "frames": [round(first / fps - origin, 6), last - first],
            "shots": [
                _shot_inputs(shots[i], shots[i].start - origin, self.caption(shots[i]))
                for i in visible
            ],
            "transitions": [
                [i - anchor, str(shots[i].transition_in), round(half_transition(timeline, i), 6)]
                for i in neighbours
            ],
            "opening": anchor == 0,
        }
        sung = [
            _lyric_inputs(line, origin)
            for line in self.lyrics
            if line.start < last / fps and line.end > first / fps
        ]
        if sung:
            payload["lyrics"] = sung
        if first / fps < title_end(timeline):
            payload["title"] = [timeline.title, round(title_end(timeline) - origin, 6)]
        fade = end_fade_seconds(timeline)
        if last / fps > timeline.duration - fade:
            payload["ending"] = [round(timeline.duration - origin, 6), round(fade, 6)]
        return content_key(payload, 40)

    def caption(self, shot: Shot) -> list[object]:
        """The shot's caption as drawn, and whether it is drawn high (under lyrics)."""
        text = shown_caption(self.timeline, shot)
        return [text, self.captions_high] if text else [""]


def _lyric_inputs(line: LyricLine, origin: float) -> list[object]:
    return [
        line.text,
        round(line.start - origin, 6),
        round(line.end - origin, 6),
        [[w.text, round(w.start - origin, 6), round(w.end - origin, 6)] for w in line.words],
    ]


def _shot_inputs(shot: Shot, offset: float, caption: list[object]) -> dict[str, object]:
    media = shot.clip_path or shot.image_path
    return {
        "media": file_digest(Path(media)),
        "clip": bool(shot.clip_path),
        "clip_start": round(shot.clip_start, 6),
        "offset": round(offset, 6),
        "duration": round(shot.duration, 6),
        "motion": str(shot.motion),
        "fit": str(shot.fit),
        "focus": shot.focus,
        "caption": caption,
    }


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes (remembered while its size and mtime stay the same)."""
    stat = path.stat()
    return _digest(str(path.resolve()), stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=1024)
def _digest(path: str, size: int, mtime_ns: int) -> str:
    with open(path, "rb") as file:  # noqa: PTH123 (hashlib.file_digest wants a file object)
        return hashlib.file_digest(file, "sha256").hexdigest()


def touch(paths: list[Path]) -> None:
    """Mark cached files as just used, so pruning keeps them longest."""
    for path in paths:
        if path.exists():
            os.utime(path)


def prune(folder: Path, max_bytes: int) -> int:
    """Delete the least recently used files until the folder holds at most `max_bytes`."""
    files = []
    for path in folder.iterdir():
        try:
            stat = path.stat()
        except FileNotFoundError:  # another render removed it
            continue
        files.append((stat.st_mtime, stat.st_size, path))
    total = sum(size for _, size, _ in files)
    removed = 0
    for _, size, path in sorted(files):
        if total <= max_bytes:
            break
        path.unlink(missing_ok=True)
        total -= size
        removed += 1
    return removed
