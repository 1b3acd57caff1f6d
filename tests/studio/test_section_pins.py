"""Pinning a scene to a section of the song, through the edit journal, on a real SQLite file."""

from __future__ import annotations

from pathlib import Path

from bot.studio.edits import Numbered, PinSection
from bot.studio.sections import SectionKind, SectionPin
from tests.studio.helpers import OWNER, build, with_ideas


def test_a_pin_is_stored_with_the_scene_and_undone_by_undo(tmp_path: Path) -> None:
    world = build(tmp_path)
    with_ideas(world, "a", "b", "c")
    project_id = world.project().id
    outcome = world.edits.apply(
        OWNER, project_id, [PinSection(Numbered((3,)), SectionKind.CHORUS, 2)]
    )
    assert [(c.key, c.numbers, c.value) for c in outcome.changes] == [("pinned", (3,), "chorus:2")]
    pins = [SectionPin.parse(scene.section_pin) for scene in world.scenes()]
    assert pins == [None, None, SectionPin(SectionKind.CHORUS, 2)]
    world.edits.apply(OWNER, project_id, [PinSection(Numbered((3,)), None)])
    assert [scene.section_pin for scene in world.scenes()] == [None, None, None]
    world.edits.undo(OWNER, project_id)
    assert world.scenes()[2].section_pin == "chorus:2"
    world.edits.undo(OWNER, project_id)
    assert all(scene.section_pin is None for scene in world.scenes())
