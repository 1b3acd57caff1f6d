"""Edits and undo on a real SQLite file: one transaction per group, undo across restarts."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import InputRejected, ProjectNotFound
from bot.studio.applying import Rules
from bot.studio.editing import Edits
from bot.studio.edits import (
    AddScenes,
    Delete,
    Duplicate,
    FromEnd,
    Numbered,
    SetAspect,
    SetIdea,
    Swap,
)
from bot.studio.models import Asset, AssetKind
from bot.studio.timeline import Motion, Transition
from storage.database import open_database
from storage.journal import ProjectJournal
from storage.store import Store

RULES = Rules(
    max_scenes=40,
    max_idea_chars=500,
    max_title_chars=80,
    default_seconds=4.0,
    style_keys=("cinematic", "watercolor"),
)


def open_edits(path: Path) -> tuple[Store, Edits]:
    database = open_database(path)
    store = Store(database)
    return store, Edits(ProjectJournal(database), store, RULES)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "db.sqlite"


def make_project(store: Store, *ideas: str) -> int:
    store.ensure_user(1, "Director", "en")
    project = store.create_project(1, "Film", "9:16", "cinematic")
    for idea in ideas:
        store.add_scene(1, project.id, idea, idea, Motion.ZOOM_IN, Transition.CUT)
    return project.id


def ideas(store: Store, project_id: int) -> list[str]:
    return [scene.idea for scene in store.scenes(1, project_id)]


def test_edits_are_written_and_undone_again_and_again_across_a_restart(db_path: Path) -> None:
    store, edits = open_edits(db_path)
    project_id = make_project(store, "a", "b", "c")
    edits.apply(1, project_id, [Swap(Numbered((1, 2)))])
    edits.apply(1, project_id, [Delete(FromEnd(1)), SetAspect("16:9")])
    assert ideas(store, project_id) == ["b", "a"]
    assert [s.position for s in store.scenes(1, project_id)] == [1, 2]
    store.db.close()

    store, edits = open_edits(db_path)  # the bot restarted
    undone = edits.undo(1, project_id)
    assert [c.key for c in undone.changes] == ["deleted", "aspect"]
    assert ideas(store, project_id) == ["b", "a", "c"]
    project = store.get_project(1, project_id)
    assert project is not None and project.aspect == "9:16"
    edits.undo(1, project_id)
    assert ideas(store, project_id) == ["a", "b", "c"]
    with pytest.raises(InputRejected) as raised:
        edits.undo(1, project_id)
    assert raised.value.key == "undo.nothing"


def test_a_deleted_scene_comes_back_with_its_id_photos_and_picture(db_path: Path) -> None:
    store, edits = open_edits(db_path)
    project_id = make_project(store, "a", "b")
    scene = store.scenes(1, project_id)[0]
    store.save_asset(Asset(sha="f" * 64, kind=AssetKind.PHOTO, ext="jpg", size=1))
    store.add_scene_reference(1, scene.id, "f" * 64)
    store.set_scene_picture(1, scene.id, "e" * 64, "key")
    edits.apply(1, project_id, [Delete(Numbered((1,)))])
    assert store.get_scene(1, scene.id) is None
    edits.undo(1, project_id)
    back = store.get_scene(1, scene.id)
    assert back is not None and back.position == 1 and back.picture_sha == "e" * 64
    assert [a.sha for a in store.scene_references(1, scene.id)] == ["f" * 64]


def test_undo_keeps_what_arrived_after_the_edit(db_path: Path) -> None:
    store, edits = open_edits(db_path)
    project_id = make_project(store, "a", "b")
    edits.apply(1, project_id, [SetIdea(Numbered((2,)), "temple")])
    store.add_scene(1, project_id, "photo scene", "", Motion.ZOOM_IN, Transition.CUT)
    edits.undo(1, project_id)
    assert ideas(store, project_id) == ["a", "b", "photo scene"]


def test_undo_takes_away_scenes_the_group_made(db_path: Path) -> None:
    store, edits = open_edits(db_path)
    project_id = make_project(store, "a")
    outcome = edits.apply(1, project_id, [AddScenes(("x", "y")), Duplicate(Numbered((1,)))])
    assert ideas(store, project_id) == ["a", "a", "x", "y"]
    assert all(s.id is not None for s in outcome.after.scenes)
    edits.undo(1, project_id)
    assert ideas(store, project_id) == ["a"]


def test_a_refused_edit_writes_nothing(db_path: Path) -> None:
    store, edits = open_edits(db_path)
    project_id = make_project(store, "a", "b")
    with pytest.raises(InputRejected):
        edits.apply(1, project_id, [Swap(Numbered((1, 2))), Delete(Numbered((7,)))])
    assert ideas(store, project_id) == ["a", "b"]
    with pytest.raises(InputRejected):
        edits.undo(1, project_id)


def test_another_users_project_is_out_of_reach(db_path: Path) -> None:
    store, edits = open_edits(db_path)
    project_id = make_project(store, "a", "b")
    store.ensure_user(2, "Stranger", "en")
    with pytest.raises(ProjectNotFound):
        edits.apply(2, project_id, [Delete(Numbered((1,)))])
    edits.apply(1, project_id, [Delete(Numbered((1,)))])
    with pytest.raises(ProjectNotFound):
        edits.undo(2, project_id)
    assert ideas(store, project_id) == ["b"]


def test_the_undo_button_only_takes_back_the_newest_group(db_path: Path) -> None:
    store, edits = open_edits(db_path)
    project_id = make_project(store, "a", "b")
    first = edits.apply(1, project_id, [Swap(Numbered((1, 2)))])
    edits.apply(1, project_id, [SetIdea(Numbered((1,)), "c")])
    with pytest.raises(InputRejected) as raised:
        edits.undo(1, project_id, entry_id=first.entry_id)
    assert raised.value.key == "undo.not_last"


def test_an_edit_during_a_render_applies_and_says_the_render_keeps_the_earlier_version(
    db_path: Path,
) -> None:
    store, edits = open_edits(db_path)
    project_id = make_project(store, "a", "b")
    store.create_job(1, project_id, 1, "render", "en")
    outcome = edits.apply(1, project_id, [Swap(Numbered((1, 2)))])
    assert outcome.busy_with == "render"
    assert ideas(store, project_id) == ["b", "a"]
