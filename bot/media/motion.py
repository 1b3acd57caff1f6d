"""Ken Burns motion as pure geometry: the sub-pixel source window a frame shows, and its matrix.

Windows are `(x, y, w, h)` in continuous source coordinates (pixel edges at integers). Every
window has the output's aspect ratio and lies inside the cover-fit window of the source. A focus
point (fractions of the source) places the cover window and is the point a zoom closes in on.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from bot.studio.timeline import Motion

Window = tuple[float, float, float, float]
Focus = tuple[float, float]

DEFAULT_ZOOM = 1.15


def ease(progress: float) -> float:
    """Smoothstep ease-in-out of a progress clamped to [0, 1]."""
    p = min(1.0, max(0.0, progress))
    return p * p * (3.0 - 2.0 * p)


def cover_window(
    src_w: float, src_h: float, out_w: float, out_h: float, focus: Focus | None = None
) -> Window:
    """Largest window of the source with the output's aspect, centred on `focus` if it can be."""
    aspect = out_w / out_h
    if src_w / src_h > aspect:
        w, h = src_h * aspect, src_h
    else:
        w, h = src_w, src_w / aspect
    fx, fy = focus or (0.5, 0.5)
    return (
        _clamp(fx * src_w - w / 2.0, 0.0, src_w - w),
        _clamp(fy * src_h - h / 2.0, 0.0, src_h - h),
        w,
        h,
    )


def crop_window(
    motion: Motion,
    progress: float,
    src_w: float,
    src_h: float,
    out_w: float,
    out_h: float,
    zoom: float = DEFAULT_ZOOM,
    focus: Focus | None = None,
) -> Window:
    """Source window shown at `progress` (0..1, clamped, eased) of a shot with this motion."""
    bx, by, bw, bh = cover_window(src_w, src_h, out_w, out_h, focus)
    fx, fy = focus or (0.5, 0.5)
    # The focus point as seen in the cover window: zooms scale about it, pans keep it level.
    px = _clamp(fx * src_w, bx, bx + bw)
    py = _clamp(fy * src_h, by, by + bh)
    p = ease(progress)
    if motion in (Motion.ZOOM_IN, Motion.ZOOM_OUT):
        # Interpolating the scale (not the width) keeps the apparent zoom speed even.
        start, end = (1.0, 1.0 / zoom) if motion is Motion.ZOOM_IN else (1.0 / zoom, 1.0)
        scale = start * (end / start) ** p
        return (px + (bx - px) * scale, py + (by - py) * scale, bw * scale, bh * scale)
    if motion is Motion.STILL:
        return (bx, by, bw, bh)
    w, h = bw / zoom, bh / zoom
    room_x, room_y = bw - w, bh - h
    level_x = _clamp(px - w / 2.0 - bx, 0.0, room_x)
    level_y = _clamp(py - h / 2.0 - by, 0.0, room_y)
    # A pan moves the camera: panning left shows what lies left, so the window moves left.
    offsets = {
        Motion.PAN_LEFT: (room_x * (1.0 - p), level_y),
        Motion.PAN_RIGHT: (room_x * p, level_y),
        Motion.PAN_UP: (level_x, room_y * (1.0 - p)),
        Motion.PAN_DOWN: (level_x, room_y * p),
    }
    dx, dy = offsets[motion]
    return (bx + dx, by + dy, w, h)


def motion_bounds(
    motion: Motion,
    src_w: float,
    src_h: float,
    out_w: float,
    out_h: float,
    zoom: float = DEFAULT_ZOOM,
    focus: Focus | None = None,
) -> Window:
    """Smallest window holding every window of the move (its first and last: moves are monotone)."""
    first = crop_window(motion, 0.0, src_w, src_h, out_w, out_h, zoom, focus)
    last = crop_window(motion, 1.0, src_w, src_h, out_w, out_h, zoom, focus)
    x0, y0 = min(first[0], last[0]), min(first[1], last[1])
    x1 = max(first[0] + first[2], last[0] + last[2])
    y1 = max(first[1] + first[3], last[1] + last[3])
    return (x0, y0, x1 - x0, y1 - y0)


def motion_overlap(
    motion: Motion,
    src_w: float,
    src_h: float,
    out_w: float,
    out_h: float,
    zoom: float = DEFAULT_ZOOM,
) -> Window:
    """The part of the source that every window of the move shows (what a contain fit keeps)."""
    first = crop_window(motion, 0.0, src_w, src_h, out_w, out_h, zoom)
    last = crop_window(motion, 1.0, src_w, src_h, out_w, out_h, zoom)
    x0, y0 = max(first[0], last[0]), max(first[1], last[1])
    x1 = min(first[0] + first[2], last[0] + last[2])
    y1 = min(first[1] + first[3], last[1] + last[3])
    return (x0, y0, x1 - x0, y1 - y0)


def smallest_window_width(
    motion: Motion,
    src_w: float,
    src_h: float,
    out_w: float,
    out_h: float,
    zoom: float = DEFAULT_ZOOM,
) -> float:
    """Width of the tightest window of the move: it sets the detail the source must keep."""
    first = crop_window(motion, 0.0, src_w, src_h, out_w, out_h, zoom)
    last = crop_window(motion, 1.0, src_w, src_h, out_w, out_h, zoom)
    return min(first[2], last[2])


def affine_for_window(window: Window, out_w: int, out_h: int) -> NDArray[np.float64]:
    """2x3 matrix mapping source pixels to output pixels for `cv2.warpAffine` (forward map).

    cv2 puts pixel centres at integer coordinates, so continuous coordinate u is index u - 0.5.
    """
    x, y, w, h = window
    kx, ky = out_w / w, out_h / h
    return np.array(
        [
            [kx, 0.0, (0.5 - x) * kx - 0.5],
            [0.0, ky, (0.5 - y) * ky - 0.5],
        ],
        dtype=np.float64,
    )


def _clamp(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)
