"""The credits table: whose work each attachment of a project is, scoped to the owner."""

from __future__ import annotations

from typing import Any

from bot.studio.models import Credit, CreditRole, CreditSource, Sender
from storage.rows import Rows, now

_OWNED = "select id from projects where id = ? and owner_id = ?"


def credit_of(row: dict[str, Any]) -> Credit:
    """A credits row as a Credit."""
    sender = (
        Sender(row["sender_id"], row["sender_name"] or "", row["sender_username"])
        if row.get("sender_id") is not None
        else None
    )
    return Credit(
        id=row["id"],
        project_id=row["project_id"],
        sha=row["asset_sha"],
        role=CreditRole(row["role"]),
        name=row["name"],
        source=CreditSource(row["source"]),
        sender=sender,
        album=row.get("album"),
        corrected=row.get("corrected"),
    )


class SqliteCredits(Rows):
    """Implements the studio's CreditStore."""

    def record_credit(
        self,
        owner_id: int,
        project_id: int,
        sha: str,
        role: CreditRole,
        name: str,
        source: CreditSource,
        sender: Sender | None = None,
        album: str | None = None,
    ) -> None:
        """Credit an attachment of the project (a second arrival of it credits it anew; the
        director's correction stays)."""
        if self._one(_OWNED, [project_id, owner_id]) is None:
            raise LookupError("project not owned by user")
        self.db.execute(
            "insert into credits (project_id, asset_sha, role, name, source, sender_id, "
            "sender_name, sender_username, album, created_at) "
            "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "on conflict (project_id, asset_sha, role) do update set name = excluded.name, "
            "source = excluded.source, sender_id = excluded.sender_id, "
            "sender_name = excluded.sender_name, sender_username = excluded.sender_username, "
            "album = excluded.album",
            [
                project_id,
                sha,
                role.value,
                name,
                source.value,
                sender.user_id if sender else None,
                sender.name if sender else None,
                sender.username if sender else None,
                album,
                now(),
            ],
        )

    def credits(self, owner_id: int, project_id: int) -> list[Credit]:
        """Every credit of the project, in the order the work arrived."""
        rows = self.db.query(
            "select c.* from credits c join projects p on p.id = c.project_id "
            "where c.project_id = ? and p.owner_id = ? order by c.id",
            [project_id, owner_id],
        )
        return [credit_of(row) for row in rows]

    def album_credit(self, owner_id: int, project_id: int, album: str) -> str | None:
        """The credit an album's caption gave, if one of its items has arrived with it."""
        row = self._one(
            "select c.name from credits c join projects p on p.id = c.project_id "
            "where c.project_id = ? and p.owner_id = ? and c.album = ? and c.source = ? "
            "order by c.id limit 1",
            [project_id, owner_id, album, CreditSource.CAPTION.value],
        )
        return str(row["name"]) if row else None

    def credit_album(self, owner_id: int, project_id: int, album: str, name: str) -> None:
        """An album's caption credits every item of the album that gave no credit of its own."""
        if self._one(_OWNED, [project_id, owner_id]) is None:
            return
        self.db.execute(
            "update credits set name = ?, source = ? where project_id = ? and album = ? "
            "and source != ?",
            [name, CreditSource.CAPTION.value, project_id, album, CreditSource.CAPTION.value],
        )

    def credit_project(self, owner_id: int, credit_id: int) -> int | None:
        """The project a credit of the owner's belongs to."""
        row = self._one(
            "select c.project_id from credits c join projects p on p.id = c.project_id "
            "where c.id = ? and p.owner_id = ?",
            [credit_id, owner_id],
        )
        return int(row["project_id"]) if row else None
