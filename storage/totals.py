"""Counts and spend across every user: the one query that is not scoped to an owner (/admin)."""

from __future__ import annotations

from bot.studio.roles import StoreTotals
from storage.rows import Rows


class SqliteTotals(Rows):
    """Implements the studio's TotalsStore."""

    def totals(self, since: str, top: int = 5) -> StoreTotals:
        """Users, projects, scenes, jobs since `since` by state, and spend (for /admin)."""

        def count(table: str) -> int:
            return self._count(f"select count(*) as n from {table}", [])  # noqa: S608

        jobs = self.db.query(
            "select state, count(*) as n from jobs where created_at >= ? group by state "
            "order by state",
            [since],
        )
        spend = self._one(
            "select coalesce(sum(cost_usd), 0) as total, coalesce(sum(case when created_at >= ? "
            "then cost_usd else 0 end), 0) as recent from usage",
            [since],
        )
        spenders = self.db.query(
            "select u.owner_id, coalesce(s.first_name, '') as name, sum(u.cost_usd) as total "
            "from usage u left join users s on s.id = u.owner_id group by u.owner_id "
            "having total > 0 order by total desc limit ?",
            [top],
        )
        return StoreTotals(
            users=count("users"),
            projects=count("projects"),
            scenes=count("scenes"),
            recent_jobs=tuple((row["state"], int(row["n"])) for row in jobs),
            spend_usd=float(spend["total"]) if spend else 0.0,
            recent_spend_usd=float(spend["recent"]) if spend else 0.0,
            top_spenders=tuple(
                (int(r["owner_id"]), str(r["name"]), float(r["total"])) for r in spenders
            ),
        )
