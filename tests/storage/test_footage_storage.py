"""Footage in storage (m013): a clip's facts, the scene that shows it, the clip sound option."""

import dataclasses
from pathlib import Path

from bot.studio.applying import Change
from bot.studio.changes import ProjectChanges, SceneChanges
from bot.studio.models import Asset, AssetKind
from bot.studio.timeline import FootageSound, Motion, Transition
from storage.database import open_database
from storage.journal import ProjectJournal
from storage.store import Store

CLIP = Asset(
    sha="f" * 64,
    kind=AssetKind.FOOTAGE,
    ext="mov",
    size=12345,
    width=1080,
    height=1920,
    duration=21.5,
    original_name="IMG_0042.MOV",
    rotation=90,
    fps=29.97,
    hdr=True,
    liveliness=(0.5, 1.25, 3.0),
)


def test_m013_runs_on_a_database_made_before_it(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    db = open_database(path)
    db.execute("insert into users (id, first_name, language) values (1, 'An', 'en')")
    db.execute(
        "insert into projects (owner_id, title, aspect, style, created_at) "
        "values (1, 'Before', '9:16', 'cinematic', 'then')"
    )
    for table, column in (
        ("assets", "rotation"),
        ("assets", "fps"),
        ("assets", "hdr"),
        ("assets", "liveliness_json"),
        ("scenes", "footage_sha"),
        ("scenes", "footage_start"),
        ("projects", "footage_sound"),
    ):
        db.execute(f"alter table {table} drop column {column}")
    db.execute("delete from _sqlite_migrations where name = 'm013_footage'")
    db.conn.commit()
    db.conn.close()
    store = Store(open_database(path))
    [project] = store.list_projects(1)
    assert project.footage_sound is FootageSound.DROP  # the default for projects made before
    names = [r["name"] for r in store.db.query("select name from _sqlite_migrations")]
    assert names.count("m013_footage") == 1


def test_a_clips_facts_and_the_scene_showing_it_round_trip(tmp_path: Path) -> None:
    db = open_database(tmp_path / "db.sqlite")
    store = Store(db)
    store.ensure_user(1, "An", "en")
    store.ensure_user(2, "Bình", "vi")
    store.save_asset(CLIP)
    assert store.get_asset(CLIP.sha) == CLIP
    project = store.create_project(1, "Phone", "9:16", "cinematic")
    scene = store.add_scene(1, project.id, "market", "market", Motion.ZOOM_IN, Transition.CUT)
    changed = store.update_scene(1, scene.id, SceneChanges(footage_sha=CLIP.sha, footage_start=4.0))
    assert changed is not None and (changed.footage_sha, changed.footage_start) == (CLIP.sha, 4.0)
    assert changed.has_footage
    assert store.update_scene(2, scene.id, SceneChanges(footage_start=1.0)) is None
    state = ProjectJournal(db).load_state(1, project.id)
    assert state is not None
    [scene_state] = state.scenes
    assert (scene_state.footage_sha, scene_state.footage_start) == (CLIP.sha, 4.0)
    assert scene_state.footage_seconds == 21.5  # read with the clip, for the edit rules
    ducked = store.update_project(1, project.id, ProjectChanges(footage_sound=FootageSound.DUCK))
    assert ducked is not None and ducked.footage_sound is FootageSound.DUCK


def test_the_journal_writes_and_undoes_a_stretch_and_the_clip_sound(tmp_path: Path) -> None:
    db = open_database(tmp_path / "db.sqlite")
    store = Store(db)
    store.ensure_user(1, "An", "en")
    store.save_asset(CLIP)
    project = store.create_project(1, "Phone", "9:16", "cinematic")
    store.add_scene(1, project.id, "market", "market", Motion.ZOOM_IN, Transition.CUT)
    journal = ProjectJournal(db)
    before = journal.load_state(1, project.id)
    assert before is not None
    target = dataclasses.replace(
        before,
        options=dataclasses.replace(before.options, footage_sound=FootageSound.DUCK),
        scenes=(dataclasses.replace(before.scenes[0], footage_sha=CLIP.sha, footage_start=2.5),),
    )
    after, entry_id = journal.write_edits(1, before, target, (Change("footage", (1,)),), "test")
    assert after.options.footage_sound is FootageSound.DUCK
    assert (after.scenes[0].footage_sha, after.scenes[0].footage_start) == (CLIP.sha, 2.5)
    entry = journal.last_entry(1, project.id)
    assert entry is not None and entry.id == entry_id
    assert entry.before_options.footage_sound is FootageSound.DROP
    assert entry.before_scenes[before.scenes[0].id or 0] == before.scenes[0]
