"""Chats on a real SQLite file: m017's backfill, topic-scoped active projects, payers, moves."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlite_utils

from bot.studio.changes import JobChanges
from bot.studio.models import JobState
from bot.studio.ports import Usage
from storage.database import migrations, open_database
from storage.store import Store

GROUP, SUPERGROUP = -4001, -1004001
DIRECTOR, PHOTOGRAPHER = 7001, 7002


def test_m017_backfills_each_private_project_with_its_user_as_director(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    db = sqlite_utils.Database(sqlite3.connect(str(path)))
    migrations.apply(db, stop_before="m017_chats")  # the schema a user has before this one
    db.execute(
        "insert into projects (owner_id, title, aspect, style) values (42, 'Old', '9:16', 'c')"
    )
    db.execute(
        "insert into users (id, first_name, language, active_project_id) values (42, 'U', 'en', 1)"
    )
    db.conn.commit()
    db.close()
    store = Store(open_database(path))
    project = store.active_project(42)
    assert project is not None and (project.owner_id, project.director_id) == (42, 42)


def test_a_group_keeps_one_active_project_per_forum_topic(tmp_path: Path) -> None:
    store = Store(open_database(tmp_path / "db.sqlite"))
    store.enter_chat(SUPERGROUP, "supergroup", "Crew", 11)
    first = store.create_project(SUPERGROUP, "A", "9:16", "c", director_id=DIRECTOR)
    store.enter_chat(SUPERGROUP, "supergroup", "Crew", 22)
    assert store.active_project(SUPERGROUP) is None
    second = store.create_project(SUPERGROUP, "B", "9:16", "c", director_id=PHOTOGRAPHER)
    store.enter_chat(SUPERGROUP, "supergroup", "Crew", 11)
    assert store.active_project(SUPERGROUP) == first
    store.set_active_project(SUPERGROUP, second.id)
    assert store.active_project(SUPERGROUP) == second
    store.enter_chat(SUPERGROUP, "supergroup", "Crew", 22)
    assert store.active_project(SUPERGROUP) == second
    assert [p.director_id for p in store.list_projects(SUPERGROUP)] == [PHOTOGRAPHER, DIRECTOR]
    assert store.active_project(DIRECTOR) is None  # the director's private chat is apart


def test_a_group_project_is_paid_for_by_its_director(tmp_path: Path) -> None:
    store = Store(open_database(tmp_path / "db.sqlite"))
    store.enter_chat(GROUP, "group", "Crew", 0)
    project = store.create_project(GROUP, "A", "9:16", "c", director_id=DIRECTOR)
    store.record_usage(GROUP, project.id, Usage("openai", "image", 1, 0.25))
    assert store.spend(DIRECTOR) == 0.25
    assert store.spend(GROUP, project.id) == 0.25
    assert store.spend(GROUP) == 0.0 and store.spend(PHOTOGRAPHER) == 0.0
    assert store.payer(GROUP, project.id) == DIRECTOR


def test_an_upgraded_group_moves_every_chat_keyed_row_at_once(tmp_path: Path) -> None:
    store = Store(open_database(tmp_path / "db.sqlite"))
    store.enter_chat(GROUP, "group", "Crew", 0)
    project = store.create_project(GROUP, "A", "9:16", "c", director_id=DIRECTOR)
    job = store.create_job(GROUP, project.id, GROUP, "render", "en")
    store.link_message(GROUP, GROUP, 5, "scene", 1)
    assert store.move_chat(GROUP, SUPERGROUP) == 1
    assert store.get_project(GROUP, project.id) is None
    assert store.active_project(SUPERGROUP) == store.get_project(SUPERGROUP, project.id)
    moved = store.get_job(job.id)
    assert moved is not None and (moved.owner_id, moved.chat_id) == (SUPERGROUP, SUPERGROUP)
    assert store.linked(SUPERGROUP, SUPERGROUP, 5) is not None
    assert store.move_chat(GROUP, SUPERGROUP) == 0  # Telegram tells twice: nothing more moves
    assert not store.is_group(GROUP) and store.is_group(SUPERGROUP)


def test_a_group_that_removed_the_bot_is_known_until_it_is_back(tmp_path: Path) -> None:
    store = Store(open_database(tmp_path / "db.sqlite"))
    store.enter_chat(GROUP, "group", "Crew", 0)
    project = store.create_project(GROUP, "A", "9:16", "c")
    store.update_job(
        store.create_job(GROUP, project.id, GROUP, "render", "en").id,
        JobChanges(state=JobState.RUNNING),
    )
    store.mark_removed(GROUP)
    assert store.is_removed(GROUP)
    store.enter_chat(GROUP, "group", "Crew", 0)
    assert not store.is_removed(GROUP)
