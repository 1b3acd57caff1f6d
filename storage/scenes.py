"""The scenes table: a project's scenes in storyboard order, scoped to the project's owner."""

from __future__ import annotations

from bot.studio.changes import SceneChanges
from bot.studio.models import Scene
from bot.studio.timeline import Motion, Transition
from storage.rows import Rows, assignments, now, scene_of

OWNED_PROJECTS = "select id from projects where owner_id = :owner"


class SqliteScenes(Rows):
    """Implements the studio's SceneStore."""

    def _owns_project(self, owner_id: int, project_id: int) -> bool:
        return bool(
            self._one(
                "select 1 from projects where id = ? and owner_id = ?", [project_id, owner_id]
            )
        )

    def add_scene(
        self,
        owner_id: int,
        project_id: int,
        idea: str,
        caption: str,
        motion: Motion,
        transition: Transition,
    ) -> Scene:
        """Append a scene to the project's storyboard."""
        if not self._owns_project(owner_id, project_id):
            raise LookupError("project not owned by user")
        with self.db.atomic():
            row = self._one(
                "select coalesce(max(position), 0) + 1 as next from scenes where project_id = ?",
                [project_id],
            )
            position = int(row["next"]) if row else 1
            cursor = self.db.execute(
                "insert into scenes (project_id, position, idea, caption, motion, transition, "
                "created_at) values (?, ?, ?, ?, ?, ?, ?)",
                [project_id, position, idea, caption, motion.value, transition.value, now()],
            )
        scene = self.get_scene(owner_id, int(cursor.lastrowid or 0))
        assert scene is not None
        return scene

    def get_scene(self, owner_id: int, scene_id: int) -> Scene | None:
        """A scene, only if its project belongs to `owner_id`."""
        row = self._one(
            "select s.* from scenes s join projects p on p.id = s.project_id "
            "where s.id = ? and p.owner_id = ?",
            [scene_id, owner_id],
        )
        return scene_of(row) if row else None

    def scenes(self, owner_id: int, project_id: int) -> list[Scene]:
        """The project's scenes in storyboard order."""
        rows = self.db.query(
            "select s.* from scenes s join projects p on p.id = s.project_id "
            "where s.project_id = ? and p.owner_id = ? order by s.position",
            [project_id, owner_id],
        )
        return [scene_of(row) for row in rows]

    def count_scenes(self, owner_id: int, project_id: int) -> int:
        """How many scenes the project has."""
        return self._count(
            "select count(*) as n from scenes s join projects p on p.id = s.project_id "
            "where s.project_id = ? and p.owner_id = ?",
            [project_id, owner_id],
        )

    def set_scene_picture(self, owner_id: int, scene_id: int, sha: str, key: str) -> None:
        """Record the picture made for a scene and the inputs it was made from."""
        self.db.execute(
            "update scenes set picture_sha = ?, picture_key = ? where id = ? and project_id in "
            "(select id from projects where owner_id = ?)",
            [sha, key, scene_id, owner_id],
        )

    def update_scene(self, owner_id: int, scene_id: int, changes: SceneChanges) -> Scene | None:
        """Change what `changes` names; the scene after it (None if it is not the owner's)."""
        columns = changes.columns()
        if columns:
            self.db.execute(
                f"update scenes set {assignments(columns)} where id = :id and project_id in "  # noqa: S608
                f"({OWNED_PROJECTS})",
                {**columns, "id": scene_id, "owner": owner_id},
            )
        return self.get_scene(owner_id, scene_id)

    def move_scene(self, owner_id: int, scene_id: int, delta: int) -> bool:
        """Swap a scene with its neighbour `delta` (-1 or +1) places away."""
        scene = self.get_scene(owner_id, scene_id)
        if scene is None:
            return False
        scenes = self.scenes(owner_id, scene.project_id)
        index = next(i for i, s in enumerate(scenes) if s.id == scene_id)
        other_index = index + delta
        if not 0 <= other_index < len(scenes):
            return False
        other = scenes[other_index]
        with self.db.atomic():
            self.db.execute(
                "update scenes set position = ? where id = ?", [other.position, scene.id]
            )
            self.db.execute(
                "update scenes set position = ? where id = ?", [scene.position, other.id]
            )
        return True

    def delete_scene(self, owner_id: int, scene_id: int) -> bool:
        """Remove a scene and close the gap in the numbering."""
        scene = self.get_scene(owner_id, scene_id)
        if scene is None:
            return False
        with self.db.atomic():
            self.db.execute("delete from scene_refs where scene_id = ?", [scene_id])
            self.db.execute("delete from scenes where id = ?", [scene_id])
            self.db.execute(
                "update scenes set position = position - 1 where project_id = ? and position > ?",
                [scene.project_id, scene.position],
            )
        return True
