"""Each director's spending cap, counting calls under way so parallel calls cannot overshoot."""

from __future__ import annotations

from collections import defaultdict

from bot.studio.roles import SpendStore


class Budget:
    """Reserve a call's expected cost before making it; release the reservation after."""

    def __init__(self, spend: SpendStore, limit_usd: float) -> None:
        self.spend = spend
        self.limit_usd = limit_usd
        self._reserved: defaultdict[int, float] = defaultdict(float)

    def reserve(self, owner_id: int, usd: float, project_id: int | None = None) -> bool:
        """Hold `usd` for a call if the payer's spend plus what is held stays in budget.

        The payer is the project's director (a group's crew never pays); without a project,
        the owner.
        """
        if usd <= 0:
            return True
        payer = self._payer(owner_id, project_id)
        if self.spend.spend(payer) + self._reserved[payer] + usd > self.limit_usd:
            return False
        self._reserved[payer] += usd
        return True

    def release(self, owner_id: int, usd: float, project_id: int | None = None) -> None:
        """The call ended (its real cost is now in the usage table)."""
        if usd > 0:
            payer = self._payer(owner_id, project_id)
            self._reserved[payer] = max(0.0, self._reserved[payer] - usd)

    def _payer(self, owner_id: int, project_id: int | None) -> int:
        return owner_id if project_id is None else self.spend.payer(owner_id, project_id)
