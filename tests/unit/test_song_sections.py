"""Pure rules on song sections: pacing, pins, and cuts that prefer boundaries and downbeats."""

from __future__ import annotations

import itertools

import pytest

from bot.studio.beats import Grid, snap_to_beats
from bot.studio.sections import (
    SectionKind,
    SectionPin,
    SongSection,
    paced_cuts,
    resolve_pins,
    sections_from_json,
    sections_to_json,
)
from bot.studio.timeline import Motion, Transition
from bot.studio.timing import ShotSource, build_timeline, scene_durations

FPS = 30
V, C = SectionKind.VERSE, SectionKind.CHORUS
# 120 BPM: a beat every 0.5 s, a bar every 2 s; verse 0-16 s, chorus 16-32 s, verse, chorus.
SONG = (
    SongSection(V, 0.0, 16.0),
    SongSection(C, 16.0, 32.0),
    SongSection(V, 32.0, 48.0),
    SongSection(C, 48.0, 64.0),
)
BEATS = [0.5 * k for k in range(1, 128)]


CP = SectionPin(C)


def shots(count: int, pins: dict[int, SectionPin] | None = None) -> list[ShotSource]:
    return [
        ShotSource(
            f"/p{i}.jpg",
            "",
            Motion.ZOOM_IN,
            Transition.CROSSFADE,
            section_pin=(pins or {}).get(i),
        )
        for i in range(count)
    ]


def starts_of(durations: list[float]) -> list[float]:
    return [round(sum(durations[:k]), 6) for k in range(len(durations))]


def test_sections_round_trip_through_json() -> None:
    assert sections_from_json(sections_to_json(SONG)) == SONG
    assert sections_from_json(None) == () and sections_from_json("") == ()


def test_without_sections_paced_cuts_share_the_song_by_weight() -> None:
    assert paced_cuts([1.0, 1.0, 2.0], (), 40.0) == pytest.approx([10.0, 20.0])


def test_choruses_cut_faster_than_verses() -> None:
    cuts = paced_cuts([1.0] * 10, SONG, 64.0)
    scenes = list(itertools.pairwise([0.0, *cuts, 64.0]))
    verse = [b - a for a, b in scenes if b <= 16.0 or (a >= 32.0 and b <= 48.0)]
    chorus = [b - a for a, b in scenes if (a >= 16.0 and b <= 32.0) or a >= 48.0]
    assert verse and chorus
    assert max(chorus) < min(verse)
    assert sum(verse) / len(verse) == pytest.approx(1.5 * sum(chorus) / len(chorus), rel=0.01)


def test_a_second_pin_on_the_chorus_takes_the_second_chorus() -> None:
    pins = [None, CP, None, None, CP, None]
    assert resolve_pins(pins, SONG) == {1: 16.0, 4: 48.0}
    assert resolve_pins([None, CP, CP, CP], SONG) == {1: 16.0, 2: 48.0}, "no third chorus"
    assert resolve_pins([CP, None], SONG) == {}, "the first scene starts the video anyway"
    bridge = SectionPin(SectionKind.BRIDGE)
    assert resolve_pins([None, bridge], SONG) == {}, "the song has no bridge"


def test_a_pin_may_name_which_chorus() -> None:
    second = SectionPin(C, 2)
    assert resolve_pins([None, None, second], SONG) == {2: 48.0}
    assert resolve_pins([None, second, CP], SONG) == {1: 48.0}, "no chorus after the second"
    assert resolve_pins([None, SectionPin(C, 3)], SONG) == {}
    assert SectionPin.parse(second.to_text()) == second
    assert SectionPin.parse(CP.to_text()) == CP
    assert SectionPin.parse("solo") is None and SectionPin.parse(None) is None


def test_a_pinned_scene_starts_its_section_on_the_frame() -> None:
    timeline = build_timeline(
        shots(8, {5: CP}),
        width=720,
        height=1280,
        fps=FPS,
        title="",
        audio_path=None,
        song_seconds=64.0,
        seconds_without_song=4.0,
        beats=BEATS,
        downbeat=1,
        sections=SONG,
    )
    assert timeline.shots[5].start == pytest.approx(16.0, abs=0.5 / FPS)
    assert sum(s.duration for s in timeline.shots) == pytest.approx(64.0)
    before = [s.duration for s in timeline.shots[:5]]
    assert max(before) - min(before) <= 0.5 + 1e-6, "the scenes before share the verse evenly"


def test_a_pin_that_leaves_no_room_is_dropped() -> None:
    song = (SongSection(V, 0.0, 33.5), SongSection(C, 33.5, 34.0))
    assert resolve_pins([*[None] * 18, CP, None], song) == {18: 33.5}
    timeline = build_timeline(
        shots(20, {18: CP}),  # the chorus at 33.5 s leaves half a second for two scenes
        width=720,
        height=1280,
        fps=FPS,
        title="",
        audio_path=None,
        song_seconds=34.0,
        seconds_without_song=4.0,
        sections=song,
    )
    assert all(shot.duration >= 1.0 - 1e-9 for shot in timeline.shots)
    assert timeline.shots[18].start < 33.0


def test_a_scene_does_not_straddle_a_section_boundary_when_a_cut_can_move_onto_it() -> None:
    wishes = scene_durations([None] * 4, 64.0, 4.0, FPS)  # wished cuts at 16, 32, 48 s
    shifted = [wishes[0] + 1.5, wishes[1], wishes[2], wishes[3] - 1.5]  # 17.5 s: a bar late
    plain = snap_to_beats(shifted, BEATS, FPS)
    aware = snap_to_beats(shifted, Grid(BEATS, 1, (16.0, 32.0, 48.0)), FPS)
    assert starts_of(plain)[1] == pytest.approx(17.5)
    assert starts_of(aware)[1] == pytest.approx(16.0)


def test_cuts_prefer_downbeats() -> None:
    wishes = [5.5, 5.0, 5.5]  # cuts wished at 5.5 s and 10.5 s, off the bar lines
    plain = snap_to_beats(wishes, BEATS, FPS)
    on_bars = snap_to_beats(wishes, Grid(BEATS, 1), FPS)  # bars start at 1, 3, 5 ... s
    assert starts_of(plain)[1:] == pytest.approx([5.5, 10.5])
    assert all(round(start) % 2 == 1 for start in starts_of(on_bars)[1:]), starts_of(on_bars)
