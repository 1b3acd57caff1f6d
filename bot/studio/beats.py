"""The song's beats as stored data, and cutting scenes on them (pure functions).

Scenes keep the lengths the storyboard wished for, as near as the beats allow: every cut lands
on a detected beat (rounded to the frame grid, so within half a frame of it), a scene spans a
whole number of beats, and a scene of two bars or more spans whole bars when it can. When the
downbeat is known, cuts prefer the first beat of a bar; when the song's sections are known, a
scene avoids straddling a section boundary (the cut moves onto it). Pinned cuts stay put.
"""

from __future__ import annotations

import bisect
import itertools
import json
import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.studio.sections import SongSection

BEATS_PER_BAR = 4
BAR_SCENE_BEATS = 8  # a scene wished this many beats or longer is cut on whole bars
CANDIDATES_PER_CUT = 12
OFF_BAR_PENALTY = 0.05
OFF_BEAT_PENALTY = 1.0
OFF_DOWNBEAT_PENALTY = 0.03
STRADDLE_PENALTY = 0.12  # a scene that runs over a section boundary (by more than a beat)
MIN_SCENE_FRAMES = 2
TRANSITION_TARGET_SECONDS = 0.6
TRANSITION_MAX_SECONDS = 0.8


@dataclass(frozen=True)
class SongAnalysis:
    """What the beat tracker found in a song: its tempo and beat times, in seconds.

    `downbeat` is the index of the first beat that starts a bar (bars have BEATS_PER_BAR beats).
    """

    tempo_bpm: float
    beats: tuple[float, ...]
    duration: float
    downbeat: int = 0
    sections: tuple[SongSection, ...] = ()

    def to_json(self) -> str:
        """A compact JSON text to store with the song."""
        beats = [round(beat, 4) for beat in self.beats]
        return json.dumps(
            {
                "tempo_bpm": round(self.tempo_bpm, 3),
                "beats": beats,
                "duration": round(self.duration, 4),
                "downbeat": self.downbeat,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> SongAnalysis:
        """The analysis stored by `to_json`."""
        data = json.loads(text)
        return cls(
            float(data["tempo_bpm"]),
            tuple(float(b) for b in data["beats"]),
            float(data["duration"]),
            int(data.get("downbeat", 0)),
        )


def beat_period(beats: Sequence[float]) -> float | None:
    """Median time between beats, or None with fewer than two beats."""
    if len(beats) < 2:
        return None
    return statistics.median(b - a for a, b in itertools.pairwise(beats))


def transition_seconds(scene_seconds: float, period: float | None) -> float:
    """Length of a scene's transition: whole beats near 0.6 s with a song, at most a third of it."""
    if period is None or period <= 0:
        return round(min(TRANSITION_MAX_SECONDS, scene_seconds / 3), 3)
    beats = max(1, round(TRANSITION_TARGET_SECONDS / period))
    return round(min(beats * period, scene_seconds / 3), 3)


@dataclass(frozen=True)
class Grid:
    """What a cut may land on: the beats, which of them start bars, the section boundaries."""

    beats: Sequence[float]
    downbeat: int | None = None  # index into `beats` of the first bar's first beat
    boundaries: Sequence[float] = ()


def snap_to_beats(
    durations: Sequence[float],
    beats: Sequence[float] | Grid,
    fps: int,
    fixed: Mapping[int, float] | None = None,
) -> list[float]:
    """Scene durations (whole frames, same total) whose cuts fall on beats near the wished cuts.

    Cuts with no beat near their wished time stay where they were wished; `fixed` cuts (cut k
    ends scene k) stay exactly where they are given.
    """
    song = beats if isinstance(beats, Grid) else Grid(beats)
    total_frames = round(sum(durations) * fps)
    total = total_frames / fps
    grid = sorted({b for b in song.beats if 0.0 < b < total})
    period = beat_period(grid)
    if len(durations) < 2 or period is None:
        return list(durations)
    bars = _bar_lines(song, grid)
    wishes = [float(d) for d in durations]
    targets = [sum(wishes[: k + 1]) for k in range(len(wishes) - 1)]
    pinned = fixed or {}
    candidates = [
        [_Cut(pinned[k], None, pinned=True)]
        if k in pinned
        else _candidates(grid, t, wishes[k], wishes[k + 1], bars)
        for k, t in enumerate(targets)
    ]
    shape = _Shape(period, fps, tuple(sorted(song.boundaries)), song.downbeat is not None)
    cuts = _best_cuts(candidates, wishes, total, shape)
    if cuts is None:
        return list(durations)
    frames = [0, *(round(c * fps) for c in cuts), total_frames]
    return [(b - a) / fps for a, b in itertools.pairwise(frames)]


@dataclass(frozen=True)
class _Cut:
    time: float
    beat: int | None  # index into the beat grid, None when no beat was near
    edge: bool = False  # the video's start or end: not a cut
    pinned: bool = False  # placed by the director: never moved, never penalised
    bar_line: bool = False  # the beat starts a bar


@dataclass(frozen=True)
class _Shape:
    period: float
    fps: int
    boundaries: tuple[float, ...]
    knows_bars: bool


def _bar_lines(song: Grid, grid: list[float]) -> set[int]:
    """Indices into `grid` of the beats that start a bar."""
    if song.downbeat is None:
        return set()
    starts = set(song.beats[song.downbeat :: BEATS_PER_BAR])
    return {index for index, beat in enumerate(grid) if beat in starts}


def _candidates(
    grid: list[float], target: float, before: float, after: float, bars: set[int]
) -> list[_Cut]:
    """Beats within half a scene of a wished cut, nearest first; the wish itself if none."""
    low = bisect.bisect_right(grid, target - before / 2)
    high = bisect.bisect_left(grid, target + after / 2)
    near = sorted(range(low, high), key=lambda i: abs(grid[i] - target))[:CANDIDATES_PER_CUT]
    # Bar lines in reach stay candidates even when farther than the nearest beats.
    near += [i for i in range(low, high) if i in bars and i not in near][:CANDIDATES_PER_CUT]
    if not near:
        return [_Cut(target, None)]
    return [_Cut(grid[i], i, bar_line=i in bars) for i in sorted(near)]


def _best_cuts(
    candidates: list[list[_Cut]], wishes: list[float], total: float, shape: _Shape
) -> list[float] | None:
    """Dynamic programme over the candidate cuts: the sequence with the least total cost."""
    start = _Cut(0.0, None, edge=True)
    layers: list[list[tuple[float, int]]] = []  # per cut: (cost so far, back index)
    previous: list[tuple[float, _Cut]] = [(0.0, start)]
    for k, options in enumerate(candidates):
        layer: list[tuple[float, int]] = []
        for cut in options:
            best = (math.inf, -1)
            for index, (cost, before) in enumerate(previous):
                step = _scene_cost(before, cut, wishes[k], shape)
                if cost + step < best[0]:
                    best = (cost + step, index)
            layer.append(best)
        layers.append(layer)
        previous = [(cost, cut) for (cost, _), cut in zip(layer, options, strict=True)]
    end = _Cut(total, None, edge=True)
    finals = [cost + _scene_cost(cut, end, wishes[-1], shape) for cost, cut in previous]
    index = min(range(len(finals)), key=finals.__getitem__)
    if math.isinf(finals[index]):
        return None
    chosen: list[float] = []
    for k in range(len(candidates) - 1, -1, -1):
        chosen.append(candidates[k][index].time)
        index = layers[k][index][1]
    return chosen[::-1]


def _scene_cost(begin: _Cut, end: _Cut, wish: float, shape: _Shape) -> float:
    """How far a scene between two cuts is from its wish, plus penalties for off-grid cuts."""
    if round(end.time * shape.fps) - round(begin.time * shape.fps) < MIN_SCENE_FRAMES:
        return math.inf
    length = end.time - begin.time
    cost = ((length - wish) / wish) ** 2
    if end.edge or end.pinned:
        pass
    elif end.beat is None:
        cost += OFF_BEAT_PENALTY
    elif shape.knows_bars and not end.bar_line:
        cost += OFF_DOWNBEAT_PENALTY
    if begin.beat is not None and end.beat is not None and wish / shape.period >= BAR_SCENE_BEATS:
        cost += OFF_BAR_PENALTY if (end.beat - begin.beat) % BEATS_PER_BAR else 0.0
    inside = (begin.time + shape.period / 2, end.time - shape.period / 2)
    if any(inside[0] < b < inside[1] for b in shape.boundaries):
        cost += STRADDLE_PENALTY
    return cost
