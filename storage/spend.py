"""The usage table: what each paid call cost, per payer and project.

A row's `owner_id` is who pays: the project's director (in a private chat, its user), never a
crew member and never a group.
"""

from __future__ import annotations

from typing import Any

from bot.studio.ports import Usage
from storage.rows import Rows, now


class SqliteSpend(Rows):
    """Implements the studio's SpendStore."""

    def record_usage(self, owner_id: int, project_id: int, usage: Usage) -> None:
        """Add a paid call to the project's spend, charged to its director."""
        self.db.execute(
            "insert into usage (project_id, owner_id, provider, kind, units, cost_usd, "
            "created_at) values (?, ?, ?, ?, ?, ?, ?)",
            [
                project_id,
                self.payer(owner_id, project_id),
                usage.provider,
                usage.kind,
                usage.units,
                usage.cost_usd,
                now(),
            ],
        )

    def payer(self, owner_id: int, project_id: int) -> int:
        """Who pays for the chat's project: its director (the owner, for a project not found)."""
        row = self._one(
            "select director_id from projects where id = ? and owner_id = ?",
            [project_id, owner_id],
        )
        return int(row["director_id"]) if row and row["director_id"] else owner_id

    def spend(self, owner_id: int, project_id: int | None = None) -> float:
        """Dollars spent on one project, or by one payer on all they direct."""
        sql = "select coalesce(sum(cost_usd), 0) as total from usage where owner_id = ?"
        params: list[Any] = [owner_id]
        if project_id is not None:
            # A group's project: its calls were charged to its director, not to the chat.
            sql = (
                "select coalesce(sum(cost_usd), 0) as total from usage where project_id = ? "
                "and (owner_id = ? or project_id in (select id from projects where owner_id = ?))"
            )
            params = [project_id, owner_id, owner_id]
        row = self._one(sql, params)
        return float(row["total"]) if row else 0.0
