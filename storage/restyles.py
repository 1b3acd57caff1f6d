"""The restyles table: every paid restyle of an owner's footage, by the key of what shaped it."""

from __future__ import annotations

from bot.studio.restyle_keys import RestyleKey
from storage.rows import Rows, now


class SqliteRestyles(Rows):
    """Implements the studio's RestyleStore."""

    def restyled(self, owner_id: int, key: RestyleKey) -> str | None:
        """The sha of the owner's restyle with this key, if one was made."""
        row = self._one(
            "select restyled_sha from restyles where owner_id = ? and key = ?",
            [owner_id, key.value],
        )
        return str(row["restyled_sha"]) if row else None

    def keep_restyle(self, owner_id: int, key: RestyleKey, sha: str) -> None:
        """Remember a restyle the owner paid for (a second one for the key replaces it)."""
        self.db.execute(
            "insert into restyles (owner_id, key, restyled_sha, source, look, start, seconds, "
            "created_at) values (?, ?, ?, ?, ?, ?, ?, ?) on conflict (owner_id, key) do update "
            "set restyled_sha = excluded.restyled_sha, created_at = excluded.created_at",
            [
                owner_id,
                key.value,
                sha,
                key.source,
                key.look,
                key.start,
                key.seconds,
                now(),
            ],
        )
