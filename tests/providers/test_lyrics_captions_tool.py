"""The captions mode as an edit: its rule (pure) and the AI reader's tool over HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator

import openai
import pytest

from bot.errors import UnreadableAnswer
from bot.providers.editor_tools import ToolContext, read_calls
from bot.providers.openai_editor import OpenAIInstructionReader
from bot.studio.applying import Change, Rules, apply_edits, next_captions
from bot.studio.edits import SetCaptions
from bot.studio.project_state import (
    ProjectOptions,
    ProjectState,
    options_from_json,
    options_to_json,
)
from bot.studio.reading import Instruction, ReadRequest
from bot.studio.timeline import CaptionsMode
from tests.support.fake_openai import FakeOpenAI

RULES = Rules(
    max_scenes=10, max_idea_chars=100, max_title_chars=50, default_seconds=4, style_keys=()
)


def test_the_button_steps_through_every_mode_and_back() -> None:
    state = ProjectState(1, ProjectOptions("Film", "9:16", "cinematic"))
    seen = []
    for _ in range(4):
        applied = apply_edits(state, [SetCaptions()], RULES)
        state = applied.state
        seen.append(state.options.captions)
        assert applied.changes == (Change("captions", value=state.options.captions.value),)
    assert seen == [CaptionsMode.LYRICS, CaptionsMode.BOTH, CaptionsMode.NONE, CaptionsMode.IDEAS]
    assert next_captions(CaptionsMode.NONE) is CaptionsMode.IDEAS
    chosen = apply_edits(state, [SetCaptions(CaptionsMode.BOTH)], RULES).state.options
    assert options_from_json(options_to_json(chosen)) == chosen, "the journal keeps the mode"
    assert options_from_json({"title": "a", "aspect": "9:16", "style": "s"}).captions is (
        CaptionsMode.IDEAS
    ), "journal entries from before m014 read as ideas"


def test_the_tool_reads_a_mode_and_refuses_any_other() -> None:
    meaning = read_calls([("set_captions", '{"mode": "lyrics"}')], ToolContext())
    assert meaning == Instruction((SetCaptions(CaptionsMode.LYRICS),))
    with pytest.raises(UnreadableAnswer) as refused:
        read_calls([("set_captions", '{"mode": "karaoke"}')], ToolContext())
    assert refused.value.cause == "invalid_arguments"


@pytest.fixture
async def fake() -> AsyncIterator[FakeOpenAI]:
    async with FakeOpenAI() as server:
        yield server


async def test_the_model_sets_the_captions_from_the_project_facts(fake: FakeOpenAI) -> None:
    client = openai.AsyncOpenAI(api_key="sk-test", base_url=fake.base_url, max_retries=0)
    reader = OpenAIInstructionReader(client, model="gpt-5-nano", timeout=5)
    fake.respond_with_tools([("set_captions", {"mode": "both"})])
    request = ReadRequest(text="show the words of the song and keep my ideas", language="en")
    reading = await reader.read(request)
    assert reading.meaning == Instruction((SetCaptions(CaptionsMode.BOTH),))
    (sent,) = fake.requests_to("responses")
    assert "set_captions" in {tool["name"] for tool in sent.json["tools"]}
    assert "Captions show: ideas" in sent.json["input"]
