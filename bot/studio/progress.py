"""How long the rest of a job should take, from how far it got and how long that took."""

from __future__ import annotations


def eta_seconds(elapsed: float, fraction: float) -> int | None:
    """Seconds left at the pace so far; None until there is a pace to go by."""
    if fraction < 0.03 or elapsed < 1:
        return None
    return max(0, round(elapsed * (1 - fraction) / fraction))
