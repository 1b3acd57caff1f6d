"""Projects on a real SQLite file: users, languages, starting, options, rename, switch, delete."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bot.errors import InputRejected, NoActiveProject, ProjectNotFound
from bot.studio.models import ProjectSwitch
from bot.studio.projects import free_title
from tests.studio.helpers import CHAT, OWNER, STRANGER, build


def test_a_user_is_known_from_the_first_message_in_their_language(tmp_path: Path) -> None:
    world = build(tmp_path)
    projects = world.projects
    assert projects.language_of(99) == "en"  # not known yet
    user = projects.register_user(99, "Lan", "vi-VN")
    assert (user.id, user.first_name, user.language, user.active_project_id) == (
        99,
        "Lan",
        "vi",
        None,
    )
    assert projects.register_user(100, "Jo", "fr").language == "en"
    assert projects.register_user(101, "No code", None).language == "en"
    # A second contact keeps what the user chose.
    projects.set_language(99, "en")
    assert projects.register_user(99, "Lan", "vi").language == "en"
    assert projects.language_of(99) == "en"


def test_an_unknown_language_is_refused(tmp_path: Path) -> None:
    world = build(tmp_path)
    with pytest.raises(InputRejected) as raised:
        world.projects.set_language(OWNER, "de")
    assert raised.value.key == "error.bad_language"
    assert world.projects.language_of(OWNER) == "en"


def test_a_new_project_takes_the_defaults_and_becomes_active(tmp_path: Path) -> None:
    world = build(tmp_path)
    with pytest.raises(NoActiveProject):
        world.projects.active(OWNER)
    assert world.projects.current(OWNER) is None
    assert world.projects.active_id(OWNER) is None
    project = world.projects.start_project(OWNER, "  Hà   Nội \x07 ")
    assert project.title == "Hà Nội"  # cleaned: NFC, spaces, no control characters
    assert (project.aspect, project.style) == (world.limits.default_aspect, "cinematic")
    assert world.projects.active(OWNER) == project
    assert world.projects.current(OWNER) == project
    assert world.projects.active_id(OWNER) == project.id
    assert world.projects.active_id(STRANGER) is None


def test_a_title_must_fit(tmp_path: Path) -> None:
    world = build(tmp_path)
    with pytest.raises(InputRejected) as raised:
        world.projects.start_project(OWNER, "x" * (world.limits.max_title_chars + 1))
    assert raised.value.key == "error.title_too_long"
    with pytest.raises(InputRejected) as empty:
        world.projects.start_project(OWNER, "   ")
    assert empty.value.key == "error.empty_idea"
    assert world.projects.list(OWNER) == []


def test_untitled_projects_are_numbered_apart(tmp_path: Path) -> None:
    assert free_title("Untitled", set()) == "Untitled"
    assert free_title("Untitled", {"Untitled", "Untitled 2"}) == "Untitled 3"
    world = build(tmp_path)
    titles = [world.projects.start_untitled(OWNER, "Untitled").title for _ in range(3)]
    assert titles == ["Untitled", "Untitled 2", "Untitled 3"]
    # Another owner's titles do not count.
    assert world.projects.start_untitled(STRANGER, "Untitled").title == "Untitled"
    assert [p.title for p in world.projects.list(OWNER)] == ["Untitled 3", "Untitled 2", "Untitled"]


def test_active_or_new_starts_a_project_only_when_there_is_none(tmp_path: Path) -> None:
    world = build(tmp_path)
    first, created = world.projects.active_or_new(OWNER, "Untitled")
    assert created and first.title == "Untitled"
    again, created_again = world.projects.active_or_new(OWNER, "Untitled")
    assert again == first and not created_again


def test_configure_changes_options_through_the_journal(tmp_path: Path) -> None:
    world = build(tmp_path)
    project = world.projects.start_project(OWNER, "Film")
    changed = world.projects.configure(
        OWNER, project.id, aspect="16:9", style="watercolor", toggle=ProjectSwitch.CLIPS
    )
    assert (changed.aspect, changed.style, changed.clips_enabled) == ("16:9", "watercolor", True)
    assert world.store.get_project(OWNER, project.id) == changed
    flipped = world.projects.configure(OWNER, project.id, toggle=ProjectSwitch.PREVIEWS)
    assert flipped.previews_enabled and flipped.is_on(ProjectSwitch.CLIPS)
    # The same value again changes nothing and is no error.
    assert world.projects.configure(OWNER, project.id, aspect="16:9") == flipped
    world.edits.undo(OWNER, project.id)
    world.edits.undo(OWNER, project.id)
    back = world.projects.get(OWNER, project.id)
    assert (back.aspect, back.style, back.clips_enabled, back.previews_enabled) == (
        "9:16",
        "cinematic",
        False,
        False,
    )


def test_configure_refuses_unknown_values_and_writes_nothing(tmp_path: Path) -> None:
    world = build(tmp_path)
    project = world.projects.start_project(OWNER, "Film")
    with pytest.raises(InputRejected) as style:
        world.projects.configure(OWNER, project.id, style="neon")
    assert style.value.key == "edit.unknown_style"
    with pytest.raises(InputRejected) as aspect:
        world.projects.configure(OWNER, project.id, aspect="4:3", style="watercolor")
    assert aspect.value.key == "edit.unknown_aspect"
    assert world.projects.get(OWNER, project.id) == project


def test_rename_is_journalled_and_checked(tmp_path: Path) -> None:
    world = build(tmp_path)
    project = world.projects.start_project(OWNER, "Film")
    assert world.projects.rename(OWNER, project.id, "Sông Hồng").title == "Sông Hồng"
    with pytest.raises(InputRejected):
        world.projects.rename(OWNER, project.id, "")
    undone = world.edits.undo(OWNER, project.id)
    assert [change.key for change in undone.changes] == ["title"]
    assert world.projects.get(OWNER, project.id).title == "Film"


def test_another_owner_can_neither_see_nor_change_a_project(tmp_path: Path) -> None:
    world = build(tmp_path)
    project = world.projects.start_project(OWNER, "Mine")
    acts: list[Callable[[], object]] = [
        lambda: world.projects.get(STRANGER, project.id),
        lambda: world.projects.rename(STRANGER, project.id, "Theirs"),
        lambda: world.projects.configure(STRANGER, project.id, aspect="1:1"),
        lambda: world.projects.switch(STRANGER, project.id),
        lambda: world.projects.delete(STRANGER, project.id),
    ]
    for act in acts:
        with pytest.raises(ProjectNotFound):
            act()
    assert world.projects.list(STRANGER) == []
    assert world.projects.current(STRANGER) is None
    assert world.projects.get(OWNER, project.id) == project


def test_switch_makes_an_older_project_active(tmp_path: Path) -> None:
    world = build(tmp_path)
    older = world.projects.start_project(OWNER, "Older")
    newer = world.projects.start_project(OWNER, "Newer")
    assert world.projects.active(OWNER) == newer
    assert world.projects.switch(OWNER, older.id) == older
    assert world.projects.active_id(OWNER) == older.id
    assert [p.id for p in world.projects.list(OWNER)] == [newer.id, older.id]


def test_delete_removes_the_project_and_its_activity(tmp_path: Path) -> None:
    world = build(tmp_path)
    project = world.projects.start_project(OWNER, "Doomed")
    world.material.add_idea(OWNER, "a boat", "Untitled")
    assert world.projects.delete(OWNER, project.id) == project
    assert world.projects.current(OWNER) is None
    assert world.store.scenes(OWNER, project.id) == []
    with pytest.raises(ProjectNotFound):
        world.projects.get(OWNER, project.id)
    with pytest.raises(ProjectNotFound):
        world.projects.delete(OWNER, project.id)


def test_a_rename_question_is_remembered_for_its_message_only(tmp_path: Path) -> None:
    world = build(tmp_path)
    project = world.projects.start_project(OWNER, "Film")
    world.projects.remember_rename_question(OWNER, CHAT, 41, project.id)
    assert world.projects.project_to_rename(OWNER, CHAT, 41) == project.id
    assert world.projects.project_to_rename(OWNER, CHAT, 42) is None
    assert world.projects.project_to_rename(STRANGER, CHAT, 41) is None
    # A message that shows a scene is no rename question.
    world.scene_messages.remember_preview(OWNER, CHAT, 43, 1)
    assert world.projects.project_to_rename(OWNER, CHAT, 43) is None
