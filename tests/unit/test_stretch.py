"""Choosing a footage clip's stretch: the liveliest window, or the director's start kept inside."""

from __future__ import annotations

import pytest

from bot.studio.stretch import best_stretch, clamp_start


def test_the_liveliest_window_of_slot_length_wins() -> None:
    scores = [1, 1, 1, 9, 9, 9, 9, 1, 1, 1]  # one per half second: lively from 1.5 s to 3.5 s
    assert best_stretch(scores, 0.5, 5.0, 2.0) == pytest.approx(1.5)
    assert best_stretch(scores, 0.5, 5.0, 1.0) == pytest.approx(1.5)  # the first of equals


def test_the_window_never_runs_past_the_end_of_the_clip() -> None:
    scores = [0, 0, 0, 0, 0, 0, 5, 8]  # the liveliest moment is the last second
    assert best_stretch(scores, 0.5, 4.0, 3.0) == pytest.approx(1.0)


def test_a_clip_no_longer_than_its_slot_starts_at_zero() -> None:
    assert best_stretch([1, 5, 9], 0.5, 1.5, 2.0) == 0.0
    assert best_stretch([1, 5, 9], 0.5, 1.5, 1.5) == 0.0
    assert best_stretch([], 0.5, 10.0, 2.0) == 0.0


def test_flat_scores_keep_the_start() -> None:
    assert best_stretch([3.0] * 20, 0.5, 10.0, 4.0) == 0.0


def test_a_directors_start_is_kept_inside_the_clip() -> None:
    assert clamp_start(4.0, 10.0, 3.0) == pytest.approx(4.0)
    assert clamp_start(8.5, 10.0, 3.0) == pytest.approx(7.0)
    assert clamp_start(-2.0, 10.0, 3.0) == 0.0
    assert clamp_start(1.0, 2.0, 3.0) == 0.0  # shorter than the slot: from its start
