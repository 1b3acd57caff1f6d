"""Open the SQLite database: WAL, a busy timeout, and forward-only migrations."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlite_utils
from sqlite_utils import Migrations

BUSY_TIMEOUT_MS = 5000

migrations = Migrations("pocket_director")


@migrations()
def m001_initial_schema(db: sqlite_utils.Database) -> None:
    """Users, projects, scenes, assets, references, jobs, messages and usage."""
    db.table("users").create(
        {
            "id": int,
            "first_name": str,
            "language": str,
            "active_project_id": int,
            "created_at": str,
        },
        pk="id",
    )
    db.table("projects").create(
        {
            "id": int,
            "owner_id": int,
            "title": str,
            "aspect": str,
            "style": str,
            "song_sha": str,
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        not_null={"owner_id", "title", "aspect", "style"},
    )
    db.table("projects").create_index(["owner_id"])
    db.table("assets").create(
        {
            "sha": str,
            "kind": str,
            "ext": str,
            "size": int,
            "width": int,
            "height": int,
            "duration": float,
            "original_name": str,
            "created_at": str,
        },
        pk="sha",
    )
    db.table("scenes").create(
        {
            "id": int,
            "project_id": int,
            "position": int,
            "idea": str,
            "caption": str,
            "motion": str,
            "transition": str,
            "duration": float,
            "picture_sha": str,
            "picture_key": str,
            "created_at": str,
        },
        pk="id",
        foreign_keys=[("project_id", "projects", "id")],
        not_null={"project_id", "position", "idea"},
    )
    db.table("scenes").create_index(["project_id", "position"])
    db.table("scene_refs").create(
        {"scene_id": int, "asset_sha": str, "position": int},
        pk=("scene_id", "asset_sha"),
        foreign_keys=[("scene_id", "scenes", "id"), ("asset_sha", "assets", "sha")],
    )
    db.table("jobs").create(
        {
            "id": int,
            "project_id": int,
            "owner_id": int,
            "chat_id": int,
            "kind": str,
            "state": str,
            "progress": float,
            "step": str,
            "attempts": int,
            "error": str,
            "progress_message_id": int,
            "result_sha": str,
            "language": str,
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        foreign_keys=[("project_id", "projects", "id")],
        defaults={"progress": 0.0, "attempts": 0, "step": ""},
    )
    db.table("jobs").create_index(["state"])
    db.table("jobs").create_index(["project_id"])
    db.table("messages").create(
        {"id": int, "project_id": int, "role": str, "text": str, "created_at": str},
        pk="id",
        foreign_keys=[("project_id", "projects", "id")],
    )
    db.table("usage").create(
        {
            "id": int,
            "project_id": int,
            "owner_id": int,
            "provider": str,
            "kind": str,
            "units": float,
            "cost_usd": float,
            "created_at": str,
        },
        pk="id",
    )


@migrations()
def m002_storyboard_review(db: sqlite_utils.Database) -> None:
    """Scene variants and fit, song analysis, project options, and chat message links."""
    db.table("scenes").add_column("variant", int, not_null_default=0)
    db.table("scenes").add_column("fit", str, not_null_default="cover")
    db.table("scenes").add_column("clip_sha", str)
    db.table("scenes").add_column("clip_key", str)
    db.table("assets").add_column("tempo_bpm", float)
    db.table("assets").add_column("beats_json", str)
    db.table("projects").add_column("clips_enabled", int, not_null_default=0)
    db.table("project_refs").create(
        {"project_id": int, "asset_sha": str, "position": int},
        pk=("project_id", "asset_sha"),
        foreign_keys=[("project_id", "projects", "id"), ("asset_sha", "assets", "sha")],
    )
    # Which chat message shows what: a reply to it, or a tap under it, acts on that target.
    db.table("message_links").create(
        {
            "chat_id": int,
            "message_id": int,
            "owner_id": int,
            "kind": str,
            "target_id": int,
            "created_at": str,
        },
        pk=("chat_id", "message_id"),
    )
    db.table("message_links").create_index(["owner_id", "kind", "target_id"])


@migrations()
def m003_scene_image_prompt(db: sqlite_utils.Database) -> None:
    """The planner's image prompt per scene, and what a job acts on besides its project."""
    db.table("scenes").add_column("image_prompt", str, not_null_default="")
    db.table("scenes").add_column("accepted", int, not_null_default=0)
    db.table("jobs").add_column("target_id", int)
    db.table("jobs").add_column("options", str)


