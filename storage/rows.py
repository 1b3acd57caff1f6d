"""What every store module shares: the database handle, one-row reads, rows into records."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import sqlite_utils

from bot.studio.models import Asset, AssetKind, Job, JobState, MessageLink, Project, Scene
from bot.studio.sections import sections_from_json
from bot.studio.timeline import CaptionsMode, FootageSound, Motion, Transition


def now() -> str:
    """The time rows are stamped with (UTC, ISO 8601, seconds)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


class Rows:
    """Base of the store modules. Owned by one thread (the bot's event loop)."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    def _one(self, sql: str, params: list[Any]) -> dict[str, Any] | None:
        return next(iter(self.db.query(sql, params)), None)

    def _count(self, sql: str, params: list[Any]) -> int:
        row = self._one(sql, params)
        return int(row["n"]) if row else 0


def project_of(row: dict[str, Any]) -> Project:
    """A projects row as a Project."""
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
        restyle_enabled=bool(row.get("restyle_enabled")),
        footage_sound=FootageSound(row.get("footage_sound") or FootageSound.DROP),
        captions=CaptionsMode(row.get("captions_mode") or CaptionsMode.IDEAS),
        credits_card=None if row.get("credits_card") is None else bool(row["credits_card"]),
        director_id=row.get("director_id") or row["owner_id"],
    )


def scene_of(row: dict[str, Any]) -> Scene:
    """A scenes row as a Scene."""
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
        footage_sha=row.get("footage_sha"),
        footage_start=row.get("footage_start"),
        section_pin=row.get("section_pin"),
    )


def link_of(row: dict[str, Any]) -> MessageLink:
    """A message_links row as a MessageLink."""
    return MessageLink(row["chat_id"], row["message_id"], row["kind"], row["target_id"])


def asset_of(row: dict[str, Any]) -> Asset:
    """An assets row as an Asset."""
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
        rotation=row.get("rotation"),
        fps=row.get("fps"),
        hdr=bool(row.get("hdr")),
        liveliness=(
            tuple(json.loads(row["liveliness_json"])) if row.get("liveliness_json") else ()
        ),
        downbeat=row.get("downbeat") or 0,
        sections=sections_from_json(row.get("sections_json")),
    )


def job_of(row: dict[str, Any]) -> Job:
    """A jobs row as a Job."""
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


def assignments(columns: Mapping[str, object]) -> str:
    """`a = :a, b = :b` for the columns of a typed changes record (names from the code)."""
    return ", ".join(f"{name} = :{name}" for name in columns)
