"""The footage edits applied to a project's state (pure), and how their changes read."""

from __future__ import annotations

import dataclasses

import pytest

from bot.errors import InputRejected
from bot.handlers.edit_replies import describe_change
from bot.studio.applying import Rules, apply_edits
from bot.studio.edits import (
    AddFootageScene,
    AttachFootage,
    Beside,
    Edit,
    Numbered,
    SetFootageStart,
    SetSwitch,
)
from bot.studio.models import ProjectSwitch
from bot.studio.project_state import ProjectOptions, ProjectState, SceneState
from bot.studio.timeline import FootageSound, Motion, Transition

RULES = Rules(
    max_scenes=3, max_idea_chars=80, max_title_chars=40, default_seconds=4.0, style_keys=()
)


def project(*ideas: str, clip: float | None = None) -> ProjectState:
    """Scenes with these ideas; with `clip`, the first shows a clip that many seconds long."""
    scenes = [
        SceneState(id=10 + n, idea=i, caption=i, motion=Motion.ZOOM_IN, transition=Transition.CUT)
        for n, i in enumerate(ideas)
    ]
    if clip is not None:
        scenes[0] = dataclasses.replace(scenes[0], footage_sha="c" * 64, footage_seconds=clip)
    return ProjectState(1, ProjectOptions("Film", "9:16", "cinematic"), tuple(scenes))


def test_a_footage_scene_may_start_without_an_idea_right_after_another() -> None:
    applied = apply_edits(
        project("a", "b"), [AddFootageScene("d" * 64, "", Beside(Numbered((1,))))], RULES
    )
    assert [(s.idea, s.footage_sha) for s in applied.state.scenes] == [
        ("a", None),
        ("", "d" * 64),
        ("b", None),
    ]
    assert [(c.key, c.numbers) for c in applied.changes] == [("footage", (2,))]


def test_a_footage_scene_keeps_to_the_scene_limit() -> None:
    with pytest.raises(InputRejected) as full:
        apply_edits(project("a", "b", "c"), [AddFootageScene("d" * 64)], RULES)
    assert full.value.key == "error.too_many_scenes"


def test_attaching_a_clip_goes_back_to_its_liveliest_stretch() -> None:
    state = project("a", clip=10.0)
    state = dataclasses.replace(
        state, scenes=(dataclasses.replace(state.scenes[0], footage_start=3.0, accepted=True),)
    )
    applied = apply_edits(state, [AttachFootage(Numbered((1,)), "e" * 64)], RULES)
    scene = applied.state.scenes[0]
    assert (scene.footage_sha, scene.footage_start, scene.accepted) == ("e" * 64, None, False)


def test_a_stretch_start_is_kept_inside_the_clip() -> None:
    state = project("a", "b", clip=10.0)
    moved = apply_edits(state, [SetFootageStart(Numbered((1,)), 4.0)], RULES)
    assert moved.state.scenes[0].footage_start == 4.0
    assert [(c.key, c.value) for c in moved.changes] == [("footage_start", "0:04")]
    back = apply_edits(moved.state, [SetFootageStart(Numbered((1,)), None)], RULES)
    assert back.state.scenes[0].footage_start is None
    with pytest.raises(InputRejected) as late:
        apply_edits(state, [SetFootageStart(Numbered((1,)), 10.0)], RULES)
    assert (late.value.key, late.value.params) == (
        "edit.footage_too_short",
        {"number": 1, "length": "0:10"},
    )
    with pytest.raises(InputRejected) as no_clip:
        apply_edits(state, [SetFootageStart(Numbered((2,)), 1.0)], RULES)
    assert no_clip.value.key == "edit.no_footage"


def test_the_clip_sound_switch_ducks_and_drops() -> None:
    on = apply_edits(project("a"), [SetSwitch(ProjectSwitch.CLIP_SOUND, True)], RULES)
    assert on.state.options.footage_sound is FootageSound.DUCK
    flipped = apply_edits(on.state, [SetSwitch(ProjectSwitch.CLIP_SOUND)], RULES)
    assert flipped.state.options.footage_sound is FootageSound.DROP


@pytest.mark.parametrize("language", ["en", "vi"])
def test_every_footage_change_reads_in_both_languages(language: str) -> None:
    state = project("a", clip=10.0)
    edits: list[Edit] = [
        SetFootageStart(Numbered((1,)), 4.0),
        SetFootageStart(Numbered((1,)), None),
        AttachFootage(Numbered((1,)), "e" * 64),
        SetSwitch(ProjectSwitch.CLIP_SOUND, True),
        SetSwitch(ProjectSwitch.CLIPS, True),
        SetSwitch(ProjectSwitch.PREVIEWS, True),
    ]
    applied = apply_edits(state, edits, RULES)
    lines = [describe_change(language, c, lambda key, _: key) for c in applied.changes]
    assert len(lines) == len(edits) and all(lines)
    assert "0:04" in lines[0]
    assert "…" not in "".join(lines)  # no value left unfilled
