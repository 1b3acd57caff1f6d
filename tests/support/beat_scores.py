"""How well a beat tracker did: beat F-measure and tempo errors, as MIREX scores them.

The F-measure follows mir_eval.beat.f_measure: beats before 5 s are ignored on both sides (a
tracker needs a few beats to lock on), and a detected beat counts when it lies within 70 ms of a
true beat that no other detected beat has claimed.
"""

from __future__ import annotations

from collections.abc import Sequence

WINDOW_SECONDS = 0.07
SKIP_SECONDS = 5.0
TEMPO_TOLERANCE = 0.02
OCTAVE_RATIOS = (0.5, 2.0, 1 / 3, 3.0, 2 / 3, 1.5)


def f_measure(
    truth: Sequence[float], found: Sequence[float], window: float = WINDOW_SECONDS
) -> float:
    """Beat F-measure (0..1) of `found` against `truth` within `window` seconds."""
    reference = [t for t in truth if t >= SKIP_SECONDS]
    estimate = sorted(t for t in found if t >= SKIP_SECONDS)
    if not reference or not estimate:
        return 0.0
    matched = 0
    used = [False] * len(reference)
    for beat in estimate:
        best, best_gap = -1, window
        for index, true_beat in enumerate(reference):
            gap = abs(true_beat - beat)
            if not used[index] and gap <= best_gap:
                best, best_gap = index, gap
        if best >= 0:
            used[best] = True
            matched += 1
    precision, recall = matched / len(estimate), matched / len(reference)
    return 0.0 if matched == 0 else 2 * precision * recall / (precision + recall)


def tempo_error(true_bpm: float, found_bpm: float) -> float:
    """Relative tempo error, signed (0.02 is 2% fast)."""
    return found_bpm / true_bpm - 1.0


def is_octave_error(true_bpm: float, found_bpm: float) -> bool:
    """Whether the tempo read is a multiple or fraction (x2, /2, x3, /3, x3/2, x2/3) of truth."""
    if found_bpm <= 0 or abs(tempo_error(true_bpm, found_bpm)) <= TEMPO_TOLERANCE:
        return False
    ratio = found_bpm / true_bpm
    return any(abs(ratio / octave - 1.0) <= 0.04 for octave in OCTAVE_RATIOS)
