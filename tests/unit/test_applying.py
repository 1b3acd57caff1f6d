"""Edits applied to a project's state: every rule, without a database."""

from __future__ import annotations

import pytest

from bot.errors import InputRejected
from bot.studio.applying import Rules, apply_edits
from bot.studio.edits import (
    END,
    AddScenes,
    AmendIdea,
    Beside,
    CycleMotion,
    Delete,
    Duplicate,
    Edit,
    Every,
    FromEnd,
    FromStart,
    Keep,
    Move,
    Numbered,
    Relative,
    Remake,
    Replan,
    Same,
    ScaleLength,
    SetAspect,
    SetCaption,
    SetIdea,
    SetLength,
    SetMotion,
    SetStyle,
    SetSwitch,
    SetTitle,
    SetTransition,
    Shift,
    Slot,
    Swap,
)
from bot.studio.models import ProjectSwitch
from bot.studio.ports import PlannedScene
from bot.studio.project_state import ProjectOptions, ProjectState, SceneState
from bot.studio.timeline import Motion, Transition

RULES = Rules(
    max_scenes=8,
    max_idea_chars=80,
    max_title_chars=40,
    default_seconds=4.0,
    style_keys=("cinematic", "watercolor"),
)


def project(*ideas: str) -> ProjectState:
    scenes = tuple(
        SceneState(
            id=10 + n, idea=idea, caption=idea, motion=Motion.ZOOM_IN, transition=Transition.CUT
        )
        for n, idea in enumerate(ideas)
    )
    return ProjectState(1, ProjectOptions("T", "9:16", "cinematic"), scenes)


def ideas(state: ProjectState) -> list[str]:
    return [scene.idea for scene in state.scenes]


def apply(state: ProjectState, *edits: Edit, focus: int | None = None) -> ProjectState:
    return apply_edits(state, edits, RULES, focus).state


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (Swap(Numbered((1, 3))), ["c", "b", "a", "d"]),
        (Swap(FromEnd(2)), ["a", "b", "d", "c"]),
        (Swap(FromStart(1), FromEnd(1)), ["d", "b", "c", "a"]),
        (Delete(Numbered((2, 3))), ["a", "d"]),
        (Delete(FromEnd(1)), ["a", "b", "c"]),
        (Move(Numbered((4,)), Slot(1)), ["d", "a", "b", "c"]),
        (Move(Numbered((1,)), Slot(END)), ["b", "c", "d", "a"]),
        (Move(Numbered((1,)), Slot(3)), ["b", "c", "a", "d"]),
        (Move(Numbered((1,)), Beside(Numbered((3,)))), ["b", "c", "a", "d"]),
        (Move(Numbered((4,)), Beside(Numbered((2,)), after=False)), ["a", "d", "b", "c"]),
        (Move(Numbered((1, 2)), Slot(END)), ["c", "d", "a", "b"]),
        (Shift(Numbered((3,)), -1), ["a", "c", "b", "d"]),
        (Shift(Numbered((1,)), 2), ["b", "c", "a", "d"]),
        (Duplicate(Numbered((2,))), ["a", "b", "b", "c", "d"]),
        (AddScenes(("e", "f")), ["a", "b", "c", "d", "e", "f"]),
        (AddScenes(("z",), Slot(1)), ["z", "a", "b", "c", "d"]),
        (SetIdea(Numbered((2,)), "a temple in the rain"), ["a", "a temple in the rain", "c", "d"]),
        (AmendIdea(Numbered((3,)), "at night"), ["a", "b", "c, at night", "d"]),
    ],
)
def test_scene_edits(edit: Edit, expected: list[str]) -> None:
    assert ideas(apply(project("a", "b", "c", "d"), edit)) == expected


def test_edits_apply_in_order_each_on_the_result_of_the_last() -> None:
    applied = apply_edits(
        project("a", "b", "c", "d"),
        [Swap(FromEnd(2)), AmendIdea(FromEnd(2), "at night")],
        RULES,
    )
    assert ideas(applied.state) == ["a", "b", "d, at night", "c, at night"]
    assert [(c.key, c.numbers) for c in applied.changes] == [
        ("swapped", (3, 4)),
        ("amended", (3, 4)),
    ]


def test_same_names_the_scenes_the_edit_before_named() -> None:
    state = project("a", "b", "c", "d")
    swapped = apply(state, Swap(FromEnd(2)), AmendIdea(Same(), "at night"))
    assert ideas(swapped) == ["a", "b", "d, at night", "c, at night"]
    moved = apply(state, Move(Numbered((4,)), Slot(1)), SetLength(Same(), 5))
    assert [s.duration for s in moved.scenes] == [5, None, None, None]
    assert ideas(apply(state, Delete(Same()), focus=11)) == ["a", "c", "d"]


def test_an_idea_change_resets_the_planned_prompt_and_the_kept_look() -> None:
    state = project("a")
    kept = apply(state, Keep(Numbered((1,))))
    assert kept.scenes[0].accepted
    changed = apply(kept, SetIdea(Numbered((1,)), "b"))
    assert not changed.scenes[0].accepted
    assert changed.scenes[0].caption == "b"
    assert changed.scenes[0].image_prompt == ""


