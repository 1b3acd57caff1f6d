"""Provider selection (the instruction reader follows the key) and the offline planner."""

from __future__ import annotations

import pytest

from bot.config import Settings
from bot.providers.offline import OfflinePlanner
from bot.providers.openai_editor import OpenAIInstructionReader
from bot.providers.selection import select_providers
from bot.providers.styles_file import load_styles
from bot.studio.ports import PlanRequest


def test_with_a_key_the_instructions_are_read_by_openai(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    providers = select_providers(Settings(openai_editor_model="gpt-5-nano"))
    assert isinstance(providers.instructions, OpenAIInstructionReader)
    assert providers.instructions.name == "openai"


def test_offline_there_is_no_ai_reader_only_the_rules() -> None:
    providers = select_providers(Settings(_env_file=None, provider="offline"))  # type: ignore[call-arg]
    assert isinstance(providers.planner, OfflinePlanner)
    assert providers.instructions is None


async def test_the_offline_planner_numbers_one_scene_per_idea_whatever_the_target() -> None:
    plan = await OfflinePlanner().plan(
        PlanRequest(
            title="Autumn",
            ideas=("A bridge", "Rain"),
            style=load_styles()["cinematic"],
            song_seconds=180.0,
            language="en",
            target_scenes=22,
        )
    )
    assert [(s.idea, s.idea_number) for s in plan.scenes] == [("A bridge", 1), ("Rain", 2)]
