"""Beat tracking on synthetic songs of known tempo, and scenes cut on the beats it finds."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from bot.media.beats import analyse_song
from bot.studio.beats import (
    SongAnalysis,
    beat_period,
    snap_to_beats,
    transition_seconds,
)
from bot.studio.timeline import Motion, Transition
from bot.studio.timing import ShotSource, build_timeline, scene_durations
from tests.support.synthetic_media import beat_times, make_song

FPS = 30


@pytest.fixture(scope="module")
def songs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("songs")


def song(
    folder: Path, bpm: float, seconds: float = 20.0, intro: float = 0.0, fmt: str = "mp3"
) -> Path:
    path = folder / f"song-{bpm}-{seconds}-{intro}.{fmt}"
    if not path.exists():
        make_song(path, seconds, bpm, fmt, silent_intro=intro)  # type: ignore[arg-type]
    return path


@pytest.mark.parametrize("bpm", [90.0, 120.0, 140.0])
def test_tempo_is_found_within_two_percent(songs: Path, bpm: float) -> None:
    analysis = analyse_song(song(songs, bpm))
    assert analysis.tempo_bpm == pytest.approx(bpm, rel=0.02)
    assert analysis.duration == pytest.approx(20.0, abs=0.1)
    truth = beat_times(20.0, bpm)
    assert len(analysis.beats) >= len(truth) - 2


def test_a_silent_intro_has_no_beats_and_the_tempo_holds(songs: Path) -> None:
    analysis = analyse_song(song(songs, 120.0, intro=3.0))
    assert analysis.tempo_bpm == pytest.approx(120.0, rel=0.02)
    assert analysis.beats[0] == pytest.approx(3.0, abs=0.05), "no beats in the silence"


def test_beats_land_on_the_kicks(songs: Path) -> None:
    # WAV: no codec delay, so the detected beats can be held to the synthetic kick times.
    analysis = analyse_song(song(songs, 128.0, intro=1.3, fmt="wav"))
    truth = np.array(beat_times(20.0, 128.0, 1.3))
    errors = [float(np.min(np.abs(truth - beat))) for beat in analysis.beats]
    assert max(errors) < 0.02, "every beat within 20 ms of a kick"
    assert len(analysis.beats) >= len(truth) - 1


def test_silence_has_no_beats(tmp_path: Path) -> None:
    path = tmp_path / "silence.wav"
    make_song(path, 3.0, 120.0, "wav", silent_intro=5.0)  # the kicks would start after the end
    analysis = analyse_song(path)
    assert analysis.beats == ()
    assert analysis.duration == pytest.approx(3.0, abs=0.05)


def test_analysis_round_trips_through_json() -> None:
    analysis = SongAnalysis(121.5, (0.5, 1.0, 1.5), 42.0)
    assert SongAnalysis.from_json(analysis.to_json()) == analysis


def grid(bpm: float, seconds: float, start: float = 0.0) -> list[float]:
    return beat_times(seconds, bpm, start)


def cut_frames(durations: list[float]) -> list[int]:
    return [round(sum(durations[:k]) * FPS) for k in range(1, len(durations))]


def test_cuts_snap_to_beats_near_their_wish() -> None:
    beats = grid(120.0, 40.0, start=0.25)
    wishes = scene_durations([3.0, 5.0, 2.0, 7.0, 3.0], 40.0, 4.0, FPS)
    durations = snap_to_beats(wishes, beats, FPS)
    assert sum(durations) == pytest.approx(40.0)
    assert all(abs(d * FPS - round(d * FPS)) < 1e-9 for d in durations), "whole frames"
    for cut, wished in zip(cut_frames(durations), cut_frames(wishes), strict=True):
        nearest = min(beats, key=lambda b: abs(b - cut / FPS))
        assert abs(cut / FPS - nearest) <= 1 / FPS, "every cut within a frame of a beat"
        assert abs(cut - wished) / FPS <= 2.0, "and near where the storyboard wished it"


def test_scenes_are_whole_beats_and_long_ones_whole_bars() -> None:
    period = 0.5
    beats = grid(120.0, 60.0, start=0.1)
    durations = snap_to_beats(
        scene_durations([2.3, 9.0, 1.7, 11.0, 6.0], 60.0, 4.0, FPS), beats, FPS
    )
    cuts = [0.0, *(c / FPS for c in cut_frames(durations))]
    for (a, b), wished in zip(itertools.pairwise(cuts[1:]), [9.0, 1.7, 11.0], strict=True):
        count = (b - a) / period
        assert count == pytest.approx(round(count), abs=2 / FPS / period), "whole beats"
        if wished / period >= 8:
            assert round(count) % 4 == 0, "a long scene is whole bars"


def test_a_cut_with_no_beat_near_stays_where_it_was_wished() -> None:
    beats = grid(120.0, 8.0)  # the song's beats stop after 8 s (an ambient outro)
    wishes = scene_durations([4.0, 4.0, 4.0, 4.0], 16.0, 4.0, FPS)
    durations = snap_to_beats(wishes, beats, FPS)
    assert cut_frames(durations)[-1] == cut_frames(wishes)[-1]


def test_no_beats_no_change() -> None:
    wishes = scene_durations([None, None], 10.0, 4.0, FPS)
    assert snap_to_beats(wishes, [], FPS) == wishes
    assert snap_to_beats(wishes, [1.0], FPS) == wishes


def test_transitions_last_whole_beats() -> None:
    assert transition_seconds(6.0, 0.5) == pytest.approx(0.5)
    assert transition_seconds(6.0, 60 / 140) == pytest.approx(60 / 140, abs=1e-3)
    assert transition_seconds(6.0, 60 / 180) == pytest.approx(2 * 60 / 180, abs=1e-3)
    assert transition_seconds(0.9, 0.5) == pytest.approx(0.3), "at most a third of the scene"
    assert transition_seconds(6.0, None) == pytest.approx(0.8)
    assert beat_period([0.0, 0.5, 1.0, 1.6]) == pytest.approx(0.5)


def sources(count: int) -> list[ShotSource]:
    return [
        ShotSource(
            f"/p{i}.jpg",
            "",
            Motion.ZOOM_IN,
            Transition.CROSSFADE,
            wished_seconds=[3.0, 4.5, 2.5, 6.0][i % 4],
        )
        for i in range(count)
    ]


def test_a_built_timeline_cuts_within_a_frame_of_a_detected_beat(songs: Path) -> None:
    analysis = analyse_song(song(songs, 140.0, seconds=30.0))
    timeline = build_timeline(
        sources(7),
        width=640,
        height=360,
        fps=FPS,
        title="",
        audio_path="song.mp3",
        song_seconds=analysis.duration,
        seconds_without_song=4.0,
        beats=analysis.beats,
    )
    assert timeline.duration == pytest.approx(analysis.duration, abs=1 / FPS)
    for shot in timeline.shots[1:]:
        nearest = min(analysis.beats, key=lambda b: abs(b - shot.start))
        assert abs(shot.start - nearest) <= 1 / FPS
        assert shot.transition_seconds == pytest.approx(60 / 140, abs=0.01)


def test_without_a_song_durations_are_even_and_beats_are_ignored() -> None:
    timeline = build_timeline(
        [ShotSource(f"/p{i}.jpg", "", Motion.ZOOM_IN, Transition.CUT) for i in range(3)],
        width=640,
        height=360,
        fps=FPS,
        title="",
        audio_path=None,
        song_seconds=None,
        seconds_without_song=4.0,
        beats=[0.3, 0.8, 1.3],
    )
    assert [shot.duration for shot in timeline.shots] == [4.0, 4.0, 4.0]
