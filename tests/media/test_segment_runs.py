"""How two render workers share the missing segments: each walks its own run forward."""

from __future__ import annotations

import collections

from bot.media.segment_encoding import _half_by_frames, _next_segment
from bot.media.segments import Segment


def _segments(*counts: int) -> list[Segment]:
    segments, first = [], 0
    for index, count in enumerate(counts):
        segments.append(Segment(first, count, (index,), f"k{index}", first + count // 2))
        first += count
    return segments


def test_the_runs_split_where_the_frames_halve() -> None:
    assert _half_by_frames(_segments(10, 10, 10, 10)) == 2
    assert _half_by_frames(_segments(100, 10, 10, 10)) == 1
    assert _half_by_frames(_segments(10, 10, 10, 100)) == 3


def test_each_worker_walks_forward_and_takes_the_back_half_of_the_other_run() -> None:
    segments = _segments(*[10] * 8)
    runs = [collections.deque(segments[:2]), collections.deque(segments[2:])]
    first = [_next_segment(runs, 0), _next_segment(runs, 0)]
    assert [s.first for s in first if s is not None] == [0, 10]
    # Worker 0 is done with its run: it takes the back half of worker 1's, still in order.
    taken = [_next_segment(runs, 0) for _ in range(3)]
    assert [s.first for s in taken if s is not None] == [50, 60, 70]
    rest = [_next_segment(runs, 1) for _ in range(3)]
    assert [s.first for s in rest if s is not None] == [20, 30, 40]
    assert _next_segment(runs, 1) is None
    assert _next_segment(runs, 0) is None


def test_a_last_segment_is_left_to_the_worker_that_has_it() -> None:
    segments = _segments(10, 10)
    runs = [collections.deque(), collections.deque(segments[1:])]
    assert _next_segment(runs, 0) is None
    assert _next_segment(runs, 1) == segments[1]
