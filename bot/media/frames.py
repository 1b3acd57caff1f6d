"""Frames of a timeline: Ken Burns stills, captions, the title and transitions, on demand.

Each shot is prepared once (decoded, cropped to the window its move covers, scaled to about
the output size, its caption drawn), so a frame costs one `cv2.warpAffine` plus cheap blends.
Only the shots the current frame needs stay prepared: memory does not grow with the video.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageOps

from bot.media.captions import Overlay, render_caption_overlay, render_title_overlay
from bot.media.motion import (
    DEFAULT_ZOOM,
    affine_for_window,
    crop_window,
    motion_bounds,
    smallest_window_width,
)
from bot.studio.timeline import Motion, Shot, Timeline, Transition

Frame = NDArray[np.uint8]

TITLE_SECONDS = 3.0
TITLE_FADE_SECONDS = 0.8
_ROTATING_ORIENTATIONS = {5, 6, 7, 8}


@dataclass(frozen=True)
class _Band:
    """An overlay split for blending: straight RGB and alpha in 0..1, both float32."""

    y: int
    rgb: NDArray[np.float32]
    alpha: NDArray[np.float32]

    @classmethod
    def from_overlay(cls, overlay: Overlay) -> _Band | None:
        band, y = overlay
        if band.shape[0] == 0:
            return None
        rgb = band[:, :, :3].astype(np.float32)
        alpha = band[:, :, 3:4].astype(np.float32) / 255.0
        return cls(y, rgb, alpha)

    def blend_into(self, frame: Frame, opacity: float = 1.0) -> None:
        """Alpha-blend this band over the rows of `frame` it covers, in place."""
        top, bottom = max(0, self.y), min(frame.shape[0], self.y + self.rgb.shape[0])
        if top >= bottom or opacity <= 0.0:
            return
        rows = slice(top - self.y, bottom - self.y)
        region = frame[top:bottom].astype(np.float32)
        alpha = self.alpha[rows] if opacity >= 1.0 else self.alpha[rows] * opacity
        region += (self.rgb[rows] - region) * alpha
        frame[top:bottom] = (region + 0.5).astype(np.uint8)


@dataclass(frozen=True)
class _PreparedShot:
    """A still cut down to the area its move shows, with the geometry to map windows onto it."""

    image: Frame
    source_size: tuple[float, float]
    origin: tuple[float, float]
    scale: tuple[float, float]
    caption: _Band | None


class TimelineFrames:
    """Computes the frame of a timeline at any time; `frame_at` is the moviepy frame function."""

    def __init__(self, timeline: Timeline, *, zoom: float = DEFAULT_ZOOM) -> None:
        if not timeline.shots:
            raise ValueError("a timeline needs at least one shot")
        self._timeline = timeline
        self._zoom = zoom
        self._size = (timeline.width, timeline.height)
        self._font_path = Path(timeline.font_path) if timeline.font_path else None
        self._starts = [shot.start for shot in timeline.shots]
        self._prepared: dict[int, _PreparedShot] = {}
        self._title: _Band | None = None
        if timeline.title.strip():
            self._title = _Band.from_overlay(
                render_title_overlay(timeline.title, *self._size, font_path=self._font_path)
            )

    def frame_at(self, t: float) -> Frame:
        """RGB uint8 frame (height x width x 3) shown at `t` seconds."""
        shots = self._timeline.shots
        t = min(max(float(t), 0.0), self._timeline.duration)
        index = max(0, min(len(shots) - 1, bisect.bisect_right(self._starts, t) - 1))
        incoming = index + 1 if index + 1 < len(shots) else None
        if incoming is not None and t < shots[incoming].start - self._half_transition(incoming):
            incoming = None
        if incoming is None and t < shots[index].start + self._half_transition(index):
            incoming, index = index, index - 1
        frame = self._mix(index, incoming, t)
        self._evict(keep={i for i in (index, incoming) if i is not None and i >= 0})
        self._draw_title(frame, t)
        return frame

    @property
    def prepared_count(self) -> int:
        """How many shots are held prepared right now (at most the two a transition needs)."""
        return len(self._prepared)

    def close(self) -> None:
        """Drop every prepared shot."""
        self._prepared.clear()

    def _mix(self, outgoing: int, incoming: int | None, t: float) -> Frame:
        """The frame of one shot, or of the transition from `outgoing` into `incoming`."""
        if incoming is None:
            return self._shot_frame(outgoing, t)
        shot = self._timeline.shots[incoming]
        half = self._half_transition(incoming)
        if outgoing < 0:  # the opening shot fades in from black
            return _darken(self._shot_frame(incoming, t), (t - shot.start) / half)
        if shot.transition_in is Transition.FADE_BLACK:
            if t < shot.start:
                return _darken(self._shot_frame(outgoing, t), (shot.start - t) / half)
            return _darken(self._shot_frame(incoming, t), (t - shot.start) / half)
        weight = (t - (shot.start - half)) / (2.0 * half)
        before, after = self._shot_frame(outgoing, t), self._shot_frame(incoming, t)
        return cast(Frame, cv2.addWeighted(before, 1.0 - weight, after, weight, 0.0))

    def _half_transition(self, index: int) -> float:
        """Half the length of the transition into shot `index` (0 when there is none)."""
        shots = self._timeline.shots
        shot = shots[index]
        if shot.transition_in is Transition.CUT or shot.transition_seconds <= 0.0:
            return 0.0
        if index == 0:
            return (
                min(shot.transition_seconds / 2.0, shot.duration / 2.0)
                if shot.transition_in is Transition.FADE_BLACK
                else 0.0
            )
        return min(shot.transition_seconds, shots[index - 1].duration, shot.duration) / 2.0

    def _shot_frame(self, index: int, t: float) -> Frame:
        shot = self._timeline.shots[index]
        prepared = self._prepared.get(index)
        if prepared is None:
            prepared = self._prepare(shot)
            self._prepared[index] = prepared
        width, height = self._size
        progress = (t - shot.start) / shot.duration if shot.duration > 0 else 0.0
        x, y, w, h = crop_window(
            shot.motion, progress, *prepared.source_size, width, height, self._zoom
        )
        (ox, oy), (sx, sy) = prepared.origin, prepared.scale
        window = ((x - ox) * sx, (y - oy) * sy, w * sx, h * sy)
        frame = cast(
            Frame,
            cv2.warpAffine(
                prepared.image,
                affine_for_window(window, width, height),
                (width, height),
                flags=cv2.INTER_LINEAR,
                borderMode=cv2.BORDER_REPLICATE,
            ),
        )
        if prepared.caption is not None:
            prepared.caption.blend_into(frame)
        return frame

    def _prepare(self, shot: Shot) -> _PreparedShot:
        width, height = self._size
        image, source_size, origin, scale = load_still(
            Path(shot.image_path), shot.motion, width, height, self._zoom
        )
        caption = None
        if shot.caption.strip():
            caption = _Band.from_overlay(
                render_caption_overlay(shot.caption, width, height, font_path=self._font_path)
            )
        return _PreparedShot(image, source_size, origin, scale, caption)

    def _evict(self, keep: set[int]) -> None:
        for index in [i for i in self._prepared if i not in keep]:
            del self._prepared[index]

    def _draw_title(self, frame: Frame, t: float) -> None:
        if self._title is None:
            return
        end = min(TITLE_SECONDS, self._timeline.shots[0].duration)
        fade = min(TITLE_FADE_SECONDS, end / 3.0)
        if t < end:
            self._title.blend_into(frame, min(1.0, (end - t) / fade))


def load_still(
    path: Path, motion: Motion, out_w: int, out_h: int, zoom: float = DEFAULT_ZOOM
) -> tuple[Frame, tuple[float, float], tuple[float, float], tuple[float, float]]:
    """Decode a still upright, cut to the move's bounds, scaled so its tightest window is `out_w`.

    Returns the RGB image, the upright source size, and the bounds' origin and scale (image
    pixels per source pixel) that map source windows onto the image.
    """
    with Image.open(path) as opened:
        raw_w, raw_h = opened.size
        rotated = opened.getexif().get(0x0112, 1) in _ROTATING_ORIENTATIONS
        upright_w, upright_h = (raw_h, raw_w) if rotated else (raw_w, raw_h)
        needed = out_w / smallest_window_width(motion, upright_w, upright_h, out_w, out_h, zoom)
        if needed < 1.0:
            # JPEG decodes at 1/2, 1/4 or 1/8 scale for free; the draft stays at least this big.
            opened.draft("RGB", (math.ceil(raw_w * needed), math.ceil(raw_h * needed)))
        image = _to_rgb(ImageOps.exif_transpose(opened))
    src_w, src_h = image.size
    bx, by, bw, bh = motion_bounds(motion, src_w, src_h, out_w, out_h, zoom)
    scale = out_w / smallest_window_width(motion, src_w, src_h, out_w, out_h, zoom)
    size = (max(1, math.ceil(bw * scale)), max(1, math.ceil(bh * scale)))
    resized = image.resize(
        size, Image.Resampling.LANCZOS, box=(bx, by, bx + bw, by + bh), reducing_gap=3.0
    )
    pixels: Frame = np.asarray(resized, dtype=np.uint8)
    return pixels, (float(src_w), float(src_h)), (bx, by), (size[0] / bw, size[1] / bh)


def _to_rgb(image: Image.Image) -> Image.Image:
    """RGB, with any transparency laid over black (the colour of the frame around a still)."""
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (0, 0, 0, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    return image.convert("RGB")


def _darken(frame: Frame, level: float) -> Frame:
    """The frame scaled towards black: level 0 is black, 1 unchanged."""
    level = min(1.0, max(0.0, level))
    if level >= 1.0:
        return frame
    return cast(Frame, cv2.convertScaleAbs(frame, alpha=level))
