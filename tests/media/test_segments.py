"""Incremental renders: segments cached by their inputs, joined without seams."""

from __future__ import annotations

import dataclasses
import itertools
import os
from pathlib import Path

import numpy as np
import pytest

from bot.media.frames import TimelineFrames
from bot.media.renderer import render_timeline
from bot.media.segments import plan_segments, prune
from bot.studio.timeline import Motion, Shot, Timeline, Transition
from tests.media.helpers import assert_probed_video, make_song, make_still
from tests.support.video_checks import video_frames

WIDTH, HEIGHT, FPS = 320, 180, 24
COLOURS = [(200, 40, 40), (40, 160, 60), (40, 60, 200), (200, 180, 40), (120, 40, 160)]
TRANSITIONS = [
    Transition.FADE_BLACK,
    Transition.CROSSFADE,
    Transition.CROSSFADE,
    Transition.CUT,
    Transition.CROSSFADE,
]


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("segments")
    for index, colour in enumerate(COLOURS):
        make_still(folder / f"still{index}.jpg", colour, (480 + 40 * index, 360))
    make_still(folder / "other.jpg", (240, 240, 240), (500, 400))
    make_song(folder / "song.wav", 8.0)
    return folder


def timeline(media: Path) -> Timeline:
    starts = [0.0, 1.25, 2.5, 3.52, 4.75]  # uneven, and not all on whole frames of 24 fps
    ends = [*starts[1:], 6.0]
    return Timeline(
        width=WIDTH,
        height=HEIGHT,
        fps=FPS,
        title="Tựa đề",
        audio_path=str(media / "song.wav"),
        shots=tuple(
            Shot(
                str(media / f"still{i}.jpg"),
                start,
                end - start,
                caption=f"Cảnh {i + 1}",
                motion=list(Motion)[i],
                transition_in=TRANSITIONS[i],
                transition_seconds=0.5,
            )
            for i, (start, end) in enumerate(zip(starts, ends, strict=True))
        ),
    )


def replace_shot(timeline: Timeline, index: int, **changes: object) -> Timeline:
    shots = list(timeline.shots)
    shots[index] = dataclasses.replace(shots[index], **changes)  # type: ignore[arg-type]
    return dataclasses.replace(timeline, shots=tuple(shots))


def test_segments_cover_every_frame_once(media: Path) -> None:
    segments = plan_segments(timeline(media), {})
    assert segments[0].first == 0
    for before, after in itertools.pairwise(segments):
        assert before.first + before.count == after.first
    assert segments[-1].first + segments[-1].count == round(6.0 * FPS)
    assert len({s.key for s in segments}) == len(segments) == 5
    # A crossfade belongs to the shot it leads into; a cut or a fade through black does not.
    assert [s.shots for s in segments] == [(0,), (0, 1), (1, 2), (3,), (3, 4)]


@pytest.mark.slow
def test_changing_one_scene_encodes_it_and_the_crossfade_out_of_it(
    media: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    first = render_timeline(timeline(media), tmp_path / "a.mp4", segment_dir=cache)
    assert (first.encoded_segments, first.reused_segments) == (5, 0)

    again = render_timeline(timeline(media), tmp_path / "b.mp4", segment_dir=cache)
    assert (again.encoded_segments, again.reused_segments) == (0, 5)

    # Shot 1's picture shows in its own segment and in the crossfade into shot 2.
    changed = replace_shot(timeline(media), 1, image_path=str(media / "other.jpg"))
    result = render_timeline(changed, tmp_path / "c.mp4", segment_dir=cache)
    assert (result.encoded_segments, result.reused_segments) == (2, 3)
    assert_probed_video(result, 6.0, (WIDTH, HEIGHT), FPS)

    # Shot 2 ends in a cut: a new caption touches its segment alone.
    recaptioned = replace_shot(changed, 2, caption="Cảnh mới")
    result = render_timeline(recaptioned, tmp_path / "d.mp4", segment_dir=cache)
    assert (result.encoded_segments, result.reused_segments) == (1, 4)

    # A new song re-encodes no picture at all.
    make_song(tmp_path / "song2.wav", 7.0)
    resung = dataclasses.replace(recaptioned, audio_path=str(tmp_path / "song2.wav"))
    result = render_timeline(resung, tmp_path / "e.mp4", segment_dir=cache)
    assert result.encoded_segments == 0
    assert_probed_video(result, 6.0, (WIDTH, HEIGHT), FPS)


def test_joined_segments_show_the_timeline_frame_for_frame(media: Path, tmp_path: Path) -> None:
    subject = timeline(media)
    result = render_timeline(subject, tmp_path / "v.mp4", crf=12)
    frames = TimelineFrames(subject)
    # Frames either side of every segment seam, and a few inside.
    seams = {s.first for s in plan_segments(subject, {})} - {0}
    wanted = {n + d for n in seams for d in (-1, 0)} | {5, 70, 140}
    decoded = video_frames(result.path, wanted)
    assert set(decoded) == wanted
    for number, picture in decoded.items():
        expected = frames.frame_at(number / FPS).astype(np.float64)
        error = float(np.mean((picture.astype(np.float64) - expected) ** 2))
        psnr = 10 * np.log10(255**2 / max(error, 1e-9))
        assert psnr > 30, f"frame {number} matches the timeline (PSNR {psnr:.1f} dB)"
    frames.close()


def test_the_cache_is_pruned_least_recently_used_first(tmp_path: Path) -> None:
    for index in range(5):
        path = tmp_path / f"{index}.mp4"
        path.write_bytes(b"x" * 1000)
        stamp = 1_000_000 + index
        os.utime(path, (stamp, stamp))
    assert prune(tmp_path, 2500) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["3.mp4", "4.mp4"]
