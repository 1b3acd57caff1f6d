"""Fitting photos to the frame: cover crops that keep the detail, and the blurred contain."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from bot.media.fitting import CENTRE, contain_canvas, detail_centre, find_focus
from bot.media.frames import TimelineFrames
from bot.studio.timeline import Fit, Motion, Shot, Timeline, Transition

WIDTH, HEIGHT, FPS = 180, 320, 24  # a vertical video, so landscape photos must be cropped


def photo_with_detail_at(x: float, y: float, size: tuple[int, int] = (1600, 900)) -> Image.Image:
    """A flat, softly graded photo with one busy checkerboard subject centred at (x, y)."""
    w, h = size
    ramp = np.linspace(90, 120, w, dtype=np.float32)[None, :, None]
    pixels = np.broadcast_to(ramp, (h, w, 3)).astype(np.uint8).copy()
    cx, cy, half = round(x * w), round(y * h), round(0.1 * h)
    ys, xs = np.mgrid[cy - half : cy + half, cx - half : cx + half]
    pixels[cy - half : cy + half, cx - half : cx + half] = (((xs // 30 + ys // 30) % 2) * 255)[
        :, :, None
    ]
    return Image.fromarray(pixels)


def render_still(path: Path, fit: Fit, motion: Motion, t: float) -> np.ndarray:
    shot = Shot(str(path), 0.0, 3.0, motion=motion, transition_in=Transition.CUT, fit=fit)
    frames = TimelineFrames(Timeline(WIDTH, HEIGHT, FPS, (shot,), fade_out_seconds=0.0))
    try:
        return frames.frame_at(t)
    finally:
        frames.close()


@pytest.mark.parametrize(("x", "y"), [(0.82, 0.5), (0.15, 0.3), (0.5, 0.7)])
def test_the_focus_is_the_detailed_region(x: float, y: float) -> None:
    fx, fy = detail_centre(photo_with_detail_at(x, y))
    assert fx == pytest.approx(x, abs=0.05) and fy == pytest.approx(y, abs=0.08)


def test_a_photo_without_a_subject_is_cropped_in_the_middle() -> None:
    flat = Image.fromarray(np.full((600, 800, 3), 128, dtype=np.uint8))
    assert detail_centre(flat) == CENTRE
    assert find_focus(flat) == CENTRE


def test_a_cover_crop_keeps_the_subject_in_the_frame(tmp_path: Path) -> None:
    path = tmp_path / "subject-right.png"
    photo_with_detail_at(0.85, 0.5).save(path)
    for t in (0.0, 1.0, 1.9):  # (the video's last second fades to black)
        luma = render_still(path, Fit.COVER, Motion.ZOOM_IN, t).mean(axis=2)
        # The checkerboard's black and white squares are in view; a centred crop of this
        # 16:9 photo into 9:16 would show only the flat grey ramp.
        assert (luma < 40).mean() > 0.02 and (luma > 215).mean() > 0.02, t


def test_contain_shows_the_whole_photo_over_a_dark_blur(tmp_path: Path) -> None:
    pixels = np.full((400, 800, 3), 235, dtype=np.uint8)
    for edge in (pixels[:12], pixels[-12:], pixels[:, :12], pixels[:, -12:]):
        edge[:] = (220, 0, 0)
    path = tmp_path / "bordered.png"
    Image.fromarray(pixels).save(path)
    for motion in (Motion.ZOOM_IN, Motion.PAN_LEFT, Motion.PAN_DOWN):
        for t in (0.0, 1.0, 1.9):  # (the video's last second fades to black)
            frame = render_still(path, Fit.CONTAIN, motion, t).astype(np.int32)
            white = frame.min(axis=2) > 200
            red = (frame[:, :, 0] > 120) & (frame[:, :, 1] < 110) & (frame[:, :, 2] < 110)
            rows, cols = np.flatnonzero(white.any(axis=1)), np.flatnonzero(white.any(axis=0))
            top, bottom, left, right = rows[0], rows[-1], cols[0], cols[-1]
            assert top > 0 and bottom < HEIGHT - 1 and left > 0 and right < WIDTH - 1
            # The red border is there on all four sides: the photo is whole, not cropped.
            middle_row, middle_col = (top + bottom) // 2, (left + right) // 2
            assert red[max(0, top - 4) : top, middle_col].any(), (motion, t)
            assert red[bottom + 1 : bottom + 5, middle_col].any(), (motion, t)
            assert red[middle_row, max(0, left - 4) : left].any(), (motion, t)
            assert red[middle_row, right + 1 : right + 5].any(), (motion, t)
            above = frame[: max(1, top - 6)]
            assert above.mean() < 160, "a darkened backdrop above the photo"
            assert np.abs(np.diff(above, axis=1)).mean() < 3, "blurred"


def test_the_contain_canvas_has_the_output_aspect_and_room_for_the_move() -> None:
    photo = Image.new("RGB", (800, 400), (200, 200, 200))
    canvas = contain_canvas(photo, Motion.ZOOM_IN, 180, 320)
    assert canvas.width / canvas.height == pytest.approx(180 / 320, rel=0.01)
    assert canvas.width == pytest.approx(180 * 1.15, abs=1)
    still = contain_canvas(photo, Motion.STILL, 180, 320)
    assert still.size == (180, 320)
