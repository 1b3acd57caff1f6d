"""Ken Burns frames of a still: sub-pixel motion, with no integer stepping, by shift or warp."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from bot.media.stills import prepare_still
from bot.media.yuv import planes
from bot.studio.timeline import Motion

WIDTH, HEIGHT, FRAMES = 640, 360, 30


@pytest.fixture(scope="module")
def spot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A dark photo with one soft bright spot in the middle, to follow frame by frame."""
    ys, xs = np.mgrid[0:900, 0:1600].astype(np.float32)
    grey = 20 + 210 * np.exp(-((xs - 800) ** 2 + (ys - 450) ** 2) / (2 * 60.0**2))
    path = tmp_path_factory.mktemp("stills") / "spot.png"
    Image.fromarray(np.dstack([grey.astype(np.uint8)] * 3)).save(path)
    return path


def spot_track(path: Path, motion: Motion) -> np.ndarray:
    """Per frame: the spot's centroid (x, y) in frame pixels and its apparent size."""
    still = prepare_still(path, motion, WIDTH, HEIGHT)
    ys, xs = np.mgrid[0:HEIGHT, 0:WIDTH]
    track = []
    for index in range(FRAMES):
        luma, _, _ = planes(still.frame(index / (FRAMES - 1), WIDTH, HEIGHT), WIDTH, HEIGHT)
        weight = np.clip(luma.astype(np.float64) - 40.0, 0.0, None)
        total = weight.sum()
        cx, cy = (weight * xs).sum() / total, (weight * ys).sum() / total
        spread = np.sqrt((weight * ((xs - cx) ** 2 + (ys - cy) ** 2)).sum() / total)
        track.append((cx, cy, spread))
    return np.array(track)


def assert_smooth(steps: np.ndarray) -> None:
    """Every frame moves the same way, and the eased speed changes gently: no stepping."""
    assert np.all(steps > 0), "a frame repeats (or reverses) the previous position"
    middle = steps[FRAMES // 4 : 3 * FRAMES // 4]
    assert middle.max() / middle.min() < 1.5
    assert np.abs(np.diff(middle)).max() < 0.25 * middle.mean()


@pytest.mark.parametrize(
    ("motion", "axis", "sign"),
    [
        (Motion.PAN_RIGHT, 0, -1),
        (Motion.PAN_LEFT, 0, 1),
        (Motion.PAN_DOWN, 1, -1),
        (Motion.PAN_UP, 1, 1),
    ],
)
def test_a_pan_moves_the_picture_a_fraction_of_a_pixel_each_frame(
    spot: Path, motion: Motion, axis: int, sign: int
) -> None:
    track = spot_track(spot, motion)
    assert_smooth(np.diff(track[:, axis]) * sign)
    assert np.abs(np.diff(track[:, 1 - axis])).max() < 0.01, "and only along its axis"


def test_a_zoom_grows_the_picture_a_little_each_frame(spot: Path) -> None:
    track = spot_track(spot, Motion.ZOOM_IN)
    assert_smooth(np.diff(track[:, 2]))
    assert np.allclose(track[:, 0], (WIDTH - 1) / 2, atol=1.0), "closing in on the spot"
