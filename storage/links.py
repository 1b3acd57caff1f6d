"""The message_links table: chat messages that stand for a scene or a pending question."""

from __future__ import annotations

from bot.studio.models import MessageLink
from storage.rows import Rows, link_of, now


class SqliteLinks(Rows):
    """Implements the studio's LinkStore."""

    def link_message(
        self, owner_id: int, chat_id: int, message_id: int, kind: str, target_id: int
    ) -> None:
        """Remember what a chat message shows or asks about."""
        self.db.execute(
            "insert or replace into message_links (chat_id, message_id, owner_id, kind, "
            "target_id, created_at) values (?, ?, ?, ?, ?, ?)",
            [chat_id, message_id, owner_id, kind, target_id, now()],
        )

    def linked(self, owner_id: int, chat_id: int, message_id: int) -> MessageLink | None:
        """What a message of this owner's chat stands for."""
        row = self._one(
            "select * from message_links where chat_id = ? and message_id = ? and owner_id = ?",
            [chat_id, message_id, owner_id],
        )
        return link_of(row) if row else None

    def latest_link(self, owner_id: int, chat_id: int, kind: str, since: str) -> MessageLink | None:
        """The newest message of this kind in the chat, linked at or after `since`."""
        row = self._one(
            "select * from message_links where owner_id = ? and chat_id = ? and kind = ? "
            "and created_at >= ? order by created_at desc, message_id desc limit 1",
            [owner_id, chat_id, kind, since],
        )
        return link_of(row) if row else None

    def unlink(self, owner_id: int, kind: str, target_id: int) -> None:
        """Forget every message of this kind about the target."""
        self.db.execute(
            "delete from message_links where owner_id = ? and kind = ? and target_id = ?",
            [owner_id, kind, target_id],
        )

    def links_to(self, owner_id: int, kind: str, target_id: int) -> list[MessageLink]:
        """Every message that shows this target, oldest first."""
        rows = self.db.query(
            "select * from message_links where owner_id = ? and kind = ? and target_id = ? "
            "order by created_at, message_id",
            [owner_id, kind, target_id],
        )
        return [link_of(row) for row in rows]
