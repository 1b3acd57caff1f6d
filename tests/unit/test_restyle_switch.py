"""The restyle switch through every layer that knows switches: edits, the AI tool, storage,
/undo, the options buttons."""

from __future__ import annotations

import json
from pathlib import Path

from bot.handlers.context import HandlerOptions
from bot.handlers.setup import options_keyboard, parse_option
from bot.providers.editor_tools import ToolContext, read_calls
from bot.providers.prompts import load_templates
from bot.providers.styles_file import load_styles
from bot.studio.applying import Rules, apply_edits
from bot.studio.changes import flipped
from bot.studio.edits import SetSwitch
from bot.studio.models import ProjectSwitch
from bot.studio.project_state import ProjectOptions, ProjectState
from bot.studio.reading import Instruction
from tests.providers.test_prompts import SAMPLES
from tests.studio.helpers import OWNER, build, with_ideas

RESTYLE = ProjectSwitch.RESTYLE
RULES = Rules(
    max_scenes=8,
    max_idea_chars=80,
    max_title_chars=40,
    default_seconds=4.0,
    style_keys=("cinematic",),
)


def test_the_switch_is_off_by_default_and_edits_turn_it() -> None:
    state = ProjectState(1, ProjectOptions("T", "9:16", "cinematic"))
    assert not state.options.restyle_enabled
    on = apply_edits(state, (SetSwitch(RESTYLE, on=True),), RULES, None).state
    assert on.options.restyle_enabled and not on.options.clips_enabled
    back = apply_edits(on, (SetSwitch(RESTYLE),), RULES, None).state
    assert not back.options.restyle_enabled


def test_the_ai_tool_knows_the_switch() -> None:
    meaning = read_calls(
        [("set_switch", json.dumps({"switch": "restyle", "on": True}))], ToolContext()
    )
    assert meaning == Instruction((SetSwitch(RESTYLE, on=True),))


def test_the_switch_is_stored_journaled_and_undone(tmp_path: Path) -> None:
    world = build(tmp_path)
    project = with_ideas(world, "Boats")
    assert not project.restyle_enabled and not project.is_on(RESTYLE)
    assert flipped(project, RESTYLE).columns() == {"restyle_enabled": 1}
    on = world.projects.configure(OWNER, project.id, toggle=RESTYLE)
    assert on.restyle_enabled and on.is_on(RESTYLE) and not on.clips_enabled
    stored = world.store.get_project(OWNER, project.id)
    assert stored is not None and stored.restyle_enabled
    world.edits.undo(OWNER, project.id)
    undone = world.store.get_project(OWNER, project.id)
    assert undone is not None and not undone.restyle_enabled


def _options(runway: bool) -> HandlerOptions:
    return HandlerOptions(
        styles=load_styles(),
        clips_available=runway,
        upload_limit=50 * 1024 * 1024,
        media_write_timeout=60.0,
        allowed_user_ids=frozenset(),
        admin_user_ids=frozenset(),
    )


def test_the_button_shows_only_with_runway_and_reads_back(tmp_path: Path) -> None:
    world = build(tmp_path)
    project = with_ideas(world, "Boats")

    def labels(runway: bool, language: str = "en") -> list[str]:
        keyboard = options_keyboard(language, project, _options(runway))
        return [button.text for row in keyboard.inline_keyboard for button in row]

    assert not any("Restyle" in label for label in labels(runway=False))
    assert "🎨 Restyle my footage (Runway): off" in labels(runway=True)
    assert "🎨 Đổi phong cách clip của tôi (Runway): tắt" in labels(runway=True, language="vi")
    keyboard = options_keyboard("en", project, _options(True))
    (data,) = [
        button.callback_data
        for row in keyboard.inline_keyboard
        for button in row
        if "Restyle" in button.text
    ]
    assert parse_option(str(data)) == (project.id, "r", "x")


def test_the_ai_director_is_told_whether_footage_is_restyled() -> None:
    context = dict(SAMPLES["director_user"])
    for on, said in ((True, "on"), (False, "off")):
        context["restyle_enabled"] = on
        text = load_templates().render("director_user", **context)
        assert f"Footage restyled to the style by Runway: {said}" in text
