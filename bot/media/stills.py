"""A still made ready for Ken Burns frames: decoded upright, fitted, cut to the move, as planes.

Each still is decoded once (JPEG at a reduced scale when that is enough), cut to the area its
move covers, scaled so its tightest window is as wide as the output, and converted to I420
planes; a frame is then one sub-pixel warp of each plane. A pan's window keeps its size, so its
frames are pure sub-pixel shifts: a 2x2 bilinear filter, five times cheaper than the warp.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageOps

from bot.media.fitting import contain_canvas, find_focus
from bot.media.motion import (
    DEFAULT_ZOOM,
    Focus,
    affine_for_window,
    crop_window,
    motion_bounds,
    smallest_window_width,
)
from bot.media.yuv import Frame, Plane, new_frame, planes, rgb_to_planes
from bot.studio.timeline import Fit, Motion

_ROTATING_ORIENTATIONS = {5, 6, 7, 8}


@dataclass(frozen=True)
class PreparedStill:
    """A still's planes and the geometry that maps a move's windows onto them."""

    luma: Plane
    chroma: tuple[Plane, Plane]
    motion: Motion
    source_size: tuple[float, float]
    focus: Focus
    origin: tuple[float, float]
    scale: tuple[float, float]
    zoom: float

    def frame(self, progress: float, width: int, height: int) -> Frame:
        """The I420 frame at `progress` (0..1) of the move."""
        x, y, w, h = crop_window(
            self.motion, progress, *self.source_size, width, height, self.zoom, self.focus
        )
        (ox, oy), (sx, sy) = self.origin, self.scale
        window = ((x - ox) * sx, (y - oy) * sy, w * sx, h * sy)
        frame = new_frame(width, height)
        luma, u, v = planes(frame, width, height)
        _sample(self.luma, window, luma)
        rx = self.chroma[0].shape[1] / self.luma.shape[1]
        ry = self.chroma[0].shape[0] / self.luma.shape[0]
        half = (window[0] * rx, window[1] * ry, window[2] * rx, window[3] * ry)
        _sample(self.chroma[0], half, u)
        _sample(self.chroma[1], half, v)
        return frame


def prepare_still(
    path: Path,
    motion: Motion,
    out_w: int,
    out_h: int,
    *,
    fit: Fit = Fit.COVER,
    focus: Focus | None = None,
    zoom: float = DEFAULT_ZOOM,
) -> PreparedStill:
    """Decode, fit and cut a still for its move at the output size."""
    image = decode_upright(path, _decode_scale(path, motion, fit, out_w, out_h, zoom))
    if fit is Fit.CONTAIN:
        image, focus = contain_canvas(image, motion, out_w, out_h, zoom), (0.5, 0.5)
    elif focus is None:
        focus = find_focus(image)
    src_w, src_h = image.size
    bx, by, bw, bh = motion_bounds(motion, src_w, src_h, out_w, out_h, zoom, focus)
    scale = out_w / smallest_window_width(motion, src_w, src_h, out_w, out_h, zoom)
    size = (max(2, _whole(bw * scale)), max(2, _whole(bh * scale)))
    resized = image.resize(
        size, Image.Resampling.LANCZOS, box=(bx, by, bx + bw, by + bh), reducing_gap=3.0
    )
    luma, u, v = rgb_to_planes(np.asarray(resized, dtype=np.uint8))
    return PreparedStill(
        luma,
        (u, v),
        motion,
        (float(src_w), float(src_h)),
        focus,
        (bx, by),
        (size[0] / bw, size[1] / bh),
        zoom,
    )


def decode_upright(path: Path, scale: float = 1.0) -> Image.Image:
    """The picture upright (EXIF orientation applied) in RGB, decoded at about `scale` or more."""
    with Image.open(path) as opened:
        if scale < 1.0:
            # JPEG decodes at 1/2, 1/4 or 1/8 scale for free; the draft stays at least this big.
            raw_w, raw_h = opened.size
            opened.draft("RGB", (math.ceil(raw_w * scale), math.ceil(raw_h * scale)))
        return _to_rgb(ImageOps.exif_transpose(opened))


def _decode_scale(
    path: Path, motion: Motion, fit: Fit, out_w: int, out_h: int, zoom: float
) -> float:
    """How much of the stored resolution the output can use (decode scale, at most 1)."""
    with Image.open(path) as opened:
        raw_w, raw_h = opened.size
        rotated = opened.getexif().get(0x0112, 1) in _ROTATING_ORIENTATIONS
    upright_w, upright_h = (raw_h, raw_w) if rotated else (raw_w, raw_h)
    if fit is Fit.CONTAIN:
        return float(min(1.0, zoom * max(out_w / upright_w, out_h / upright_h)))
    tightest = smallest_window_width(motion, upright_w, upright_h, out_w, out_h, zoom)
    return min(1.0, out_w / tightest)


def _whole(pixels: float) -> int:
    """Pixels rounded up, but a float a hair over a whole number is that number.

    A pan's window then spans exactly the output's pixels, so its frames are pure shifts.
    """
    nearest = round(pixels)
    return nearest if abs(pixels - nearest) < 1e-6 else math.ceil(pixels)


def _sample(source: Plane, window: tuple[float, float, float, float], target: Plane) -> None:
    """Fill `target` with the source window: a shift when it is target-sized, else a warp."""
    x, y, w, h = window
    height, width = target.shape
    if abs(w - width) < 1e-6 and abs(h - height) < 1e-6 and _shift(source, x, y, target):
        return
    _warp(source, window, target)


def _shift(source: Plane, x: float, y: float, target: Plane) -> bool:
    """Bilinear sample of the source at a sub-pixel offset; False if it would leave the source."""
    height, width = target.shape
    left, top = math.floor(x), math.floor(y)
    fx, fy = x - left, y - top
    # Each output pixel mixes its source pixel with the next one along an axis that has a
    # fraction, so the region reaches one row or column further on that axis.
    wide, tall = int(fx > 1e-9), int(fy > 1e-9)
    rows, cols = source.shape
    if left < 0 or top < 0 or left + width + wide > cols or top + height + tall > rows:
        return False
    region = source[top : top + height + tall, left : left + width + wide]
    if not (wide or tall):
        target[:] = region
        return True
    horizontal = np.array([1.0 - fx, fx] if wide else [1.0], dtype=np.float32)
    vertical = np.array([1.0 - fy, fy] if tall else [1.0], dtype=np.float32)
    kernel = np.outer(vertical, horizontal)
    shifted = cv2.filter2D(region, -1, kernel, anchor=(0, 0), borderType=cv2.BORDER_REPLICATE)
    target[:] = shifted[:height, :width]
    return True


def _warp(source: Plane, window: tuple[float, float, float, float], target: Plane) -> None:
    height, width = target.shape
    cv2.warpAffine(
        source,
        affine_for_window(window, width, height),
        (width, height),
        dst=target,
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_REPLICATE,
    )


def _to_rgb(image: Image.Image) -> Image.Image:
    """RGB, with any transparency laid over black (the colour of the frame around a still)."""
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (0, 0, 0, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    return image.convert("RGB")
