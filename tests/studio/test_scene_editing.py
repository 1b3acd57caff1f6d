"""Scene buttons, replies and the messages that stand for scenes, on a real SQLite file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.errors import InputRejected, ProjectNotFound
from bot.studio.scene_editing import SceneAction
from bot.studio.timeline import Motion
from tests.studio.helpers import CHAT, OWNER, STRANGER, build, with_ideas


def test_buttons_edit_one_scene_each_through_the_journal(tmp_path: Path) -> None:
    world = build(tmp_path)
    with_ideas(world, "a", "b", "c")
    first, second, _ = world.scenes()
    editing = world.scene_editing

    redone = editing.apply(OWNER, second.id, SceneAction.REDO)
    assert redone is not None and redone.variant == second.variant + 1
    longer = editing.apply(OWNER, second.id, SceneAction.LONGER)
    assert longer is not None and longer.duration == pytest.approx(5.0)  # 4 s by default x 1.25
    shorter = editing.apply(OWNER, second.id, SceneAction.SHORTER)
    assert shorter is not None and shorter.duration == pytest.approx(4.0)
    moved = editing.apply(OWNER, second.id, SceneAction.MOTION)
    assert moved is not None and moved.motion is not second.motion
    later = editing.apply(OWNER, second.id, SceneAction.LATER)
    assert later is not None and later.position == 3
    earlier = editing.apply(OWNER, second.id, SceneAction.EARLIER)
    assert earlier is not None and earlier.position == 2
    assert world.ideas() == ["a", "b", "c"]
    assert editing.apply(OWNER, first.id, SceneAction.DELETE) is None
    assert world.ideas() == ["b", "c"]
    # Each tap is a group of its own: undo takes back the deletion only.
    world.edits.undo(OWNER, world.project().id)
    assert world.ideas() == ["a", "b", "c"]


def test_keep_toggles_and_a_redo_unkeeps(tmp_path: Path) -> None:
    world = build(tmp_path)
    with_ideas(world, "a")
    [scene] = world.scenes()
    kept = world.scene_editing.apply(OWNER, scene.id, SceneAction.KEEP)
    assert kept is not None and kept.accepted
    unkept = world.scene_editing.apply(OWNER, scene.id, SceneAction.KEEP)
    assert unkept is not None and not unkept.accepted
    world.scene_editing.apply(OWNER, scene.id, SceneAction.KEEP)
    redone = world.scene_editing.apply(OWNER, scene.id, SceneAction.REDO)
    assert redone is not None and not redone.accepted and redone.variant == 1


def test_the_first_scene_cannot_go_earlier_nor_the_last_later(tmp_path: Path) -> None:
    world = build(tmp_path)
    with_ideas(world, "a", "b")
    first, last = world.scenes()
    assert world.scene_editing.apply(OWNER, first.id, SceneAction.EARLIER) == first
    assert world.scene_editing.apply(OWNER, last.id, SceneAction.LATER) == last
    # The journal holds the two ideas only: the taps that did nothing wrote nothing.
    world.edits.undo(OWNER, world.project().id)
    world.edits.undo(OWNER, world.project().id)
    with pytest.raises(InputRejected) as raised:
        world.edits.undo(OWNER, world.project().id)
    assert raised.value.key == "undo.nothing"


def test_motion_cycles_through_every_move(tmp_path: Path) -> None:
    world = build(tmp_path)
    with_ideas(world, "a")
    [scene] = world.scenes()
    seen = [scene.motion]
    for _ in range(len(Motion) + 1):
        after = world.scene_editing.apply(OWNER, scene.id, SceneAction.MOTION)
        assert after is not None
        seen.append(after.motion)
    assert Motion.STILL in seen and seen[0] in seen[1:]


def test_a_new_idea_replaces_idea_and_caption_and_answers_the_question(tmp_path: Path) -> None:
    world = build(tmp_path)
    with_ideas(world, "a", "b")
    scene = world.scenes()[1]
    world.scene_messages.ask_for_idea(OWNER, CHAT, 50, scene.id)
    assert world.scene_messages.open_question(OWNER, CHAT) == scene
    changed = world.scene_editing.replace_idea(OWNER, scene.id, "  Lanterns   on the river ")
    assert (changed.idea, changed.caption) == ("Lanterns on the river", "Lanterns on the river")
    assert world.scene_messages.open_question(OWNER, CHAT) is None
    assert world.store.conversation(OWNER, scene.project_id)[-1] == "Lanterns on the river"
    with pytest.raises(InputRejected):
        world.scene_editing.replace_idea(OWNER, scene.id, "x" * 5000)


def test_scene_lookups_and_a_strangers_taps(tmp_path: Path) -> None:
    world = build(tmp_path)
    project = with_ideas(world, "a", "b")
    first, second = world.scenes()
    editing = world.scene_editing
    assert editing.scene(OWNER, first.id) == first
    assert editing.scenes_of(OWNER, project.id) == [first, second]
    assert editing.neighbours(OWNER, second) == [first, second]
    assert editing.scenes_of(STRANGER, project.id) == []
    with pytest.raises(ProjectNotFound):
        editing.scene(STRANGER, first.id)
    with pytest.raises(ProjectNotFound):
        editing.apply(STRANGER, first.id, SceneAction.DELETE)
    with pytest.raises(ProjectNotFound):
        editing.replace_idea(STRANGER, first.id, "theirs")
    assert world.ideas() == ["a", "b"]


def test_messages_stand_for_scenes_of_their_owner_only(tmp_path: Path) -> None:
    world = build(tmp_path)
    with_ideas(world, "a", "b")
    first, second = world.scenes()
    messages = world.scene_messages
    messages.remember_preview(OWNER, CHAT, 1, first.id)
    messages.remember_preview(OWNER, CHAT, 2, first.id)
    messages.remember_clip(OWNER, CHAT, 3, second.id)
    messages.remember_panel(OWNER, CHAT, 4, second.id)
    messages.remember_question(OWNER, CHAT, 5, first.id)
    for message_id, scene in ((1, first), (2, first), (3, second), (4, second), (5, first)):
        assert messages.scene_for_message(OWNER, CHAT, message_id) == scene
    assert messages.scene_for_message(OWNER, CHAT, 6) is None
    assert messages.scene_for_message(OWNER, CHAT + 1, 1) is None
    assert messages.scene_for_message(STRANGER, CHAT, 1) is None
    assert messages.preview_messages(OWNER, first.id) == [(CHAT, 1), (CHAT, 2)]
    assert messages.preview_messages(OWNER, second.id) == []  # a clip or panel is no preview
    assert messages.preview_messages(STRANGER, first.id) == []
    # A rename question is a link of another kind: no scene.
    world.projects.remember_rename_question(OWNER, CHAT, 7, first.id)
    assert messages.scene_for_message(OWNER, CHAT, 7) is None
    # A deleted scene is shown by no message any more.
    world.scene_editing.apply(OWNER, first.id, SceneAction.DELETE)
    assert messages.scene_for_message(OWNER, CHAT, 1) is None


def test_an_open_question_lapses_with_time_and_with_another_project(tmp_path: Path) -> None:
    world = build(tmp_path)
    project = with_ideas(world, "a")
    [scene] = world.scenes()
    messages = world.scene_messages
    assert messages.open_question(OWNER, CHAT) is None
    messages.ask_for_idea(OWNER, CHAT, 9, scene.id)
    assert messages.open_question(OWNER, CHAT) == scene
    assert messages.open_question(OWNER, CHAT + 1) is None
    assert messages.open_question(STRANGER, CHAT) is None
    other = world.projects.start_project(OWNER, "Other")
    assert messages.open_question(OWNER, CHAT) is None
    world.projects.switch(OWNER, project.id)
    assert messages.open_question(OWNER, CHAT) == scene
    long_ago = (datetime.now(UTC) - timedelta(minutes=11)).isoformat(timespec="seconds")
    world.store.db.execute("update message_links set created_at = ?", [long_ago])
    assert messages.open_question(OWNER, CHAT) is None
    assert other.id != project.id