@migrations()
def m010_durable_jobs(db: sqlite_utils.Database) -> None:
    """Keep a finished render's thumbnail with its job, so a restart can still deliver it."""
    db.table("jobs").add_column("thumbnail_sha", str)
    db.table("jobs").create_index(["owner_id", "state"])
    db.table("usage").create_index(["created_at"])


@migrations()
def m011_scene_previews(db: sqlite_utils.Database) -> None:
    """Whether a project's director wants each picture and clip sent as soon as it is made
    (and the scenes' `accepted` column where an early m003 ran without it)."""
    db.table("projects").add_column("previews_enabled", int, not_null_default=0)
    # `accepted` joined m003 after some databases had already run it.
    if "accepted" not in db.table("scenes").columns_dict:
        db.table("scenes").add_column("accepted", int, not_null_default=0)


@migrations()
def m012_edit_journal(db: sqlite_utils.Database) -> None:
    """The journal of edit groups: what each change touched, so /undo can put it back."""
    db.table("edit_groups").create(
        {
            "id": int,
            "project_id": int,
            "owner_id": int,
            "source": str,
            "changes_json": str,
            "before_json": str,
            "created_at": str,
            "undone_at": str,
        },
        pk="id",
        not_null={"project_id", "owner_id", "changes_json", "before_json"},
    )
    db.table("edit_groups").create_index(["project_id", "undone_at"])


@migrations()
def m013_footage(db: sqlite_utils.Database) -> None:
    """The director's own clips: their facts, the scene that shows one and where its stretch
    begins, and whether a project keeps the clips' own sound."""
    assets = db.table("assets")
    assets.add_column("rotation", int)
    assets.add_column("fps", float)
    assets.add_column("hdr", int, not_null_default=0)
    assets.add_column("liveliness_json", str)
    db.table("scenes").add_column("footage_sha", str)
    db.table("scenes").add_column("footage_start", float)
    db.table("projects").add_column("footage_sound", str, not_null_default="drop")


@migrations()
def m014_lyrics(db: sqlite_utils.Database) -> None:
    """Each song's transcript (paid once, kept by the song's hash), each project's own lyric
    text, and what a project's captions show."""
    db.table("projects").add_column("captions_mode", str, not_null_default="ideas")
    db.table("song_transcripts").create(
        {
            "song_sha": str,
            "model": str,
            "text": str,
            "words_json": str,
            "segments_json": str,
            "created_at": str,
        },
        pk="song_sha",
        not_null={"model", "text", "words_json", "segments_json"},
    )
    db.table("project_lyrics").create(
        {"project_id": int, "kind": str, "text": str, "updated_at": str},
        pk="project_id",
        foreign_keys=[("project_id", "projects", "id")],
        not_null={"kind", "text"},
    )


@migrations()
def m015_song_sections(db: sqlite_utils.Database) -> None:
    """A song's downbeat and sections (intro, verse, chorus...), and a scene pinned to one."""
    db.table("assets").add_column("downbeat", int, not_null_default=0)
    db.table("assets").add_column("sections_json", str)
    db.table("scenes").add_column("section_pin", str)


@migrations()
def m016_restyle(db: sqlite_utils.Database) -> None:
    """Footage restyled by an AI model: the project's switch, and every paid result by its key.

    A result is keyed by what shaped it (footage, prompt, model, stretch), not by a scene, so
    any scene of any of the owner's projects with the same key reuses it, and it outlives the
    scene that paid for it. (`restyled_sha` keeps the file from the media collector.)
    """
    db.table("projects").add_column("restyle_enabled", int, not_null_default=0)
    db.table("restyles").create(
        {
            "owner_id": int,
            "key": str,
            "restyled_sha": str,
            # What the key hashes, kept readable: the footage, the look (model, prompt,
            # ratio) and the stretch.
            "source": str,
            "look": str,
            "start": float,
            "seconds": float,
            "created_at": str,
        },
        pk=("owner_id", "key"),
        not_null={"restyled_sha", "source", "look"},
    )


