"""Storage: a consistent backup of a database that is being written, and a media garbage
collector that removes only what no row points to and nothing still in flight."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.studio.changes import JobChanges, SceneChanges
from bot.studio.models import Asset, AssetKind
from bot.studio.timeline import Motion, Transition
from storage.database import open_database
from storage.gc import collect_garbage, reference_columns
from storage.media_files import MediaFiles
from storage.store import Store
from tests.reliability.bot_process import ROOT

pytestmark = pytest.mark.timeout(60)

SCENES_PER_PROJECT = 5


def _cli(data_dir: Path, *arguments: str) -> str:
    env = {**os.environ, "DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "bot", *arguments],
        env=env,
        cwd=data_dir,
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return done.stdout


def _write_projects(path: Path, stop: threading.Event, written: list[int]) -> None:
    """Another process's view: projects with their scenes, each in one transaction."""
    store = Store(open_database(path))
    store.ensure_user(1, "Writer", "en")
    while not stop.is_set():
        with store.db.atomic():
            project = store.create_project(1, f"Project {len(written)}", "9:16", "cinematic")
            for index in range(SCENES_PER_PROJECT):
                store.add_scene(
                    1, project.id, f"Scene {index} " + "x" * 500, "", Motion.ZOOM_IN, Transition.CUT
                )
        written.append(project.id)
    store.db.close()


