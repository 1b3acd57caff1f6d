"""The users table: who talks to the bot, in which language, on which project."""

from __future__ import annotations

from bot.studio.models import User
from storage.chats import point_active
from storage.rows import Rows, now


class SqliteUsers(Rows):
    """Implements the studio's UserStore."""

    def get_user(self, user_id: int) -> User | None:
        """The user, if they have talked to the bot before."""
        row = self._one("select * from users where id = ?", [user_id])
        if row is None:
            return None
        return User(
            row["id"], row["first_name"] or "", row["language"] or "en", row["active_project_id"]
        )

    def ensure_user(self, user_id: int, first_name: str, language: str) -> User:
        """Return the user, creating them on first contact."""
        existing = self.get_user(user_id)
        if existing is not None:
            return existing
        self.db.execute(
            "insert into users (id, first_name, language, created_at) values (?, ?, ?, ?)",
            [user_id, first_name, language, now()],
        )
        return User(user_id, first_name, language, None)

    def set_language(self, user_id: int, language: str) -> None:
        """Remember the user's chosen language."""
        self.db.execute("update users set language = ? where id = ?", [language, user_id])

    def set_active_project(self, user_id: int, project_id: int) -> None:
        """Make one of the chat's projects its active one (`user_id`: the owning chat's id)."""
        owned = self._one(
            "select 1 from projects where id = ? and owner_id = ?", [project_id, user_id]
        )
        if owned is not None:
            point_active(self.db, user_id, project_id)
