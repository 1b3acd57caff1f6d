"""Each user's spending cap, counting calls already under way so parallel calls cannot overshoot."""

from __future__ import annotations

from collections import defaultdict

from bot.studio.roles import SpendStore


class Budget:
    """Reserve a call's expected cost before making it; release the reservation after."""

    def __init__(self, spend: SpendStore, limit_usd: float) -> None:
        self.spend = spend
        self.limit_usd = limit_usd
        self._reserved: defaultdict[int, float] = defaultdict(float)

    def reserve(self, owner_id: int, usd: float) -> bool:
        """Hold `usd` for a call if the user's spend plus what is held stays in budget."""
        if usd <= 0:
            return True
        if self.spend.spend(owner_id) + self._reserved[owner_id] + usd > self.limit_usd:
            return False
        self._reserved[owner_id] += usd
        return True

    def release(self, owner_id: int, usd: float) -> None:
        """The call ended (its real cost is now in the usage table)."""
        if usd > 0:
            self._reserved[owner_id] = max(0.0, self._reserved[owner_id] - usd)
