"""Reference photos: per scene (scene_refs) and per project (project_refs), owner-scoped."""

from __future__ import annotations

from bot.studio.models import Asset
from storage.rows import Rows, asset_of


class SqliteReferences(Rows):
    """Implements the studio's ReferenceStore."""

    def add_scene_reference(self, owner_id: int, scene_id: int, sha: str) -> None:
        """Attach a stored photo to a scene as its reference."""
        owned = self._one(
            "select 1 from scenes s join projects p on p.id = s.project_id "
            "where s.id = ? and p.owner_id = ?",
            [scene_id, owner_id],
        )
        if owned is None:
            raise LookupError("scene not owned by user")
        with self.db.atomic():
            row = self._one(
                "select coalesce(max(position), 0) + 1 as next from scene_refs where scene_id = ?",
                [scene_id],
            )
            self.db.execute(
                "insert or ignore into scene_refs (scene_id, asset_sha, position) values (?, ?, ?)",
                [scene_id, sha, int(row["next"]) if row else 1],
            )

    def scene_references(self, owner_id: int, scene_id: int) -> list[Asset]:
        """The reference photos of a scene, in the order they were sent."""
        rows = self.db.query(
            "select a.* from scene_refs r join assets a on a.sha = r.asset_sha "
            "join scenes s on s.id = r.scene_id join projects p on p.id = s.project_id "
            "where r.scene_id = ? and p.owner_id = ? order by r.position",
            [scene_id, owner_id],
        )
        return [asset_of(row) for row in rows]

    def count_references(self, owner_id: int, project_id: int) -> int:
        """How many reference photos the project's scenes hold."""
        return self._count(
            "select count(*) as n from scene_refs r join scenes s on s.id = r.scene_id "
            "join projects p on p.id = s.project_id where p.id = ? and p.owner_id = ?",
            [project_id, owner_id],
        )

    def add_project_reference(self, owner_id: int, project_id: int, sha: str) -> None:
        """Make a stored photo a style reference of the whole project."""
        owned = self._one(
            "select 1 from projects where id = ? and owner_id = ?", [project_id, owner_id]
        )
        if owned is None:
            raise LookupError("project not owned by user")
        self.db.execute(
            "insert or ignore into project_refs (project_id, asset_sha, position) values "
            "(?, ?, (select coalesce(max(position), 0) + 1 from project_refs "
            "where project_id = ?))",
            [project_id, sha, project_id],
        )

    def project_references(self, owner_id: int, project_id: int) -> list[Asset]:
        """The project's style references."""
        rows = self.db.query(
            "select a.* from project_refs r join assets a on a.sha = r.asset_sha "
            "join projects p on p.id = r.project_id where p.id = ? and p.owner_id = ? "
            "order by r.position",
            [project_id, owner_id],
        )
        return [asset_of(row) for row in rows]
