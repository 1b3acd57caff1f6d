"""Scene durations, output sizes and the timeline layout."""

import itertools

import pytest

from bot.studio.timeline import Fit, Motion, Transition
from bot.studio.timing import (
    Pace,
    ShotSource,
    build_timeline,
    default_motion,
    output_size,
    scene_durations,
    slow_pace,
    suggested_scene_count,
)


def test_durations_split_the_song_exactly_on_frames() -> None:
    durations = scene_durations(
        [None, None, None], song_seconds=20.0, seconds_without_song=4.0, fps=30
    )
    assert sum(durations) == pytest.approx(20.0, abs=1 / 30)
    assert all(abs(d * 30 - round(d * 30)) < 1e-9 for d in durations)
    assert max(durations) - min(durations) <= 1 / 30 + 1e-9


def test_durations_follow_wishes_in_proportion() -> None:
    durations = scene_durations([2.0, 6.0], song_seconds=16.0, seconds_without_song=4.0, fps=25)
    assert durations == [4.0, 12.0]


def test_without_song_each_scene_gets_the_default() -> None:
    assert scene_durations([None, None], None, 4.0, fps=30) == [4.0, 4.0]


def test_a_short_song_still_gives_every_scene_a_second() -> None:
    durations = scene_durations([None] * 5, song_seconds=2.0, seconds_without_song=4.0, fps=30)
    assert all(d >= 1.0 for d in durations)


def test_no_scenes_no_durations() -> None:
    assert scene_durations([], 10.0, 4.0, 30) == []


@pytest.mark.parametrize(
    ("aspect", "short", "size"),
    [
        ("9:16", 720, (720, 1280)),
        ("16:9", 720, (1280, 720)),
        ("1:1", 720, (720, 720)),
        ("9:16", 1080, (1080, 1920)),
        ("16:9", 1080, (1920, 1080)),
        ("1:1", 1080, (1080, 1080)),
    ],
)
def test_output_sizes(aspect: str, short: int, size: tuple[int, int]) -> None:
    assert output_size(aspect, short) == size


def test_output_size_is_even() -> None:
    width, height = output_size("9:16", 1081)
    assert width % 2 == 0 and height % 2 == 0


def test_motion_varies_between_neighbours() -> None:
    moves = [default_motion(n) for n in range(1, 8)]
    assert all(a != b for a, b in itertools.pairwise(moves))


def test_timeline_tiles_shots_without_gaps() -> None:
    sources = [
        ShotSource(f"/p{i}.jpg", f"c{i}", Motion.ZOOM_IN, Transition.CROSSFADE) for i in range(3)
    ]
    timeline = build_timeline(
        sources,
        width=640,
        height=360,
        fps=30,
        title="T",
        audio_path=None,
        song_seconds=9.0,
        seconds_without_song=4.0,
    )
    assert timeline.duration == pytest.approx(9.0)
    for before, after in zip(timeline.shots, timeline.shots[1:], strict=False):
        assert after.start == pytest.approx(before.end)
    assert all(s.transition_seconds <= s.duration / 3 + 1e-9 for s in timeline.shots)


def test_fit_focus_and_clips_reach_the_shots() -> None:
    sources = [
        ShotSource("/a.jpg", "", Motion.STILL, Transition.CUT, fit=Fit.CONTAIN),
        ShotSource(
            "/b.jpg", "", Motion.ZOOM_IN, Transition.CUT, focus=(0.2, 0.3), clip_path="/b.mp4"
        ),
    ]
    timeline = build_timeline(
        sources,
        width=640,
        height=360,
        fps=30,
        title="",
        audio_path=None,
        song_seconds=None,
        seconds_without_song=2.0,
    )
    first, second = timeline.shots
    assert (first.fit, first.focus, first.clip_path) == (Fit.CONTAIN, None, None)
    assert (second.fit, second.focus, second.clip_path) == (Fit.COVER, (0.2, 0.3), "/b.mp4")


@pytest.mark.parametrize(
    ("song", "scenes", "pace"),
    [
        (None, 3, None),
        (180.0, 0, None),
        (36.0, 3, None),  # 12 s each is still lively
        (40.0, 2, Pace(20.0, 5)),
        (192.0, 3, Pace(64.0, 24)),
    ],
)
def test_a_slow_pace_is_named_with_the_scenes_that_would_suit_the_song(
    song: float | None, scenes: int, pace: Pace | None
) -> None:
    assert slow_pace(song, scenes) == pace


@pytest.mark.parametrize(
    ("song", "tempo", "count"),
    [
        (180.0, None, 22),  # one per 8 s, as slow_pace suggests
        (180.0, 120.0, 22),  # a phrase of 16 beats is 8 s
        (180.0, 160.0, 30),  # faster: 6 s scenes
        (180.0, 60.0, 15),  # slow: 16 s phrases held to 12 s
        (180.0, 300.0, 45),  # very fast (or a doubled tempo): no quicker than 4 s
        (30.0, 60.0, 3),  # never slower than lively on average
        (3.0, None, 1),
        (0.0, 120.0, 1),
        (float("nan"), None, 1),
    ],
)
def test_the_suggested_scene_count_follows_length_and_tempo(
    song: float, tempo: float | None, count: int
) -> None:
    assert suggested_scene_count(song, tempo) == count
    if song > 0 and count > 1:
        assert slow_pace(song, count) is None


def test_slow_pace_suggests_the_same_count_without_a_tempo() -> None:
    pace = slow_pace(192.0, 3)
    assert pace is not None and pace.suggested_scenes == suggested_scene_count(192.0)