@pytest.mark.slow
def test_backup_of_a_live_database_is_consistent(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    database = data_dir / "pocket_director.db"
    open_database(database).close()
    stop, written = threading.Event(), list[int]()
    writer = threading.Thread(target=_write_projects, args=(database, stop, written))
    writer.start()
    try:
        while len(written) < 20:
            time.sleep(0.01)
        copies = []
        for index in range(3):
            copy = tmp_path / f"backup-{index}.sqlite"
            assert f"Backup written to {copy}" in _cli(data_dir, "backup", str(copy))
            copies.append(copy)
    finally:
        stop.set()
        writer.join()
    counts = []
    for copy in copies:
        with sqlite3.connect(copy) as connection:
            assert connection.execute("pragma integrity_check").fetchone() == ("ok",)
            per_project = connection.execute(
                "select p.id, count(s.id) from projects p left join scenes s "
                "on s.project_id = p.id group by p.id"
            ).fetchall()
            migrations = connection.execute("select count(*) from _sqlite_migrations")
            assert migrations.fetchone()[0] >= 1
        connection.close()
        # Each project was written with its scenes in one transaction: never half of one.
        assert per_project and {n for _, n in per_project} == {SCENES_PER_PROJECT}
        counts.append(len(per_project))
    assert counts == sorted(counts) and counts[-1] <= len(written)


class Media:
    """A store and media folder to collect in, with a clock to age things."""

    def __init__(self, tmp_path: Path) -> None:
        self.db = open_database(tmp_path / "db.sqlite")
        self.store = Store(self.db)
        self.root = tmp_path / "media"
        self.files = MediaFiles(self.root)
        self.now = datetime.now(UTC)

    def asset(self, name: str, kind: AssetKind, ext: str, *, old: bool = True) -> str:
        sha = self.files.put_bytes(name.encode(), ext)
        self.store.save_asset(Asset(sha, kind, ext, len(name)))
        if old:
            self.age(sha, ext)
        return sha

    def orphan(self, name: str, ext: str, *, old: bool = True) -> str:
        sha = self.files.put_bytes(name.encode(), ext)
        if old:
            self.age(sha, ext)
        return sha

    def age(self, sha: str, ext: str) -> None:
        long_ago = self.now - timedelta(days=2)
        self.db.execute(
            "update assets set created_at = ? where sha = ?",
            [long_ago.isoformat(timespec="seconds"), sha],
        )
        stamp = long_ago.timestamp()
        os.utime(self.files.path_for(sha, ext), (stamp, stamp))

    def exists(self, sha: str, ext: str) -> bool:
        return self.files.path_for(sha, ext).exists()

    def has_row(self, sha: str) -> bool:
        return self.store.get_asset(sha) is not None


def test_gc_removes_only_what_nothing_points_to(tmp_path: Path) -> None:
    media = Media(tmp_path)
    store = media.store
    store.ensure_user(1, "Owner", "en")
    project = store.create_project(1, "Kept", "9:16", "cinematic")
    scene = store.add_scene(1, project.id, "idea", "", Motion.ZOOM_IN, Transition.CUT)
    kept = {
        "song": (media.asset("song", AssetKind.SONG, "mp3"), "mp3"),
        "picture": (media.asset("picture", AssetKind.PICTURE, "jpg"), "jpg"),
        "clip": (media.asset("clip", AssetKind.CLIP, "mp4"), "mp4"),
        "reference": (media.asset("reference", AssetKind.PHOTO, "jpg"), "jpg"),
        "style": (media.asset("style", AssetKind.PHOTO, "jpg"), "jpg"),
        "video": (media.asset("video", AssetKind.VIDEO, "mp4"), "mp4"),
        "thumbnail": (media.asset("thumbnail", AssetKind.THUMBNAIL, "jpg"), "jpg"),
        "young": (media.asset("in flight", AssetKind.PHOTO, "jpg", old=False), "jpg"),
    }
    store.set_song(1, project.id, kept["song"][0])
    store.set_scene_picture(1, scene.id, kept["picture"][0], "key")
    store.update_scene(1, scene.id, SceneChanges(clip_sha=kept["clip"][0]))
    store.add_scene_reference(1, scene.id, kept["reference"][0])
    store.add_project_reference(1, project.id, kept["style"][0])
    job = store.create_job(1, project.id, 1, "render", "en")
    store.update_job(
        job.id, JobChanges(result_sha=kept["video"][0], thumbnail_sha=kept["thumbnail"][0])
    )
    dropped = media.asset("replaced song", AssetKind.SONG, "mp3")
    orphan = media.orphan("crashed upload", "jpg")
    young_orphan = media.orphan("uploading now", "jpg", old=False)
    stale, fresh = media.root / "tmp" / "stale.part", media.root / "tmp" / "fresh.part"
    for path in (stale, fresh):
        path.write_bytes(b"partial")
    os.utime(stale, (time.time() - 7200, time.time() - 7200))
    foreign = media.root / "README.txt"
    foreign.write_text("not ours")

    dry = collect_garbage(media.db, media.root, timedelta(minutes=60), dry_run=True)
    assert (dry.asset_rows, dry.files, dry.scratch_files) == (1, 2, 1)
    assert media.has_row(dropped) and media.exists(dropped, "mp3") and stale.exists()

    report = collect_garbage(media.db, media.root, timedelta(minutes=60))
    assert (report.asset_rows, report.files, report.scratch_files) == (1, 2, 1)
    assert report.bytes_freed == len("replaced song") + len("crashed upload")
    assert not media.has_row(dropped) and not media.exists(dropped, "mp3")
    assert not media.exists(orphan, "jpg") and not stale.exists()
    for name, (sha, ext) in kept.items():
        assert media.has_row(sha) and media.exists(sha, ext), name
    assert media.exists(young_orphan, "jpg") and fresh.exists() and foreign.exists()

    # Deleting the project frees what only it used; the job went with it.
    assert store.delete_project(1, project.id)
    collect_garbage(media.db, media.root, timedelta(minutes=60))
    assert [name for name, (sha, _) in kept.items() if media.has_row(sha)] == ["young"]


def test_every_hash_column_counts_as_a_reference(tmp_path: Path) -> None:
    db = open_database(tmp_path / "db.sqlite")
    columns = set(reference_columns(db))
    hash_columns = {
        (table, column.name)
        for table in db.table_names()
        if table != "assets"
        for column in db.table(table).columns
        if "sha" in column.name
    }
    assert hash_columns == columns
    assert {
        ("projects", "song_sha"),
        ("scenes", "picture_sha"),
        ("scene_refs", "asset_sha"),
        ("jobs", "result_sha"),
        ("jobs", "thumbnail_sha"),
    } <= columns


def test_gc_command_line(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    db = open_database(data_dir / "pocket_director.db")
    files = MediaFiles(data_dir / "media")
    sha = files.put_bytes(b"nobody's", "jpg")
    stamp = time.time() - 3600
    os.utime(files.path_for(sha, "jpg"), (stamp, stamp))
    db.close()
    assert "Would have removed 0 unreferenced asset rows, 1 media files" in _cli(
        data_dir, "gc", "--dry-run", "--grace-minutes", "30"
    )
    assert files.path_for(sha, "jpg").exists()
    assert "Media gc: removed 0 unreferenced asset rows, 1 media files" in _cli(
        data_dir, "gc", "--grace-minutes", "30"
    )
    assert not files.path_for(sha, "jpg").exists()
