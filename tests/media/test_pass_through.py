"""Footage frames sent from decoder to encoder by splice are the frames Python would have drawn."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.media.renderer import render_timeline
from bot.studio.timeline import Shot, Timeline, Transition
from tests.media.helpers import assert_probed_video, make_still
from tests.support.synthetic_media import make_clip
from tests.support.video_checks import video_frames

pytestmark = pytest.mark.slow

WIDTH, HEIGHT, FPS = 320, 180, 24


def footage_story(folder: Path) -> Timeline:
    """A still, then three clips with captions (Vietnamese, a long one, none) and crossfades."""
    still = make_still(folder / "still.jpg", (40, 160, 60), (640, 480))
    clips = []
    for index in range(3):
        clip = folder / f"clip{index}.mp4"
        make_clip(clip, 2.5, 480, 270, 30, filters=f"hue=h={90 * index}")
        clips.append(clip)
    captions = ["Hội An về đêm", "", "Vịnh Hạ Long lúc bình minh, sương mù trên những đảo đá"]
    shots = [Shot(str(still), 0.0, 1.5, caption="Mở đầu", transition_in=Transition.FADE_BLACK)]
    start = 1.5
    for clip, caption in zip(clips, captions, strict=True):
        shots.append(Shot(str(still), start, 2.0, caption=caption, clip_path=str(clip)))
        start += 2.0
    return Timeline(
        width=WIDTH,
        height=HEIGHT,
        fps=FPS,
        shots=tuple(shots),
        title="Việt Nam",
        fade_out_seconds=1.0,
    )


def test_spliced_frames_equal_the_drawn_ones(tmp_path: Path) -> None:
    timeline = footage_story(tmp_path)
    spliced = render_timeline(timeline, tmp_path / "spliced.mp4", workers=2)
    drawn = render_timeline(timeline, tmp_path / "drawn.mp4", workers=2, pass_through=False)
    for result in (spliced, drawn):
        assert_probed_video(result, timeline.duration, (WIDTH, HEIGHT), FPS)
        assert result.fallback_shots == ()
    assert drawn.spliced_frames == 0
    # Most clip frames are spliced: all but transitions, the closing fade and thumbnail frames.
    assert spliced.spliced_frames > 0.6 * 3 * 2.0 * FPS, spliced.spliced_frames
    count = round(timeline.duration * FPS)
    frames = set(range(count))
    ours, theirs = video_frames(spliced.path, frames), video_frames(drawn.path, frames)
    assert sorted(ours) == sorted(theirs) == list(range(count))
    for index in range(count):
        assert np.array_equal(ours[index], theirs[index]), f"frame {index} differs"
    # The clips really move, captions included: not a held frame sent again and again.
    middle = round(4.5 * FPS)
    assert np.abs(ours[middle].astype(int) - ours[middle + 6].astype(int)).mean() > 2.0
