"""Use case: the admin's view of load and spend."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from bot.errors import UserFacingError
from bot.studio.jobs import JobRunner, RunnerLoad
from bot.studio.roles import StoreTotals, TotalsStore

RECENT = timedelta(hours=24)


@dataclass(frozen=True)
class WorkerSeen:
    """A render worker of the farm, as it last said: renders running of how many it takes."""

    name: str
    busy: int
    concurrency: int
    done: int


class FarmCensus(Protocol):
    """The render farm's workers seen lately (REDIS_URL set)."""

    def workers_seen(self) -> tuple[WorkerSeen, ...] | None:
        """The workers, by name; None while the farm cannot be reached."""
        ...


@dataclass(frozen=True)
class LoadReport:
    """What the bot is doing now and what it has cost."""

    runner: RunnerLoad
    totals: StoreTotals
    farm: tuple[WorkerSeen, ...] | None = None  # None: no farm, or it cannot be reached
    has_farm: bool = False


class AdminReports:
    """Load and spend, for the users listed in ADMIN_USER_IDS only."""

    def __init__(
        self,
        totals: TotalsStore,
        runner: JobRunner,
        admins: frozenset[int],
        farm: FarmCensus | None = None,
    ) -> None:
        self.totals = totals
        self.runner = runner
        self.admins = admins
        self.farm = farm

    def is_admin(self, user_id: int) -> bool:
        """Whether the user may see the report."""
        return user_id in self.admins

    def report(self, user_id: int, now: datetime | None = None) -> LoadReport:
        """The report; refused (with a catalog message) for anyone but an admin."""
        if not self.is_admin(user_id):
            raise UserFacingError("admin.only")
        since = ((now or datetime.now(UTC)) - RECENT).isoformat(timespec="seconds")
        return LoadReport(
            runner=self.runner.load(),
            totals=self.totals.totals(since),
            farm=self.farm.workers_seen() if self.farm is not None else None,
            has_farm=self.farm is not None,
        )
