"""The chats table: groups the bot is in, their forum topics' active projects, and moves.

A private chat has no row here: its id is its user's id, and the users table keeps its active
project. A group (or supergroup) has a row; its active project is kept per forum topic
(`thread_id` 0 is the chat outside any topic), and `chats.thread_id` names the topic of the
update being handled (updates of one chat are handled one at a time, in order).
"""

from __future__ import annotations

import sqlite_utils

from storage.rows import Rows, now

# Every table with a column naming the owning chat: (table, column). A group upgraded to a
# supergroup moves all of them to its new id in one transaction.
CHAT_KEYED: tuple[tuple[str, str], ...] = (
    ("projects", "owner_id"),
    ("jobs", "owner_id"),
    ("jobs", "chat_id"),
    ("message_links", "owner_id"),
    ("message_links", "chat_id"),
    ("edit_groups", "owner_id"),
    ("restyles", "owner_id"),
    ("usage", "owner_id"),
    ("chat_topics", "chat_id"),
)

ACTIVE_PROJECT_SQL = (
    "coalesce((select t.active_project_id from chats c join chat_topics t "
    "on t.chat_id = c.id and t.thread_id = c.thread_id where c.id = :owner), "
    "(select u.active_project_id from users u where u.id = :owner "
    "and not exists (select 1 from chats c where c.id = :owner)))"
)


def point_active(db: sqlite_utils.Database, owner_id: int, project_id: int) -> None:
    """Make a project the active one of its chat: of the user's private chat, or of the
    group's current topic."""
    db.execute("update users set active_project_id = ? where id = ?", [project_id, owner_id])
    db.execute(
        "insert into chat_topics (chat_id, thread_id, active_project_id) "
        "select id, thread_id, ? from chats where id = ? "
        "on conflict (chat_id, thread_id) do update set "
        "active_project_id = excluded.active_project_id",
        [project_id, owner_id],
    )


class SqliteChats(Rows):
    """Implements the studio's ChatStore."""

    def enter_chat(self, chat_id: int, kind: str, title: str, thread_id: int) -> None:
        """Know a group (it is back if it had removed the bot) and the topic an update is in."""
        self.db.execute(
            "insert into chats (id, kind, title, thread_id, created_at) values (?, ?, ?, ?, ?) "
            "on conflict (id) do update set kind = excluded.kind, title = excluded.title, "
            "thread_id = excluded.thread_id, removed_at = null",
            [chat_id, kind, title, thread_id, now()],
        )

    def topic_of(self, chat_id: int, project_id: int) -> int | None:
        """The forum topic whose active project this is (None outside forum topics)."""
        row = self._one(
            "select thread_id from chat_topics where chat_id = ? and active_project_id = ? "
            "and thread_id != 0 order by thread_id limit 1",
            [chat_id, project_id],
        )
        return int(row["thread_id"]) if row else None

    def is_group(self, chat_id: int) -> bool:
        """Whether the chat is a group the bot has met (not a private chat)."""
        return self._one("select 1 from chats where id = ?", [chat_id]) is not None

    def mark_removed(self, chat_id: int) -> None:
        """The bot was removed from the group (it can no longer write there)."""
        self.db.execute("update chats set removed_at = ? where id = ?", [now(), chat_id])

    def is_removed(self, chat_id: int) -> bool:
        """Whether the bot was removed from this group and not added back."""
        row = self._one("select removed_at from chats where id = ?", [chat_id])
        return row is not None and row["removed_at"] is not None

    def move_chat(self, old_id: int, new_id: int) -> int:
        """Move a group's projects and every chat-keyed row to its new id (an upgrade to a
        supergroup); the number of projects moved. Running twice moves nothing more."""
        with self.db.atomic():
            moved = self._count("select count(*) as n from projects where owner_id = ?", [old_id])
            old = self._one("select * from chats where id = ?", [old_id])
            if old is not None:
                self.db.execute(
                    "insert or ignore into chats (id, kind, title, thread_id, created_at) "
                    "values (?, 'supergroup', ?, 0, ?)",
                    [new_id, old["title"], now()],
                )
                # What the new chat already chose wins over the old chat's choice.
                self.db.execute(
                    "delete from chat_topics where chat_id = ? and thread_id in "
                    "(select thread_id from chat_topics where chat_id = ?)",
                    [old_id, new_id],
                )
            for table, column in CHAT_KEYED:
                self.db.execute(
                    f"update {table} set {column} = ? where {column} = ?",  # noqa: S608
                    [new_id, old_id],
                )
            self.db.execute("delete from chats where id = ?", [old_id])
        return moved
