"""The store on a real SQLite file: WAL, migrations once, owner scoping, persistence."""

from pathlib import Path

import pytest

from bot.studio.changes import JobChanges, SceneChanges
from bot.studio.models import Asset, AssetKind, JobState
from bot.studio.timeline import Motion, Transition
from storage.database import backup_database, open_database
from storage.media_files import MediaFiles
from storage.store import Store


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(open_database(tmp_path / "db.sqlite"))


def test_database_uses_wal_and_migrates_once(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    first = open_database(path)
    assert next(iter(first.query("pragma journal_mode")))["journal_mode"] == "wal"
    first.close()
    second = open_database(path)
    names = [row["name"] for row in second.query("select name from _sqlite_migrations")]
    assert names[:2] == ["m001_initial_schema", "m002_storyboard_review"]
    assert len(names) == len(set(names))


def test_projects_are_scoped_to_their_owner(store: Store) -> None:
    store.ensure_user(1, "A", "en")
    store.ensure_user(2, "B", "vi")
    mine = store.create_project(1, "Mine", "9:16", "cinematic")
    assert store.get_project(2, mine.id) is None
    assert store.scenes(2, mine.id) == []
    with pytest.raises(LookupError):
        store.add_scene(2, mine.id, "x", "x", Motion.ZOOM_IN, Transition.CUT)
    store.set_active_project(2, mine.id)
    assert store.active_project(2) is None
    assert store.active_project(1) == mine


def test_scenes_keep_order_and_references(store: Store) -> None:
    store.ensure_user(1, "A", "en")
    project = store.create_project(1, "P", "9:16", "cinematic")
    first = store.add_scene(1, project.id, "one", "one", Motion.ZOOM_IN, Transition.FADE_BLACK)
    second = store.add_scene(1, project.id, "two", "two", Motion.PAN_LEFT, Transition.CROSSFADE)
    store.save_asset(Asset(sha="a" * 64, kind=AssetKind.PHOTO, ext="jpg", size=10))
    store.add_scene_reference(1, second.id, "a" * 64)
    store.add_scene_reference(1, second.id, "a" * 64)
    assert [s.idea for s in store.scenes(1, project.id)] == ["one", "two"]
    assert [s.position for s in store.scenes(1, project.id)] == [1, 2]
    assert [a.sha for a in store.scene_references(1, second.id)] == ["a" * 64]
    assert store.scene_references(2, second.id) == []
    assert store.count_references(1, project.id) == 1
    assert first.motion is Motion.ZOOM_IN


def test_jobs_survive_reopening(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    store = Store(open_database(path))
    store.ensure_user(1, "A", "en")
    project = store.create_project(1, "P", "9:16", "cinematic")
    job = store.create_job(1, project.id, 1, "render", "en")
    store.update_job(job.id, JobChanges(state=JobState.RUNNING, progress=0.5))
    store.db.close()
    reopened = Store(open_database(path))
    [unfinished] = reopened.unfinished_jobs()
    assert unfinished.state is JobState.RUNNING and unfinished.progress == 0.5
    # A job's owner is not among the fields a change may name (mypy refuses it too).
    with pytest.raises(TypeError):
        reopened.update_job(job.id, JobChanges(owner_id=2))  # type: ignore[call-arg]


def test_backup_is_a_consistent_copy(tmp_path: Path, store: Store) -> None:
    store.ensure_user(1, "A", "en")
    store.create_project(1, "Backed up", "1:1", "watercolor")
    target = tmp_path / "backup.sqlite"
    backup_database(store.db, target)
    copy = Store(open_database(target))
    assert [p.title for p in copy.list_projects(1)] == ["Backed up"]


def test_media_files_are_stored_once_by_hash(tmp_path: Path) -> None:
    media = MediaFiles(tmp_path / "media")
    first = media.put_bytes(b"hello", "txt")
    second = media.put_bytes(b"hello", "txt")
    assert first == second
    assert media.path_for(first, "txt").read_bytes() == b"hello"
    scratch = media.scratch_path(".bin")
    scratch.write_bytes(b"hello")
    assert media.put_file(scratch, "txt") == first
    assert not scratch.exists()
    with pytest.raises(ValueError):
        media.path_for("../../etc/passwd", "txt")


def test_a_database_whose_m003_lacked_accepted_gets_the_column(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    db = open_database(path)
    # As an early build left it: m003 without `accepted`, and no m011 yet.
    db.execute("alter table scenes drop column accepted")
    db.execute("alter table projects drop column previews_enabled")
    db.execute("delete from _sqlite_migrations where name = 'm011_scene_previews'")
    db.conn.commit()
    db.conn.close()
    store = Store(open_database(path))
    store.ensure_user(1, "An", "en")
    project = store.create_project(1, "Old", "9:16", "cinematic")
    scene = store.add_scene(1, project.id, "idea", "idea", Motion.ZOOM_IN, Transition.CUT)
    updated = store.update_scene(1, scene.id, SceneChanges(accepted=True))
    assert updated is not None and updated.accepted
