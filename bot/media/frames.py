"""Frames of a timeline: Ken Burns stills or clips, captions, the title and transitions, on demand.

Frames are I420 (see yuv.py). Each shot is prepared once (see stills.py; a clip gets a decoder),
so a frame costs a sub-pixel warp of its planes plus cheap blends. Only the shots the current
frame needs stay prepared: memory does not grow with the video.
"""

from __future__ import annotations

import bisect
import logging
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import cv2
import numpy as np
from numpy.typing import NDArray

from bot.media.captions import render_caption_overlay, render_lyric_overlays, render_title_overlay
from bot.media.clips import ClipSource, ClipUnreadable
from bot.media.footage_frames import first_good_frame
from bot.media.motion import DEFAULT_ZOOM
from bot.media.stills import PreparedStill, prepare_still
from bot.media.yuv import Frame, YuvOverlay, black_frame, frame_to_rgb
from bot.studio.timeline import CaptionsMode, LyricLine, Shot, Timeline, Transition

logger = logging.getLogger(__name__)

TITLE_SECONDS = 3.0
TITLE_FADE_SECONDS = 0.8
END_FADE_SECONDS = 1.0


def half_transition(timeline: Timeline, index: int) -> float:
    """Half the length of the transition into shot `index` (0 when there is none)."""
    shots = timeline.shots
    shot = shots[index]
    if shot.transition_in is Transition.CUT or shot.transition_seconds <= 0.0:
        return 0.0
    if index == 0:  # only a fade from black can open the video
        if shot.transition_in is Transition.FADE_BLACK:
            return min(shot.transition_seconds / 2.0, shot.duration / 2.0)
        return 0.0
    return min(shot.transition_seconds, shots[index - 1].duration, shot.duration) / 2.0


def title_end(timeline: Timeline) -> float:
    """When the title has faded out (0 without a title): it lives inside the first shot."""
    if not timeline.title.strip() or not timeline.shots:
        return 0.0
    return min(TITLE_SECONDS, timeline.shots[0].duration)


def end_fade_seconds(timeline: Timeline) -> float:
    """How long the last shot takes to fade to black at the end of the video."""
    return min(END_FADE_SECONDS, timeline.shots[-1].duration / 3.0) if timeline.shots else 0.0


def shown_mode(timeline: Timeline) -> CaptionsMode:
    """The captions mode as drawn: lyrics modes without lyric lines show the ideas."""
    if timeline.captions in (CaptionsMode.LYRICS, CaptionsMode.BOTH) and not timeline.lyrics:
        return CaptionsMode.IDEAS
    return timeline.captions


def shown_caption(timeline: Timeline, shot: Shot) -> str:
    """The shot's caption as drawn ("" when the captions mode hides scene ideas)."""
    mode = shown_mode(timeline)
    return shot.caption if mode in (CaptionsMode.IDEAS, CaptionsMode.BOTH) else ""


def shown_lyrics(timeline: Timeline) -> tuple[LyricLine, ...]:
    """The lyric lines drawn (none unless the captions mode shows lyrics)."""
    mode = shown_mode(timeline)
    return timeline.lyrics if mode in (CaptionsMode.LYRICS, CaptionsMode.BOTH) else ()


@dataclass
class _PreparedLyric:
    line: YuvOverlay | None
    words: tuple[YuvOverlay | None, ...]


@dataclass
class _PreparedShot:
    still: PreparedStill | None
    clip: ClipSource | None
    caption: YuvOverlay | None


