"""Use case: the admin's view of load and spend."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.errors import UserFacingError
from bot.studio.jobs import JobRunner, RunnerLoad
from bot.studio.roles import StoreTotals, TotalsStore

RECENT = timedelta(hours=24)


@dataclass(frozen=True)
class LoadReport:
    """What the bot is doing now and what it has cost."""

    runner: RunnerLoad
    totals: StoreTotals


class AdminReports:
    """Load and spend, for the users listed in ADMIN_USER_IDS only."""

    def __init__(self, totals: TotalsStore, runner: JobRunner, admins: frozenset[int]) -> None:
        self.totals = totals
        self.runner = runner
        self.admins = admins

    def is_admin(self, user_id: int) -> bool:
        """Whether the user may see the report."""
        return user_id in self.admins

    def report(self, user_id: int, now: datetime | None = None) -> LoadReport:
        """The report; refused (with a catalog message) for anyone but an admin."""
        if not self.is_admin(user_id):
            raise UserFacingError("admin.only")
        since = ((now or datetime.now(UTC)) - RECENT).isoformat(timespec="seconds")
        return LoadReport(runner=self.runner.load(), totals=self.totals.totals(since))
