"""What a provider call cost: a plain value every layer passes on (spend, errors, readings)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Usage:
    """What one provider call cost, for the project's spend."""

    provider: str
    kind: str
    units: float = 0.0
    cost_usd: float = 0.0


FREE = Usage(provider="offline", kind="none")

__all__ = ["FREE", "Usage"]
