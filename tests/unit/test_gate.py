"""Which texts the rules took for ideas still go to the AI reader (with a key)."""

from __future__ import annotations

import pytest

from bot.studio.words.gate import might_be_directing


@pytest.mark.parametrize(
    "text",
    [
        "lose the opening",
        "the boat one should come before the temple",
        "I'd like it darker",
        "can you put the market scene at the end?",
        "bỏ cảnh thuyền đi",
        "cho cảnh chợ lên trước",
        "Scene with the temple goes last",
        "what about 3 scenes fewer",
    ],
)
def test_editor_talk_goes_to_the_ai(text: str) -> None:
    assert might_be_directing(text)


@pytest.mark.parametrize(
    "text",
    [
        "Fishing boats leave the harbour in the mist",
        "Old Quarter streets wake up",
        "Street food steam in the lamplight",
        "Sunrise over the karst islands",
        "Thánh Gióng",
        "Hoàng hôn trên sông Hương",
    ],
)
def test_scene_descriptions_do_not(text: str) -> None:
    assert not might_be_directing(text)