@migrations()
def m017_chats(db: sqlite_utils.Database) -> None:
    """Projects belong to chats: a director per project, groups and their forum topics.

    `projects.owner_id` is the owning chat's id (a private chat's id is its user's id, so
    every earlier row already belongs to its private chat); `director_id` is the member who
    started the project (the one who pays for it), backfilled with the owner. A group's
    active project is kept per forum topic (`thread_id` 0: the chat outside any topic);
    `chats.thread_id` is the topic of the update being handled (a chat's updates are handled
    one at a time, in order).
    """
    db.table("projects").add_column("director_id", int)
    db.execute("update projects set director_id = owner_id where director_id is null")
    db.table("projects").create_index(["director_id"])
    db.table("chats").create(
        {
            "id": int,
            "kind": str,  # group, supergroup (private chats have no row: a user is their chat)
            "title": str,
            "thread_id": int,
            "removed_at": str,  # the bot was removed (left, kicked); cleared when it is back
            "created_at": str,
        },
        pk="id",
        not_null={"kind", "thread_id"},
        defaults={"thread_id": 0},
    )
    db.table("chat_topics").create(
        {"chat_id": int, "thread_id": int, "active_project_id": int},
        pk=("chat_id", "thread_id"),
    )


@migrations()
def m018_credits(db: sqlite_utils.Database) -> None:
    """Whose work each attachment is (per project and file, so one photo can be credited
    differently in two projects), and each project's credits card switch (NULL: not chosen).

    What earlier versions stored is credited to the project's owner, who sent it.
    """
    db.table("projects").add_column("credits_card", int)
    db.table("credits").create(
        {
            "id": int,
            "project_id": int,
            "asset_sha": str,
            "role": str,
            "name": str,
            "source": str,
            "sender_id": int,
            "sender_name": str,
            "sender_username": str,
            "album": str,
            "corrected": str,
            "created_at": str,
        },
        pk="id",
        foreign_keys=[("project_id", "projects", "id")],
        not_null={"project_id", "asset_sha", "role", "name", "source"},
    )
    db.table("credits").create_index(["project_id", "asset_sha", "role"], unique=True)
    db.table("credits").create_index(["project_id", "album"])
    db.execute(
        "insert or ignore into credits (project_id, asset_sha, role, name, source, sender_id, "
        "sender_name, created_at) "
        "select a.project_id, a.asset_sha, a.role, "
        "case when a.role = 'music' then '' else coalesce(u.first_name, '') end, 'sender', "
        "p.owner_id, coalesce(u.first_name, ''), datetime('now') from ("
        "select s.project_id as project_id, r.asset_sha as asset_sha, 'photo' as role "
        "from scene_refs r "
        "join scenes s on s.id = r.scene_id "
        "union select project_id, asset_sha, 'photo' from project_refs "
        "union select project_id, footage_sha, 'footage' from scenes where footage_sha is not null "
        "union select id, song_sha, 'music' from projects where song_sha is not null"
        ") as a join projects p on p.id = a.project_id left join users u on u.id = p.owner_id"
    )


def open_database(path: Path) -> sqlite_utils.Database:
    """Open (creating if needed) the database file and bring its schema up to date."""
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000)
    db = sqlite_utils.Database(connection)
    db.enable_wal()
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    db.execute("PRAGMA foreign_keys = ON")
    migrations.apply(db)
    return db


def backup_database(db: sqlite_utils.Database, target: Path) -> None:
    """Write a consistent copy of a live database to `target` (SQLite's online backup)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(str(target)) as destination:
        db.conn.backup(destination)
    destination.close()
