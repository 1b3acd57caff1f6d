"""The messages table: what the director said in a project, for the planner."""

from __future__ import annotations

from storage.rows import Rows, now


class SqliteConversation(Rows):
    """Implements the studio's ConversationStore."""

    def log_message(self, project_id: int, role: str, text: str) -> None:
        """Keep what was said, for the planner."""
        self.db.execute(
            "insert into messages (project_id, role, text, created_at) values (?, ?, ?, ?)",
            [project_id, role, text, now()],
        )

    def conversation(self, owner_id: int, project_id: int, limit: int = 200) -> list[str]:
        """What the user said in the project, oldest first."""
        rows = self.db.query(
            "select m.text from messages m join projects p on p.id = m.project_id "
            "where m.project_id = ? and p.owner_id = ? order by m.id desc limit ?",
            [project_id, owner_id, limit],
        )
        return [row["text"] for row in rows][::-1]
