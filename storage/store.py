"""Queries over the database, every one scoped to the user who owns the data."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import sqlite_utils

from bot.studio.models import (
    UNFINISHED_STATES,
    Asset,
    AssetKind,
    Job,
    JobState,
    MessageLink,
    Project,
    Scene,
    User,
)
from bot.studio.ports import StoreTotals, Usage
from bot.studio.timeline import Motion, Transition

SCENE_FIELDS = frozenset(
    {
        "idea",
        "caption",
        "motion",
        "transition",
        "duration",
        "variant",
        "fit",
        "clip_sha",
        "clip_key",
        "image_prompt",
        "accepted",
    }
)
PROJECT_OPTIONS = frozenset({"aspect", "style", "clips_enabled", "previews_enabled", "title"})


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _project(row: dict[str, Any]) -> Project:
    return Project(
        id=row["id"],
        owner_id=row["owner_id"],
        title=row["title"],
        aspect=row["aspect"],
        style=row["style"],
        song_sha=row["song_sha"],
        created_at=row["created_at"],
        clips_enabled=bool(row.get("clips_enabled")),
        previews_enabled=bool(row.get("previews_enabled")),
    )


def _scene(row: dict[str, Any]) -> Scene:
    return Scene(
        id=row["id"],
        project_id=row["project_id"],
        position=row["position"],
        idea=row["idea"],
        caption=row["caption"] or "",
        motion=Motion(row["motion"]),
        transition=Transition(row["transition"]),
        duration=row["duration"],
        picture_sha=row["picture_sha"],
        picture_key=row["picture_key"],
        variant=row.get("variant") or 0,
        fit=row.get("fit") or "cover",
        clip_sha=row.get("clip_sha"),
        clip_key=row.get("clip_key"),
        image_prompt=row.get("image_prompt") or "",
        accepted=bool(row.get("accepted")),
    )


def _link(row: dict[str, Any]) -> MessageLink:
    return MessageLink(row["chat_id"], row["message_id"], row["kind"], row["target_id"])


def _asset(row: dict[str, Any]) -> Asset:
    return Asset(
        sha=row["sha"],
        kind=AssetKind(row["kind"]),
        ext=row["ext"],
        size=row["size"],
        width=row["width"],
        height=row["height"],
        duration=row["duration"],
        original_name=row["original_name"],
        tempo_bpm=row.get("tempo_bpm"),
        beats=tuple(json.loads(row["beats_json"])) if row.get("beats_json") else (),
    )


def _job(row: dict[str, Any]) -> Job:
    return Job(
        id=row["id"],
        project_id=row["project_id"],
        owner_id=row["owner_id"],
        chat_id=row["chat_id"],
        kind=row["kind"],
        state=JobState(row["state"]),
        progress=row["progress"] or 0.0,
        step=row["step"] or "",
        attempts=row["attempts"] or 0,
        error=row["error"],
        progress_message_id=row["progress_message_id"],
        result_sha=row["result_sha"],
        language=row["language"] or "en",
        thumbnail_sha=row.get("thumbnail_sha"),
        options=json.loads(row["options"]) if row.get("options") else {},
    )


class Store:
    """The project store. Owned by one thread (the bot's event loop)."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    def _one(self, sql: str, params: list[Any]) -> dict[str, Any] | None:
        return next(iter(self.db.query(sql, params)), None)

    # users
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
            [user_id, first_name, language, _now()],
        )
        return User(user_id, first_name, language, None)

    def set_language(self, user_id: int, language: str) -> None:
        """Remember the user's chosen language."""
        self.db.execute("update users set language = ? where id = ?", [language, user_id])

    def set_active_project(self, user_id: int, project_id: int) -> None:
        """Make one of the user's projects the active one."""
        self.db.execute(
            "update users set active_project_id = ? where id = ? and exists "
            "(select 1 from projects where id = ? and owner_id = ?)",
            [project_id, user_id, project_id, user_id],
        )

    # projects
    def create_project(self, owner_id: int, title: str, aspect: str, style: str) -> Project:
        """Create a project and make it the owner's active one."""
        with self.db.atomic():
            cursor = self.db.execute(
                "insert into projects (owner_id, title, aspect, style, created_at, updated_at) "
                "values (?, ?, ?, ?, ?, ?)",
                [owner_id, title, aspect, style, _now(), _now()],
            )
            project_id = int(cursor.lastrowid or 0)
            self.db.execute(
                "update users set active_project_id = ? where id = ?", [project_id, owner_id]
            )
        project = self.get_project(owner_id, project_id)
        assert project is not None
        return project

    def get_project(self, owner_id: int, project_id: int) -> Project | None:
        """The project, only if `owner_id` owns it."""
        row = self._one(
            "select * from projects where id = ? and owner_id = ?", [project_id, owner_id]
        )
        return _project(row) if row else None

    def active_project(self, owner_id: int) -> Project | None:
        """The user's active project, if any."""
        row = self._one(
            "select p.* from projects p join users u on u.active_project_id = p.id "
            "where u.id = ? and p.owner_id = ?",
            [owner_id, owner_id],
        )
        return _project(row) if row else None

    def list_projects(self, owner_id: int) -> list[Project]:
        """The user's projects, newest first."""
        rows = self.db.query(
            "select * from projects where owner_id = ? order by id desc", [owner_id]
        )
        return [_project(row) for row in rows]

    def set_song(self, owner_id: int, project_id: int, sha: str) -> None:
        """Make a stored audio asset the project's song."""
        self.db.execute(
            "update projects set song_sha = ?, updated_at = ? where id = ? and owner_id = ?",
            [sha, _now(), project_id, owner_id],
        )

    # scenes
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
        if self.get_project(owner_id, project_id) is None:
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
                [project_id, position, idea, caption, motion.value, transition.value, _now()],
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
        return _scene(row) if row else None

    def scenes(self, owner_id: int, project_id: int) -> list[Scene]:
        """The project's scenes in storyboard order."""
        rows = self.db.query(
            "select s.* from scenes s join projects p on p.id = s.project_id "
            "where s.project_id = ? and p.owner_id = ? order by s.position",
            [project_id, owner_id],
        )
        return [_scene(row) for row in rows]

    def count_scenes(self, owner_id: int, project_id: int) -> int:
        """How many scenes the project has."""
        row = self._one(
            "select count(*) as n from scenes s join projects p on p.id = s.project_id "
            "where s.project_id = ? and p.owner_id = ?",
            [project_id, owner_id],
        )
        return int(row["n"]) if row else 0

    def set_scene_picture(self, owner_id: int, scene_id: int, sha: str, key: str) -> None:
        """Record the picture made for a scene and the inputs it was made from."""
        self.db.execute(
            "update scenes set picture_sha = ?, picture_key = ? where id = ? and project_id in "
            "(select id from projects where owner_id = ?)",
            [sha, key, scene_id, owner_id],
        )

    def add_scene_reference(self, owner_id: int, scene_id: int, sha: str) -> None:
        """Attach a stored photo to a scene as its reference."""
        if self.get_scene(owner_id, scene_id) is None:
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
        return [_asset(row) for row in rows]

    def count_references(self, owner_id: int, project_id: int) -> int:
        """How many reference photos the project's scenes hold."""
        row = self._one(
            "select count(*) as n from scene_refs r join scenes s on s.id = r.scene_id "
            "join projects p on p.id = s.project_id where p.id = ? and p.owner_id = ?",
            [project_id, owner_id],
        )
        return int(row["n"]) if row else 0

    # assets
    def save_asset(self, asset: Asset) -> None:
        """Record a media file (once per hash)."""
        self.db.execute(
            "insert or ignore into assets (sha, kind, ext, size, width, height, duration, "
            "original_name, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                asset.sha,
                asset.kind.value,
                asset.ext,
                asset.size,
                asset.width,
                asset.height,
                asset.duration,
                asset.original_name,
                _now(),
            ],
        )

    def get_asset(self, sha: str) -> Asset | None:
        """The asset with this hash."""
        row = self._one("select * from assets where sha = ?", [sha])
        return _asset(row) if row else None

    # conversation
    def log_message(self, project_id: int, role: str, text: str) -> None:
        """Keep what was said, for the planner."""
        self.db.execute(
            "insert into messages (project_id, role, text, created_at) values (?, ?, ?, ?)",
            [project_id, role, text, _now()],
        )

    def conversation(self, owner_id: int, project_id: int, limit: int = 200) -> list[str]:
        """What the user said in the project, oldest first."""
        rows = self.db.query(
            "select m.text from messages m join projects p on p.id = m.project_id "
            "where m.project_id = ? and p.owner_id = ? order by m.id desc limit ?",
            [project_id, owner_id, limit],
        )
        return [row["text"] for row in rows][::-1]

    # jobs
    def create_job(
        self,
        owner_id: int,
        project_id: int,
        chat_id: int,
        kind: str,
        language: str,
        options: dict[str, Any] | None = None,
    ) -> Job:
        """Queue a job for the project."""
        cursor = self.db.execute(
            "insert into jobs (project_id, owner_id, chat_id, kind, state, progress, step, "
            "attempts, language, options, created_at, updated_at) "
            "values (?, ?, ?, ?, ?, 0, '', 0, ?, ?, ?, ?)",
            [
                project_id,
                owner_id,
                chat_id,
                kind,
                JobState.QUEUED.value,
                language,
                json.dumps(options or {}),
                _now(),
                _now(),
            ],
        )
        job = self.get_job(int(cursor.lastrowid or 0))
        assert job is not None
        return job

    def get_job(self, job_id: int) -> Job | None:
        """A job by id."""
        row = self._one("select * from jobs where id = ?", [job_id])
        return _job(row) if row else None

    def update_job(self, job_id: int, **fields: Any) -> None:
        """Change a job's state, progress, step, error, attempts or message id."""
        allowed = {
            "state",
            "progress",
            "step",
            "attempts",
            "error",
            "progress_message_id",
            "result_sha",
            "thumbnail_sha",
        }
        unknown = set(fields) - allowed
        if unknown:
            raise ValueError(f"unknown job fields: {sorted(unknown)}")
        values = {k: (v.value if isinstance(v, JobState) else v) for k, v in fields.items()}
        assignments = ", ".join(f"{name} = :{name}" for name in values)
        self.db.execute(
            f"update jobs set {assignments}, updated_at = :updated_at where id = :id",  # noqa: S608
            {**values, "updated_at": _now(), "id": job_id},
        )

    def unfinished_job(self, owner_id: int, project_id: int) -> Job | None:
        """The project's queued or running job, if any."""
        row = self._one(
            "select * from jobs where owner_id = ? and project_id = ? and state in (?, ?) "
            "order by id limit 1",
            [owner_id, project_id, *[s.value for s in UNFINISHED_STATES]],
        )
        return _job(row) if row else None

    def last_job(self, owner_id: int, project_id: int) -> Job | None:
        """The project's most recent job."""
        row = self._one(
            "select * from jobs where owner_id = ? and project_id = ? order by id desc limit 1",
            [owner_id, project_id],
        )
        return _job(row) if row else None

    def unfinished_jobs(self) -> list[Job]:
        """Every queued or running job, oldest first (to resume after a restart)."""
        rows = self.db.query(
            "select * from jobs where state in (?, ?) order by id",
            [s.value for s in UNFINISHED_STATES],
        )
        return [_job(row) for row in rows]

    # storyboard editing
    def update_scene(self, owner_id: int, scene_id: int, **fields: Any) -> Scene | None:
        """Change a scene's idea, caption, camera work, length, variant or fit."""
        unknown = set(fields) - SCENE_FIELDS
        if unknown:
            raise ValueError(f"unknown scene fields: {sorted(unknown)}")
        values = {
            k: (v.value if isinstance(v, Motion | Transition) else v) for k, v in fields.items()
        }
        assignments = ", ".join(f"{name} = :{name}" for name in values)
        self.db.execute(
            f"update scenes set {assignments} where id = :id and project_id in "  # noqa: S608
            "(select id from projects where owner_id = :owner)",
            {**values, "id": scene_id, "owner": owner_id},
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

    def update_project(self, owner_id: int, project_id: int, **fields: Any) -> Project | None:
        """Change a project's title, aspect, style or clips switch."""
        unknown = set(fields) - PROJECT_OPTIONS
        if unknown:
            raise ValueError(f"unknown project fields: {sorted(unknown)}")
        assignments = ", ".join(f"{name} = :{name}" for name in fields)
        self.db.execute(
            f"update projects set {assignments}, updated_at = :now "  # noqa: S608
            "where id = :id and owner_id = :owner",
            {**fields, "now": _now(), "id": project_id, "owner": owner_id},
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
            for table in ("scenes", "project_refs", "jobs", "messages", "edit_groups"):
                self.db.execute(
                    f"delete from {table} where project_id = ?",  # noqa: S608
                    [project_id],
                )
            self.db.execute(
                "update users set active_project_id = null where id = ? and active_project_id = ?",
                [owner_id, project_id],
            )
            self.db.execute("delete from projects where id = ?", [project_id])
        return True

    def add_project_reference(self, owner_id: int, project_id: int, sha: str) -> None:
        """Make a stored photo a style reference of the whole project."""
        if self.get_project(owner_id, project_id) is None:
            raise LookupError("project not owned by user")
        self.db.execute(
            "insert or ignore into project_refs (project_id, asset_sha, position) values "
            "(?, ?, (select coalesce(max(position), 0) + 1 from project_refs "
            "where project_id = ?))",
            [project_id, sha, project_id],
        )

    def remove_scene_reference(self, owner_id: int, scene_id: int, sha: str) -> None:
        """Detach a photo from a scene."""
        if self.get_scene(owner_id, scene_id) is not None:
            self.db.execute(
                "delete from scene_refs where scene_id = ? and asset_sha = ?", [scene_id, sha]
            )

    def project_references(self, owner_id: int, project_id: int) -> list[Asset]:
        """The project's style references."""
        rows = self.db.query(
            "select a.* from project_refs r join assets a on a.sha = r.asset_sha "
            "join projects p on p.id = r.project_id where p.id = ? and p.owner_id = ? "
            "order by r.position",
            [project_id, owner_id],
        )
        return [_asset(row) for row in rows]

    def save_song_analysis(self, sha: str, tempo_bpm: float, beats: list[float]) -> None:
        """Keep a song's tempo and beat times with it."""
        self.db.execute(
            "update assets set tempo_bpm = ?, beats_json = ? where sha = ?",
            [tempo_bpm, json.dumps([round(b, 4) for b in beats]), sha],
        )

    # chat messages that stand for scenes and pending questions
    def link_message(
        self, owner_id: int, chat_id: int, message_id: int, kind: str, target_id: int
    ) -> None:
        """Remember what a chat message shows or asks about."""
        self.db.execute(
            "insert or replace into message_links (chat_id, message_id, owner_id, kind, "
            "target_id, created_at) values (?, ?, ?, ?, ?, ?)",
            [chat_id, message_id, owner_id, kind, target_id, _now()],
        )

    def linked(self, owner_id: int, chat_id: int, message_id: int) -> MessageLink | None:
        """What a message of this owner's chat stands for."""
        row = self._one(
            "select * from message_links where chat_id = ? and message_id = ? and owner_id = ?",
            [chat_id, message_id, owner_id],
        )
        if row is None:
            return None
        return _link(row)

    def latest_link(self, owner_id: int, chat_id: int, kind: str, since: str) -> MessageLink | None:
        """The newest message of this kind in the chat, linked at or after `since`."""
        row = self._one(
            "select * from message_links where owner_id = ? and chat_id = ? and kind = ? "
            "and created_at >= ? order by created_at desc, message_id desc limit 1",
            [owner_id, chat_id, kind, since],
        )
        if row is None:
            return None
        return _link(row)

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
        return [_link(row) for row in rows]

    # spend
    def record_usage(self, owner_id: int, project_id: int, usage: Usage) -> None:
        """Add a paid call to the project's spend."""
        self.db.execute(
            "insert into usage (project_id, owner_id, provider, kind, units, cost_usd, "
            "created_at) values (?, ?, ?, ?, ?, ?, ?)",
            [project_id, owner_id, usage.provider, usage.kind, usage.units, usage.cost_usd, _now()],
        )

    def spend(self, owner_id: int, project_id: int | None = None) -> float:
        """Dollars spent by the owner (on one project, or on all of them)."""
        sql = "select coalesce(sum(cost_usd), 0) as total from usage where owner_id = ?"
        params: list[Any] = [owner_id]
        if project_id is not None:
            sql += " and project_id = ?"
            params.append(project_id)
        row = self._one(sql, params)
        return float(row["total"]) if row else 0.0

    # operations
    def totals(self, since: str, top: int = 5) -> StoreTotals:
        """Users, projects, scenes, jobs since `since` by state, and spend (for /admin)."""

        def count(table: str) -> int:
            row = self._one(f"select count(*) as n from {table}", [])  # noqa: S608
            return int(row["n"]) if row else 0

        jobs = self.db.query(
            "select state, count(*) as n from jobs where created_at >= ? group by state "
            "order by state",
            [since],
        )
        spend = self._one(
            "select coalesce(sum(cost_usd), 0) as total, coalesce(sum(case when created_at >= ? "
            "then cost_usd else 0 end), 0) as recent from usage",
            [since],
        )
        spenders = self.db.query(
            "select u.owner_id, coalesce(s.first_name, '') as name, sum(u.cost_usd) as total "
            "from usage u left join users s on s.id = u.owner_id group by u.owner_id "
            "having total > 0 order by total desc limit ?",
            [top],
        )
        return StoreTotals(
            users=count("users"),
            projects=count("projects"),
            scenes=count("scenes"),
            recent_jobs=tuple((row["state"], int(row["n"])) for row in jobs),
            spend_usd=float(spend["total"]) if spend else 0.0,
            recent_spend_usd=float(spend["recent"]) if spend else 0.0,
            top_spenders=tuple(
                (int(r["owner_id"]), str(r["name"]), float(r["total"])) for r in spenders
            ),
        )
