"""Ken Burns geometry: windows stay inside the picture, keep the aspect, and move smoothly."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from bot.media.motion import (
    affine_for_window,
    cover_window,
    crop_window,
    ease,
    motion_bounds,
    smallest_window_width,
)
from bot.studio.timeline import Motion

SRC_W, SRC_H = 1600.0, 1200.0  # 4:3 still
OUT_W, OUT_H = 1280, 720  # 16:9 video
FPS, SECONDS = 30, 5.0


def windows(
    motion: Motion,
    focus: tuple[float, float] | None = None,
    src: tuple[float, float] = (SRC_W, SRC_H),
) -> np.ndarray:
    """Windows of every frame of a 5 s shot, as rows (x, y, w, h)."""
    frames = round(FPS * SECONDS)
    return np.array(
        [
            crop_window(motion, i / (frames - 1), *src, OUT_W, OUT_H, focus=focus)
            for i in range(frames)
        ]
    )


def test_ease_is_smoothstep_clamped() -> None:
    assert ease(-1.0) == 0.0
    assert ease(0.0) == 0.0
    assert ease(0.5) == pytest.approx(0.5)
    assert ease(1.0) == 1.0
    assert ease(2.0) == 1.0


def test_cover_window_fills_the_output_aspect() -> None:
    x, y, w, h = cover_window(SRC_W, SRC_H, OUT_W, OUT_H)
    assert (w, h) == pytest.approx((1600.0, 900.0))
    assert (x, y) == pytest.approx((0.0, 150.0))
    x, y, w, h = cover_window(1920.0, 1080.0, 720, 1280)  # landscape still, vertical video
    assert h == pytest.approx(1080.0)
    assert w / h == pytest.approx(720 / 1280)
    assert x + w / 2 == pytest.approx(960.0)


@pytest.mark.parametrize("motion", list(Motion))
def test_windows_stay_inside_the_picture_with_the_output_aspect(motion: Motion) -> None:
    for x, y, w, h in windows(motion):
        assert x >= -1e-9 and y >= -1e-9
        assert x + w <= SRC_W + 1e-9 and y + h <= SRC_H + 1e-9
        assert w / h == pytest.approx(OUT_W / OUT_H)


@pytest.mark.parametrize("motion", list(Motion))
def test_windows_stay_inside_the_move_bounds(motion: Motion) -> None:
    bx, by, bw, bh = motion_bounds(motion, SRC_W, SRC_H, OUT_W, OUT_H)
    for x, y, w, h in windows(motion):
        assert x >= bx - 1e-9 and y >= by - 1e-9
        assert x + w <= bx + bw + 1e-9 and y + h <= by + bh + 1e-9
    tightest = smallest_window_width(motion, SRC_W, SRC_H, OUT_W, OUT_H)
    assert tightest == pytest.approx(windows(motion)[:, 2].min())


def test_zoom_in_shrinks_a_centred_window_by_the_zoom() -> None:
    rows = windows(Motion.ZOOM_IN)
    assert rows[0, 2] / rows[-1, 2] == pytest.approx(1.15)
    centres = rows[:, :2] + rows[:, 2:] / 2
    assert np.allclose(centres, [800.0, 600.0])
    assert np.all(np.diff(rows[:, 2]) < 0)


def test_zoom_out_is_zoom_in_reversed() -> None:
    assert np.allclose(windows(Motion.ZOOM_OUT), windows(Motion.ZOOM_IN)[::-1])


@pytest.mark.parametrize(
    ("motion", "axis", "sign"),
    [
        (Motion.PAN_RIGHT, 0, 1),
        (Motion.PAN_LEFT, 0, -1),
        (Motion.PAN_DOWN, 1, 1),
        (Motion.PAN_UP, 1, -1),
    ],
)
def test_pans_move_one_way_at_constant_size(motion: Motion, axis: int, sign: int) -> None:
    rows = windows(motion)
    assert np.allclose(rows[:, 2], rows[0, 2])
    steps = np.diff(rows[:, axis]) * sign
    assert np.all(steps > 0)
    assert np.allclose(np.diff(rows[:, 1 - axis]), 0.0)


@pytest.mark.parametrize("motion", [m for m in Motion if m is not Motion.STILL])
def test_motion_has_no_repeated_or_skipped_positions(motion: Motion) -> None:
    rows = windows(motion)
    # Movement per frame of the edge that moves most (a zoom moves both edges).
    moving = np.abs(np.diff(rows[:, 0])) + np.abs(np.diff(rows[:, 1])) + np.abs(np.diff(rows[:, 2]))
    assert np.all(moving > 0), "a frame repeats the previous window"
    middle = moving[len(moving) // 4 : 3 * len(moving) // 4]
    # Smoothstep's speed varies by at most 4/3 over its middle half: no jumps, no stalls.
    assert middle.max() / middle.min() < 1.4
    assert 0.05 < middle.mean() < 5.0, "sub-pixel to a few pixels a frame, not whole jumps"


def test_still_does_not_move() -> None:
    rows = windows(Motion.STILL)
    assert np.allclose(rows, rows[0])


def test_progress_outside_the_shot_is_clamped() -> None:
    before = crop_window(Motion.PAN_RIGHT, -0.3, SRC_W, SRC_H, OUT_W, OUT_H)
    after = crop_window(Motion.PAN_RIGHT, 1.7, SRC_W, SRC_H, OUT_W, OUT_H)
    assert before == crop_window(Motion.PAN_RIGHT, 0.0, SRC_W, SRC_H, OUT_W, OUT_H)
    assert after == crop_window(Motion.PAN_RIGHT, 1.0, SRC_W, SRC_H, OUT_W, OUT_H)


def test_affine_maps_the_window_edges_onto_the_frame_edges() -> None:
    window = (100.25, 50.5, 640.0, 360.0)
    matrix = affine_for_window(window, OUT_W, OUT_H)
    # cv2 index coordinates: continuous coordinate u is index u - 0.5.
    top_left = matrix @ np.array([100.25 - 0.5, 50.5 - 0.5, 1.0])
    bottom_right = matrix @ np.array([740.25 - 0.5, 410.5 - 0.5, 1.0])
    assert top_left == pytest.approx([-0.5, -0.5])
    assert bottom_right == pytest.approx([OUT_W - 0.5, OUT_H - 0.5])


def test_warp_samples_the_sub_pixel_window() -> None:
    # A ramp whose value is the column index: the warped columns read back the source positions.
    ramp = np.tile(np.arange(400, dtype=np.float32), (100, 1))
    window = (10.3, 0.0, 200.0, 50.0)
    out = cv2.warpAffine(
        ramp, affine_for_window(window, 400, 100), (400, 100), flags=cv2.INTER_LINEAR
    )
    expected = 10.3 + (np.arange(400) + 0.5) * 0.5 - 0.5
    assert np.allclose(out[50, 2:-2], expected[2:-2], atol=0.02)


FOCI = [(0.5, 0.5), (0.15, 0.2), (0.9, 0.85), (0.0, 1.0)]


@pytest.mark.parametrize("focus", FOCI)
@pytest.mark.parametrize(
    "motion",
    [
        Motion.ZOOM_IN,
        Motion.ZOOM_OUT,
        Motion.PAN_LEFT,
        Motion.PAN_RIGHT,
        Motion.PAN_UP,
        Motion.PAN_DOWN,
    ],
)
def test_windows_are_continuous_and_monotone_around_any_focus(
    motion: Motion, focus: tuple[float, float]
) -> None:
    for src in [(SRC_W, SRC_H), (1080.0, 1920.0)]:
        rows = windows(motion, focus, src)
        edges = np.column_stack(
            [rows[:, 0], rows[:, 1], rows[:, 0] + rows[:, 2], rows[:, 1] + rows[:, 3]]
        )
        steps = np.diff(edges, axis=0)
        for column in steps.T:  # every edge moves one way only
            assert np.all(column >= -1e-9) or np.all(column <= 1e-9)
        # Continuous: no edge moves more than a few pixels between frames (eased, no jumps).
        assert np.abs(steps).max() < 6.0
        assert np.all(rows[:, 0] >= -1e-9) and np.all(rows[:, 0] + rows[:, 2] <= src[0] + 1e-9)
        assert np.all(rows[:, 1] >= -1e-9) and np.all(rows[:, 1] + rows[:, 3] <= src[1] + 1e-9)
        assert np.allclose(rows[:, 2] / rows[:, 3], OUT_W / OUT_H)


def test_the_cover_crop_moves_to_the_focus() -> None:
    # A portrait still in a landscape frame: the crop slides along the height only.
    x, y, w, h = cover_window(1200.0, 1600.0, OUT_W, OUT_H, focus=(0.5, 0.3))
    assert (x, w) == pytest.approx((0.0, 1200.0))
    assert y + h / 2 == pytest.approx(0.3 * 1600.0)
    x, y, w, h = cover_window(1200.0, 1600.0, OUT_W, OUT_H, focus=(0.5, 0.01))
    assert y == 0.0, "clamped inside the picture"


def test_a_zoom_closes_in_on_the_focus() -> None:
    focus = (0.3, 0.4)
    rows = windows(Motion.ZOOM_IN, focus)
    bx, by, bw, bh = cover_window(SRC_W, SRC_H, OUT_W, OUT_H, focus)
    px, py = focus[0] * SRC_W, focus[1] * SRC_H
    # The focus point keeps its place in the frame while the window shrinks around it.
    assert np.allclose((px - rows[:, 0]) / rows[:, 2], (px - bx) / bw)
    assert np.allclose((py - rows[:, 1]) / rows[:, 3], (py - by) / bh)
    assert rows[0, 2] / rows[-1, 2] == pytest.approx(1.15)


def test_a_pan_keeps_the_focus_level() -> None:
    rows = windows(Motion.PAN_RIGHT, (0.5, 0.3), src=(1600.0, 1600.0))
    assert np.allclose(rows[:, 1] + rows[:, 3] / 2, 0.3 * 1600.0)
