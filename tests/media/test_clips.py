"""Shots from video clips: cover-fitted, trimmed, or slowed and held to fill their slot."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from bot.media.clips import MAX_SLOWDOWN, ClipSource, probe_duration, slowdown
from bot.media.renderer import render_timeline
from bot.media.yuv import frame_to_rgb
from bot.studio.timeline import Motion, Shot, Timeline, Transition
from tests.media.helpers import assert_probed_video, make_still
from tests.support.synthetic_media import make_video
from tests.support.video_checks import video_frames

WIDTH, HEIGHT, FPS = 180, 320, 24  # vertical, so the 4:3 clip is cropped at its sides


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("clips")
    path = folder / "clip.mp4"
    path.write_bytes(make_video(2.0, 320, 240, 25))  # a moving test pattern with a counter
    make_still(folder / "still.jpg", (40, 120, 200), (640, 480))
    return path


def child_processes() -> list[str]:
    """Live or zombie children of this test process."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == os.getpid():
            children.append(f"{stat.parent.name} {fields[0]}")
    return children


def difference(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a.astype(np.int32) - b.astype(np.int32)).mean())


def test_slowdown_is_capped_and_long_clips_are_trimmed() -> None:
    assert slowdown(2.0, 2.5) == pytest.approx(1.25)
    assert slowdown(2.0, 5.0) == MAX_SLOWDOWN == 2.0
    assert slowdown(5.0, 2.0) == 1.0


def test_a_clip_source_moves_then_holds_its_last_frame(clip: Path) -> None:
    assert probe_duration(clip) == pytest.approx(2.0, abs=0.05)
    source = ClipSource(clip, 5.0, WIDTH, HEIGHT, FPS)  # 2 s slowed to 4 s, then 1 s held
    try:
        first, later = source.frame(0.0), source.frame(1.0)
        assert first.shape == (HEIGHT * 3 // 2, WIDTH)
        assert difference(first, later) > 2.0, "the clip plays"
        held = [source.frame(4.2), source.frame(4.6), source.frame(4.95)]
        assert difference(held[0], held[1]) == 0.0 and difference(held[1], held[2]) == 0.0
        # Asking for an earlier frame seeks back and gives the same picture as before.
        assert difference(source.frame(1.0), later) < 1.0
        beyond = source.frame(9.0)  # clamped to the slot's last frame
        assert difference(beyond, held[2]) == 0.0
    finally:
        source.close()


def test_clips_render_in_place_of_ken_burns(clip: Path, tmp_path: Path) -> None:
    still = str(clip.parent / "still.jpg")
    timeline = Timeline(
        width=WIDTH,
        height=HEIGHT,
        fps=FPS,
        shots=(
            Shot(still, 0.0, 1.0, motion=Motion.ZOOM_IN, transition_in=Transition.CUT),
            Shot(still, 1.0, 2.5, clip_path=str(clip), caption="Sóng vỗ bờ"),  # slowed
            Shot(still, 3.5, 1.0, clip_path=str(clip), transition_in=Transition.CUT),  # trimmed
            Shot(still, 4.5, 1.5, motion=Motion.PAN_LEFT),
        ),
    )
    before = set(child_processes())  # e.g. multiprocessing's resource tracker
    result = render_timeline(timeline, tmp_path / "clips.mp4")
    assert set(child_processes()) <= before, "every decoder and encoder is closed and reaped"
    assert_probed_video(result, 6.0, (WIDTH, HEIGHT), FPS)
    source = ClipSource(clip, 1.0, WIDTH, HEIGHT, FPS)
    try:
        expected = frame_to_rgb(source.frame(0.5), WIDTH, HEIGHT)
    finally:
        source.close()
    decoded = video_frames(result.path, {round(4.0 * FPS)})[round(4.0 * FPS)]
    assert difference(decoded, expected) < 6.0, "the trimmed clip plays at its own speed"


def test_a_cut_short_clip_holds_its_last_good_frame(clip: Path, tmp_path: Path) -> None:
    # A download that stopped early: the header promises 2 s, the data holds less.
    data = clip.read_bytes()
    short = tmp_path / "short.mp4"
    short.write_bytes(data[: len(data) // 3])
    source = ClipSource(short, 2.0, WIDTH, HEIGHT, FPS)
    try:
        late = source.frame(1.9)  # a seek past the data: read from the start instead
        assert difference(late, source.frame(1.95)) == 0.0
        assert difference(source.frame(0.0), late) > 2.0
    finally:
        source.close()
