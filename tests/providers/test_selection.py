"""Provider selection: the instruction reader follows the key like the other edges."""

from __future__ import annotations

import pytest

from bot.config import Settings
from bot.providers.offline import OfflinePlanner
from bot.providers.openai_editor import OpenAIInstructionReader
from bot.providers.selection import select_providers


def test_with_a_key_the_instructions_are_read_by_openai(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    providers = select_providers(Settings(openai_editor_model="gpt-5-nano"))
    assert isinstance(providers.instructions, OpenAIInstructionReader)
    assert providers.instructions.name == "openai"


def test_offline_has_no_ai_reader_yet() -> None:
    providers = select_providers(Settings(provider="offline"))
    assert isinstance(providers.planner, OfflinePlanner)
    assert providers.instructions is None
