"""A project's state read and written as a whole, and the journal of edit groups."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import sqlite_utils

from bot.studio.applying import Change
from bot.studio.journal import (
    JournalEntry,
    body_from_json,
    body_to_json,
    changes_from_json,
    changes_to_json,
    entry_body,
)
from bot.studio.models import CreditRole
from bot.studio.project_state import CreditState, ProjectOptions, ProjectState, SceneState
from bot.studio.timeline import CaptionsMode, FootageSound, Motion, Transition

SCENE_COLUMNS = (
    "idea",
    "caption",
    "motion",
    "transition",
    "duration",
    "variant",
    "fit",
    "accepted",
    "image_prompt",
    "picture_sha",
    "picture_key",
    "clip_sha",
    "clip_key",
    "footage_sha",
    "footage_start",
    "section_pin",
)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _scene_values(scene: SceneState) -> list[Any]:
    return [
        scene.idea,
        scene.caption,
        scene.motion.value,
        scene.transition.value,
        scene.duration,
        scene.variant,
        scene.fit,
        int(scene.accepted),
        scene.image_prompt,
        scene.picture_sha,
        scene.picture_key,
        scene.clip_sha,
        scene.clip_key,
        scene.footage_sha,
        scene.footage_start,
        scene.section_pin,
    ]


class ProjectJournal:
    """Loads and writes project states; every write of edits is journalled for undo."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    def load_state(self, owner_id: int, project_id: int) -> ProjectState | None:
        """The project's options and scenes, only if `owner_id` owns it."""
        project = next(
            iter(
                self.db.query(
                    "select * from projects where id = ? and owner_id = ?", [project_id, owner_id]
                )
            ),
            None,
        )
        if project is None:
            return None
        clip_lengths = {
            row["sha"]: row["duration"]
            for row in self.db.query(
                "select a.sha, a.duration from assets a join scenes s on s.footage_sha = a.sha "
                "where s.project_id = ?",
                [project_id],
            )
        }
        references: dict[int, list[str]] = {}
        for row in self.db.query(
            "select r.scene_id, r.asset_sha from scene_refs r join scenes s on s.id = r.scene_id "
            "where s.project_id = ? order by r.scene_id, r.position",
            [project_id],
        ):
            references.setdefault(row["scene_id"], []).append(row["asset_sha"])
        scenes = tuple(
            SceneState(
                id=row["id"],
                idea=row["idea"],
                caption=row["caption"] or "",
                motion=Motion(row["motion"]),
                transition=Transition(row["transition"]),
                duration=row["duration"],
                variant=row["variant"] or 0,
                fit=row["fit"] or "cover",
                accepted=bool(row["accepted"]),
                image_prompt=row["image_prompt"] or "",
                picture_sha=row["picture_sha"],
                picture_key=row["picture_key"],
                clip_sha=row["clip_sha"],
                clip_key=row["clip_key"],
                footage_sha=row["footage_sha"],
                footage_start=row["footage_start"],
                footage_seconds=clip_lengths.get(row["footage_sha"]),
                references=tuple(references.get(row["id"], ())),
                section_pin=row.get("section_pin"),
            )
            for row in self.db.query(
                "select * from scenes where project_id = ? order by position, id", [project_id]
            )
        )
        options = ProjectOptions(
            title=project["title"],
            aspect=project["aspect"],
            style=project["style"],
            clips_enabled=bool(project["clips_enabled"]),
            previews_enabled=bool(project["previews_enabled"]),
            restyle_enabled=bool(project["restyle_enabled"]),
            footage_sound=FootageSound(project["footage_sound"] or FootageSound.DROP),
            captions=CaptionsMode(project["captions_mode"] or CaptionsMode.IDEAS),
            credits_card=(
                None if project.get("credits_card") is None else bool(project["credits_card"])
            ),
        )
        # The song's credit only for the song the project has now.
        credits = tuple(
            CreditState(row["id"], CreditRole(row["role"]), row["name"], row["corrected"])
            for row in self.db.query(
                "select * from credits where project_id = ? and (role != ? or asset_sha = ?) "
                "order by id",
                [project_id, CreditRole.MUSIC.value, project["song_sha"] or ""],
            )
        )
        return ProjectState(project_id, options, scenes, credits)

    def write_edits(
        self,
        owner_id: int,
        current: ProjectState,
        target: ProjectState,
        changes: tuple[Change, ...],
        source: str,
    ) -> tuple[ProjectState, int]:
        """Write `target` over `current` and journal it, in one transaction; (state, entry id)."""
        with self.db.atomic():
            stored = self._write(owner_id, current, target)
            body = entry_body(current, stored)
            cursor = self.db.execute(
                "insert into edit_groups (project_id, owner_id, source, changes_json, "
                "before_json, created_at) values (?, ?, ?, ?, ?, ?)",
                [
                    current.project_id,
                    owner_id,
                    source,
                    json.dumps(changes_to_json(changes), ensure_ascii=False),
                    json.dumps(body_to_json(body), ensure_ascii=False),
                    _now(),
                ],
            )
        return stored, int(cursor.lastrowid or 0)

    def write_undo(
        self, owner_id: int, current: ProjectState, target: ProjectState, entry_id: int
    ) -> ProjectState:
        """Write `target` over `current` and mark the entry undone, in one transaction."""
        with self.db.atomic():
            stored = self._write(owner_id, current, target)
            self.db.execute(
                "update edit_groups set undone_at = ? where id = ? and owner_id = ?",
                [_now(), entry_id, owner_id],
            )
        return stored

    def last_entry(self, owner_id: int, project_id: int) -> JournalEntry | None:
        """The newest edit group of the project not undone yet."""
        row = next(
            iter(
                self.db.query(
                    "select * from edit_groups where owner_id = ? and project_id = ? and "
                    "undone_at is null order by id desc limit 1",
                    [owner_id, project_id],
                )
            ),
            None,
        )
        if row is None:
            return None
        body = body_from_json(json.loads(row["before_json"]))
        return JournalEntry(
            id=row["id"],
            project_id=row["project_id"],
            source=row["source"],
            changes=changes_from_json(json.loads(row["changes_json"])),
            before_options=body.before_options,
            before_order=body.before_order,
            before_scenes=body.before_scenes,
            deleted=body.deleted,
            before_credits=body.before_credits,
        )

    def has_entry(self, owner_id: int, project_id: int, source: str) -> bool:
        """Whether a group from `source` stands (not undone) in the project's journal."""
        rows = self.db.query(
            "select 1 from edit_groups where owner_id = ? and project_id = ? and source = ? "
            "and undone_at is null limit 1",
            [owner_id, project_id, source],
        )
        return next(iter(rows), None) is not None

    def _write(self, owner_id: int, current: ProjectState, target: ProjectState) -> ProjectState:
        project_id = current.project_id
        if target.options != current.options:
            options = target.options
            self.db.execute(
                "update projects set title = ?, aspect = ?, style = ?, clips_enabled = ?, "
                "previews_enabled = ?, restyle_enabled = ?, footage_sound = ?, captions_mode = ?, "
                "credits_card = ?, updated_at = ? "
                "where id = ? and owner_id = ?",
                [
                    options.title,
                    options.aspect,
                    options.style,
                    int(options.clips_enabled),
                    int(options.previews_enabled),
                    int(options.restyle_enabled),
                    options.footage_sound.value,
                    options.captions.value,
                    None if options.credits_card is None else int(options.credits_card),
                    _now(),
                    project_id,
                    owner_id,
                ],
            )
        corrected = {credit.id: credit.corrected for credit in current.credits}
        for credit in target.credits:
            if credit.id in corrected and corrected[credit.id] != credit.corrected:
                self.db.execute(
                    "update credits set corrected = ? where id = ? and project_id = ?",
                    [credit.corrected, credit.id, project_id],
                )
        existing = {scene.id: scene for scene in current.scenes if scene.id is not None}
        kept = {scene.id for scene in target.scenes if scene.id in existing}
        for scene_id in existing.keys() - kept:
            self.db.execute("delete from scene_refs where scene_id = ?", [scene_id])
            self.db.execute(
                "delete from scenes where id = ? and project_id = ?", [scene_id, project_id]
            )
        for position, scene in enumerate(target.scenes, start=1):
            old = existing.get(scene.id) if scene.id is not None else None
            if old is None:
                self._insert(project_id, position, scene)
                continue
            self.db.execute(
                f"update scenes set position = ?, {', '.join(f'{c} = ?' for c in SCENE_COLUMNS)} "  # noqa: S608
                "where id = ?",
                [position, *_scene_values(scene), scene.id],
            )
            if old.references != scene.references:
                self._write_references(scene.id or 0, scene.references)
        stored = self.load_state(owner_id, project_id)
        assert stored is not None
        return stored

    def _insert(self, project_id: int, position: int, scene: SceneState) -> None:
        # A scene coming back keeps its id (its messages in the chat still point to it).
        taken = scene.id is not None and bool(
            list(self.db.query("select 1 from scenes where id = ?", [scene.id]))
        )
        columns: tuple[str, ...] = ("project_id", "position", *SCENE_COLUMNS, "created_at")
        values: list[Any] = [project_id, position, *_scene_values(scene), _now()]
        if scene.id is not None and not taken:
            columns, values = ("id", *columns), [scene.id, *values]
        cursor = self.db.execute(
            f"insert into scenes ({', '.join(columns)}) "  # noqa: S608
            f"values ({', '.join('?' for _ in columns)})",
            values,
        )
        self._write_references(int(cursor.lastrowid or 0), scene.references)

    def _write_references(self, scene_id: int, references: tuple[str, ...]) -> None:
        self.db.execute("delete from scene_refs where scene_id = ?", [scene_id])
        # A photo the media gc removed meanwhile cannot come back with its scene.
        for position, sha in enumerate(dict.fromkeys(references), start=1):
            self.db.execute(
                "insert into scene_refs (scene_id, asset_sha, position) "
                "select ?, sha, ? from assets where sha = ?",
                [scene_id, position, sha],
            )