def test_scene_fields() -> None:
    state = project("a", "b")
    assert apply(state, SetMotion(Every(), Motion.PAN_LEFT)).scenes[1].motion is Motion.PAN_LEFT
    assert apply(state, CycleMotion(Numbered((1,)))).scenes[0].motion is not Motion.ZOOM_IN
    assert (
        apply(state, SetTransition(Numbered((2,)), Transition.FADE_BLACK)).scenes[1].transition
        is Transition.FADE_BLACK
    )
    assert apply(state, SetLength(Numbered((1,)), 5)).scenes[0].duration == 5
    assert apply(state, SetLength(Numbered((1,)), 500)).scenes[0].duration == 30
    assert apply(state, ScaleLength(Numbered((1,)), 1.25)).scenes[0].duration == 5
    assert apply(state, ScaleLength(Numbered((1,)), 0.8)).scenes[0].duration == 3.2
    assert apply(state, SetCaption(Numbered((1,)), "Hà Nội")).scenes[0].caption == "Hà Nội"
    assert apply(state, Remake(Numbered((2,)))).scenes[1].variant == 1
    assert apply(state, Duplicate(Numbered((1,)))).scenes[1].id is None


def test_project_edits() -> None:
    state = project("a")
    assert apply(state, SetStyle("watercolor")).options.style == "watercolor"
    assert apply(state, SetAspect("16:9")).options.aspect == "16:9"
    assert apply(state, SetTitle("  Hạ Long  ")).options.title == "Hạ Long"
    assert apply(state, SetSwitch(ProjectSwitch.CLIPS)).options.clips_enabled
    assert not apply(state, SetSwitch(ProjectSwitch.PREVIEWS, on=False)).options.previews_enabled


def test_relative_scenes_follow_the_focus() -> None:
    state = project("a", "b", "c")
    assert ideas(apply(state, Delete(Relative(1)), focus=11)) == ["a", "b"]
    assert ideas(apply(state, Delete(Relative(0)))) == ["a", "b"]  # no focus: the last scene
    with pytest.raises(InputRejected) as raised:
        apply(state, Delete(Relative(1)))
    assert raised.value.key == "edit.no_neighbour"


@pytest.mark.parametrize(
    ("edits", "key"),
    [
        ([Delete(Numbered((5,)))], "edit.no_such_scene"),
        ([Swap(Numbered((2,)))], "edit.swap_needs_two"),
        ([Swap(FromEnd(5))], "edit.not_that_many"),
        ([Shift(Numbered((1,)), -1)], "edit.cannot_move_earlier"),
        ([Shift(Numbered((3,)), 1)], "edit.cannot_move_later"),
        ([Move(Numbered((2,)), Beside(Numbered((2,))))], "edit.move_onto_itself"),
        ([SetStyle("neon")], "edit.unknown_style"),
        ([SetAspect("4:3")], "edit.unknown_aspect"),
        ([AddScenes(("x",) * 6)], "error.too_many_scenes"),
        ([SetIdea(Numbered((1,)), "   ")], "error.empty_idea"),
        ([SetIdea(Numbered((1,)), "x" * 81)], "error.idea_too_long"),
        ([Swap(Numbered((1, 2))), Delete(Numbered((9,)))], "edit.no_such_scene"),
    ],
)
def test_impossible_edits_are_refused_whole(edits: list[Edit], key: str) -> None:
    state = project("a", "b", "c")
    with pytest.raises(InputRejected) as raised:
        apply_edits(state, edits, RULES)
    assert raised.value.key == key


def test_an_empty_project_has_no_scene_to_name() -> None:
    with pytest.raises(InputRejected) as raised:
        apply(project(), Delete(FromEnd(1)))
    assert raised.value.key == "edit.no_scenes"


def test_a_plan_orders_the_scenes_fills_its_own_and_keeps_what_it_forgot() -> None:
    state = project("a", "b", "c")
    shots = (
        PlannedScene("b", "B!", Motion.PAN_LEFT, Transition.CUT, 3.0, "prompt b", idea_number=2),
        PlannedScene("a bridge", "Bridge", Motion.ZOOM_OUT, Transition.CROSSFADE),
        PlannedScene("a", "", Motion.STILL, Transition.FADE_BLACK, idea_number=1),
        PlannedScene("a again", "dup", Motion.STILL, Transition.CUT, idea_number=1),
    )
    applied = apply_edits(state, [Replan(shots)], RULES)
    assert ideas(applied.state) == ["b", "a bridge", "a", "c"]
    first = applied.state.scenes[0]
    assert (first.caption, first.motion, first.duration, first.image_prompt) == (
        "B!",
        Motion.PAN_LEFT,
        3.0,
        "prompt b",
    )
    assert applied.state.scenes[1].id is None and applied.state.scenes[2].caption == "a"
    assert applied.changes[0].key == "planned" and applied.changes[0].numbers == (2,)
