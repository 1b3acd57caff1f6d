"""The projects table: a chat's projects and their options, every query scoped to the owner.

The owner is the owning chat's id (a private chat's id is its user's id: a group of one).
"""

from __future__ import annotations

from bot.studio.changes import ProjectChanges
from bot.studio.models import Project
from storage.chats import ACTIVE_PROJECT_SQL, point_active
from storage.rows import Rows, assignments, now, project_of


class SqliteProjects(Rows):
    """Implements the studio's ProjectStore."""

    def create_project(
        self,
        owner_id: int,
        title: str,
        aspect: str,
        style: str,
        director_id: int | None = None,
    ) -> Project:
        """Create a chat's project (directed by `director_id`, else by the owner) and make it
        the chat's active one."""
        with self.db.atomic():
            cursor = self.db.execute(
                "insert into projects (owner_id, director_id, title, aspect, style, created_at, "
                "updated_at) values (?, ?, ?, ?, ?, ?, ?)",
                [owner_id, director_id or owner_id, title, aspect, style, now(), now()],
            )
            project_id = int(cursor.lastrowid or 0)
            point_active(self.db, owner_id, project_id)
        project = self.get_project(owner_id, project_id)
        assert project is not None
        return project

    def get_project(self, owner_id: int, project_id: int) -> Project | None:
        """The project, only if `owner_id` owns it."""
        row = self._one(
            "select * from projects where id = ? and owner_id = ?", [project_id, owner_id]
        )
        return project_of(row) if row else None

    def project_owner(self, project_id: int) -> int | None:
        """Which chat owns the project (for a caller who must then prove they may see it)."""
        row = self._one("select owner_id from projects where id = ?", [project_id])
        return int(row["owner_id"]) if row else None

    def scene_owner(self, scene_id: int) -> int | None:
        """Which chat owns the scene's project (for a caller who must then prove they may see
        it)."""
        row = self._one(
            "select p.owner_id from scenes s join projects p on p.id = s.project_id where s.id = ?",
            [scene_id],
        )
        return int(row["owner_id"]) if row else None

    def active_project(self, owner_id: int) -> Project | None:
        """The chat's active project (of the current forum topic, in a group), if any."""
        row = next(
            iter(
                self.db.query(
                    "select * from projects where owner_id = :owner and id = "  # noqa: S608
                    + ACTIVE_PROJECT_SQL,
                    {"owner": owner_id},
                )
            ),
            None,
        )
        return project_of(row) if row else None

    def list_projects(self, owner_id: int) -> list[Project]:
        """The user's projects, newest first."""
        rows = self.db.query(
            "select * from projects where owner_id = ? order by id desc", [owner_id]
        )
        return [project_of(row) for row in rows]

    def set_song(self, owner_id: int, project_id: int, sha: str) -> None:
        """Make a stored audio asset the project's song."""
        self.db.execute(
            "update projects set song_sha = ?, updated_at = ? where id = ? and owner_id = ?",
            [sha, now(), project_id, owner_id],
        )

    def update_project(
        self, owner_id: int, project_id: int, changes: ProjectChanges
    ) -> Project | None:
        """Change a project's title, aspect, style or switches; the project after it."""
        columns = changes.columns()
        if columns:
            values = {**columns, "updated_at": now()}
            self.db.execute(
                f"update projects set {assignments(values)} "  # noqa: S608
                "where id = :id and owner_id = :owner",
                {**values, "id": project_id, "owner": owner_id},
            )
        return self.get_project(owner_id, project_id)

    def delete_project(self, owner_id: int, project_id: int) -> bool:
        """Remove a project and everything that belongs to it (media files stay for gc)."""
        if self.get_project(owner_id, project_id) is None:
            return False
        with self.db.atomic():
            scene_ids = "select id from scenes where project_id = ?"
            self.db.execute(
                f"delete from scene_refs where scene_id in ({scene_ids})",  # noqa: S608
                [project_id],
            )
            for table in (
                "scenes",
                "project_refs",
                "jobs",
                "messages",
                "edit_groups",
                "project_lyrics",
                "credits",
            ):
                self.db.execute(
                    f"delete from {table} where project_id = ?",  # noqa: S608
                    [project_id],
                )
            self.db.execute(
                "update users set active_project_id = null where id = ? and active_project_id = ?",
                [owner_id, project_id],
            )
            self.db.execute("delete from chat_topics where active_project_id = ?", [project_id])
            self.db.execute("delete from projects where id = ?", [project_id])
        return True