class TimelineFrames:
    """Computes the frame of a timeline at any time, as I420 (`i420_at`) or RGB (`frame_at`)."""

    def __init__(self, timeline: Timeline, *, zoom: float = DEFAULT_ZOOM) -> None:
        if not timeline.shots:
            raise ValueError("a timeline needs at least one shot")
        self._timeline = timeline
        self._zoom = zoom
        self._size = (timeline.width, timeline.height)
        self._font_path = Path(timeline.font_path) if timeline.font_path else None
        self._starts = [shot.start for shot in timeline.shots]
        self._prepared: dict[int, _PreparedShot] = {}
        self._fallbacks: set[int] = set()
        self._black = black_frame(*self._size)
        self._title: YuvOverlay | None = None
        self._captions_high = shown_mode(timeline) is CaptionsMode.BOTH
        self._lyrics = shown_lyrics(timeline)
        self._lyric_starts = [line.start for line in self._lyrics]
        self._prepared_lyric: tuple[int, _PreparedLyric] | None = None
        if title_end(timeline) > 0.0:
            band, top = render_title_overlay(timeline.title, *self._size, font_path=self._font_path)
            self._title = YuvOverlay.from_rgba(band, top, *self._size)

    def frame_at(self, t: float) -> NDArray[np.uint8]:
        """RGB uint8 frame (height x width x 3) shown at `t` seconds."""
        return frame_to_rgb(self.i420_at(t), *self._size)

    def i420_at(self, t: float) -> Frame:
        """I420 frame (height * 3 / 2 x width) shown at `t` seconds."""
        timeline = self._timeline
        t = min(max(float(t), 0.0), timeline.duration)
        index, incoming = self._showing(t)
        frame = self._mix(index, incoming, t)
        self._evict(keep={i for i in (index, incoming) if i is not None and i >= 0})
        self._draw_lyric(frame, t)
        fade = end_fade_seconds(timeline)
        if fade > 0.0 and t > timeline.duration - fade:
            frame = self._darken(frame, (timeline.duration - t) / fade)
        self._draw_title(frame, t)
        return frame

    def send_frame(self, t: float, target: int) -> bool:
        """Send the frame at `t` straight from its clip's decoder to pipe `target`, if it can go so.

        It can when it is a clip's next frame with at most its caption on it: no transition,
        title, lyric or closing fade (True). Else nothing is sent (False): use `i420_at`.
        PipeBroken: the clip ended within the frame, which was sent in part.
        """
        timeline = self._timeline
        t = min(max(float(t), 0.0), timeline.duration)
        index, incoming = self._showing(t)
        if incoming is not None or t < title_end(timeline) or self._sung_at(t) is not None:
            return False
        fade = end_fade_seconds(timeline)
        if fade > 0.0 and t > timeline.duration - fade:
            return False
        prepared = self._prepared_shot(index)
        if prepared.clip is None:
            return False
        self._evict(keep={index})
        return prepared.clip.send_frame(t - timeline.shots[index].start, target, prepared.caption)

    def _showing(self, t: float) -> tuple[int, int | None]:
        """The shot shown at `t`, and the one coming in over it during a transition.

        (-1, 0) is the opening fade from black into the first shot.
        """
        timeline = self._timeline
        shots = timeline.shots
        index = max(0, min(len(shots) - 1, bisect.bisect_right(self._starts, t) - 1))
        incoming = index + 1 if index + 1 < len(shots) else None
        if incoming is not None and t < shots[incoming].start - half_transition(timeline, incoming):
            incoming = None
        if incoming is None and t < shots[index].start + half_transition(timeline, index):
            incoming, index = index, index - 1
        return index, incoming

    @property
    def fallbacks(self) -> frozenset[int]:
        """Shots whose clip would not decode and that show a still instead."""
        return frozenset(self._fallbacks)

    @property
    def prepared_count(self) -> int:
        """How many shots are held prepared right now (at most the two a transition needs)."""
        return len(self._prepared)

    def close(self) -> None:
        """Drop every prepared shot and stop any clip decoder."""
        self._evict(keep=set())

    def _mix(self, outgoing: int, incoming: int | None, t: float) -> Frame:
        """The frame of one shot, or of the transition from `outgoing` into `incoming`."""
        if incoming is None:
            return self._shot_frame(outgoing, t)
        shot = self._timeline.shots[incoming]
        half = half_transition(self._timeline, incoming)
        if outgoing < 0:  # the opening shot fades in from black
            return self._darken(self._shot_frame(incoming, t), (t - shot.start) / half)
        if shot.transition_in is Transition.FADE_BLACK:
            if t < shot.start:
                return self._darken(self._shot_frame(outgoing, t), (shot.start - t) / half)
            return self._darken(self._shot_frame(incoming, t), (t - shot.start) / half)
        weight = (t - (shot.start - half)) / (2.0 * half)
        before = self._shot_frame(outgoing, t, captioned=False)
        after = self._shot_frame(incoming, t, captioned=False)
        frame = cast(Frame, cv2.addWeighted(before, 1.0 - weight, after, weight, 0.0))
        # Two captions dissolving into each other cannot be read: the old one fades out in
        # the first half of the crossfade, the new one fades in during the second.
        if shown_caption(self._timeline, self._timeline.shots[outgoing]) == shown_caption(
            self._timeline, shot
        ):
            self._draw_caption(incoming, frame, 1.0)
        else:
            self._draw_caption(
                outgoing if weight < 0.5 else incoming, frame, abs(1.0 - 2.0 * weight)
            )
        return frame

    def _shot_frame(self, index: int, t: float, *, captioned: bool = True) -> Frame:
        shot = self._timeline.shots[index]
        prepared = self._prepared_shot(index)
        if prepared.clip is not None:
            try:
                frame = prepared.clip.frame(t - shot.start)
            except ClipUnreadable:
                logger.warning("Shot %d: its clip stopped decoding; showing a still", index)
                prepared.clip.close()
                prepared = self._prepared[index] = self._fallback(index, prepared.caption)
        if prepared.clip is None:
            assert prepared.still is not None
            progress = (t - shot.start) / shot.duration if shot.duration > 0 else 0.0
            frame = prepared.still.frame(progress, *self._size)
        if captioned:
            self._draw_caption(index, frame, 1.0)
        return frame

    def _prepared_shot(self, index: int) -> _PreparedShot:
        prepared = self._prepared.get(index)
        if prepared is None:
            prepared = self._prepare(index)
            self._prepared[index] = prepared
        return prepared

    def _draw_caption(self, index: int, frame: Frame, opacity: float) -> None:
        caption = self._prepared_shot(index).caption
        if caption is not None:
            caption.blend_into(frame, *self._size, opacity)

    def _prepare(self, index: int) -> _PreparedShot:
        shot = self._timeline.shots[index]
        width, height = self._size
        caption = None
        text = shown_caption(self._timeline, shot)
        if text.strip():
            band, top = render_caption_overlay(
                text, width, height, font_path=self._font_path, high=self._captions_high
            )
            caption = YuvOverlay.from_rgba(band, top, width, height)
        if shot.clip_path:
            try:
                clip = ClipSource(
                    Path(shot.clip_path),
                    shot.duration,
                    width,
                    height,
                    self._timeline.fps,
                    clip_start=shot.clip_start,
                    focus=shot.focus,
                    fit=shot.fit,
                )
            except (ClipUnreadable, OSError):
                logger.warning("Shot %d: its clip cannot be read; showing a still", index)
                return self._fallback(index, caption)
            return _PreparedShot(None, clip, caption)
        return _PreparedShot(self._still(shot, Path(shot.image_path)), None, caption)

    def _still(self, shot: Shot, path: Path) -> PreparedStill:
        width, height = self._size
        return prepare_still(
            path, shot.motion, width, height, fit=shot.fit, focus=shot.focus, zoom=self._zoom
        )

    def _fallback(self, index: int, caption: YuvOverlay | None) -> _PreparedShot:
        """A shot whose clip fails: a still of its first good frame, else its own picture."""
        shot = self._timeline.shots[index]
        self._fallbacks.add(index)
        picture = first_good_frame(Path(shot.clip_path)) if shot.clip_path else None
        if picture is None:
            return _PreparedShot(self._still(shot, Path(shot.image_path)), None, caption)
        with tempfile.NamedTemporaryFile(suffix=".png") as file:
            picture.save(file, format="PNG", compress_level=1)
            file.flush()
            return _PreparedShot(self._still(shot, Path(file.name)), None, caption)

    def _evict(self, keep: set[int]) -> None:
        for index in [i for i in self._prepared if i not in keep]:
            prepared = self._prepared.pop(index)
            if prepared.clip is not None:
                prepared.clip.close()

    def _darken(self, frame: Frame, level: float) -> Frame:
        """The frame mixed towards black: level 0 is black, 1 unchanged."""
        level = min(1.0, max(0.0, level))
        if level >= 1.0:
            return frame
        return cast(Frame, cv2.addWeighted(frame, level, self._black, 1.0 - level, 0.0))

    def _draw_title(self, frame: Frame, t: float) -> None:
        end = title_end(self._timeline)
        if self._title is None or t >= end:
            return
        fade = min(TITLE_FADE_SECONDS, end / 3.0)
        self._title.blend_into(frame, *self._size, min(1.0, (end - t) / fade))

    def _draw_lyric(self, frame: Frame, t: float) -> None:
        """The lyric line sung at `t`, its current word highlighted (lines never overlap)."""
        index = self._sung_at(t)
        if index is None:
            return
        prepared = self._lyric(index)
        if prepared.line is None:
            return
        prepared.line.blend_into(frame, *self._size)
        words = self._lyrics[index].words
        for word, overlay in zip(words, prepared.words, strict=False):
            if word.start <= t < word.end and overlay is not None:
                overlay.blend_into(frame, *self._size)
                break

    def _sung_at(self, t: float) -> int | None:
        """The lyric line sung at `t`, if any."""
        index = bisect.bisect_right(self._lyric_starts, t) - 1
        if index < 0 or t >= self._lyrics[index].end:
            return None
        return index

    def _lyric(self, index: int) -> _PreparedLyric:
        if self._prepared_lyric is not None and self._prepared_lyric[0] == index:
            return self._prepared_lyric[1]
        line = self._lyrics[index]
        width, height = self._size
        overlays = render_lyric_overlays(
            line.text, len(line.words), width, height, font_path=self._font_path
        )
        prepared = _PreparedLyric(
            YuvOverlay.from_rgba(*overlays.line, width, height),
            tuple(YuvOverlay.from_rgba(band, top, width, height) for band, top in overlays.words),
        )
        self._prepared_lyric = (index, prepared)
        return prepared
