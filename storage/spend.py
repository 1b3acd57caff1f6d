"""The usage table: what each paid call cost, per owner and project."""

from __future__ import annotations

from typing import Any

from bot.studio.ports import Usage
from storage.rows import Rows, now


class SqliteSpend(Rows):
    """Implements the studio's SpendStore."""

    def record_usage(self, owner_id: int, project_id: int, usage: Usage) -> None:
        """Add a paid call to the project's spend."""
        self.db.execute(
            "insert into usage (project_id, owner_id, provider, kind, units, cost_usd, "
            "created_at) values (?, ?, ?, ?, ?, ?, ?)",
            [project_id, owner_id, usage.provider, usage.kind, usage.units, usage.cost_usd, now()],
        )

    def spend(self, owner_id: int, project_id: int | None = None) -> float:
        """Dollars spent by the owner (on one project, or on all of them)."""
        sql = "select coalesce(sum(cost_usd), 0) as total from usage where owner_id = ?"
        params: list[Any] = [owner_id]
        if project_id is not None:
            sql += " and project_id = ?"
            params.append(project_id)
        row = self._one(sql, params)
        return float(row["total"]) if row else 0.0
