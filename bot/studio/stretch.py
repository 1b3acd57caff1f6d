"""Which stretch of a footage clip fills a scene: the liveliest by default, or the director's.

Pure: the scores come from the media layer (one per `step` seconds, higher is livelier).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import accumulate


def best_stretch(
    scores: Sequence[float], step: float, clip_seconds: float, slot_seconds: float
) -> float:
    """Start second of the slot-long window with the highest total score (earliest on a tie)."""
    latest = clamp_start(clip_seconds, clip_seconds, slot_seconds)
    if latest <= 0 or not scores or step <= 0:
        return 0.0
    window = max(1, min(len(scores), round(slot_seconds / step)))
    totals = [0.0, *accumulate(scores)]
    last_index = min(len(scores) - window, int(latest / step + 1e-9))
    best_index, best_total = 0, float("-inf")
    for index in range(max(0, last_index) + 1):
        total = totals[index + window] - totals[index]
        if total > best_total + 1e-9:
            best_index, best_total = index, total
    return clamp_start(round(best_index * step, 6), clip_seconds, slot_seconds)


def clamp_start(start: float, clip_seconds: float, slot_seconds: float) -> float:
    """A chosen start moved into the clip so that, where it can, a whole slot follows it."""
    latest = max(0.0, clip_seconds - slot_seconds)
    return round(min(max(0.0, start), latest), 6)
