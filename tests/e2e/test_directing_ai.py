"""Directing with an OpenAI key: the real openai client reads instructions from the fake
OpenAI server's function calls, through the Bot API emulator; bad answers change nothing."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.providers.selection import select_providers
from bot.providers.styles_file import load_styles
from bot.studio.ports import PictureRequest
from bot.studio.timing import output_size
from tests.conftest import BotStarter, SettingsFactory
from tests.e2e.helpers import ideas, new_project, say
from tests.support.fake_openai import FakeOpenAI
from tests.support.synthetic_media import make_song
from tests.support.telegram_emulator import BotApiEmulator

pytestmark = pytest.mark.timeout(180)


@pytest.fixture
async def fake_openai(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeOpenAI]:
    """A fake OpenAI server the real client finds through its own environment variables."""
    async with FakeOpenAI() as fake:
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-fake-key-0123456789")
        monkeypatch.setenv("OPENAI_BASE_URL", fake.base_url)
        yield fake


def scenes(kind: str, **fields: Any) -> dict[str, Any]:
    return {"kind": kind, "numbers": None, "count": None, "offset": None, **fields}


def readings(fake: FakeOpenAI) -> list[dict[str, Any]]:
    return [r.json for r in fake.requests_to("responses") if r.json and r.json.get("tools")]


async def test_the_model_reads_several_edits_questions_and_asks_back(
    emulator: BotApiEmulator,
    make_settings: SettingsFactory,
    running_bot: BotStarter,
    fake_openai: FakeOpenAI,
) -> None:
    settings = make_settings(provider="openai", openai_max_retries=1)
    user = emulator.user(4101, "Duc")
    async with running_bot(settings):
        await new_project(user, "AI words", "Dawn", "Harbour", "Market")
        assert readings(fake_openai) == []  # plain ideas go to no model

        fake_openai.respond_with_tools(
            [
                ("swap_scenes", {"first": scenes("last", count=2), "second": None}),
                ("amend_idea", {"scenes": scenes("last", count=2), "addition": "at night"}),
            ]
        )
        answer = await say(
            user, "the harbour one should come after the market, both by night", "Swapped"
        )
        assert "Scenes 2 and 3: at night" in answer.text
        assert answer.buttons  # Undo
        assert ideas(settings, 4101) == ["Dawn", "Market, at night", "Harbour, at night"]
        [request] = readings(fake_openai)
        assert request["model"] == settings.openai_editor_model
        assert all(tool["strict"] for tool in request["tools"])
        assert "the harbour one should come after the market" in str(request["input"])
        assert "the harbour one should come after" not in str(request["instructions"])

        fake_openai.respond_with_tools(
            [("answer_question", {"topic": "length", "scene": None, "answer": "About 12 s."})]
        )
        await say(user, "will it run over a minute?", "About 12 s.")

        fake_openai.respond_with_tools(
            [
                (
                    "ask_clarifying_question",
                    {
                        "question": "Which one goes?",
                        "options": ["delete scene 1", "delete scene 2"],
                    },
                )
            ]
        )
        question = await say(user, "the weaker one should go, I think", "Which one goes?")
        mark = user.mark()
        await user.press_button(question, "delete scene 2")
        await user.wait_for_text("Deleted scene 2", after=mark)
        assert ideas(settings, 4101) == ["Dawn", "Harbour, at night"]


@pytest.mark.parametrize(
    ("script", "expect"),
    [
        ("malformed", "couldn't make sense"),
        ("unknown", "couldn't make sense"),
        ("refusal", "refused to read"),
    ],
)
async def test_a_bad_answer_from_the_model_changes_nothing(
    emulator: BotApiEmulator,
    make_settings: SettingsFactory,
    running_bot: BotStarter,
    fake_openai: FakeOpenAI,
    script: str,
    expect: str,
) -> None:
    settings = make_settings(provider="openai", openai_max_retries=0)
    user = emulator.user(4102, "Lan")
    async with running_bot(settings):
        await new_project(user, "Bad answers", "Dawn", "Harbour")
        if script == "malformed":
            fake_openai.respond_with_tools([("delete_scenes", '{"scenes": {"kind": ')])
        elif script == "unknown":
            fake_openai.respond_with_tools([("launch_rockets", {"scenes": scenes("all")})])
        else:
            fake_openai.respond_with_refusal("I can't help with that.")
        await say(user, "please get rid of the boring bits", expect)
        assert ideas(settings, 4102) == ["Dawn", "Harbour"]
        await say(user, "Night market lights", "Scene 3")  # the bot goes on as before


async def test_the_storyboard_is_sized_to_the_song_and_keeps_every_idea(
    emulator: BotApiEmulator,
    make_settings: SettingsFactory,
    running_bot: BotStarter,
    fake_openai: FakeOpenAI,
) -> None:
    fake_openai.fill_storyboard = True
    settings = make_settings(provider="openai", openai_max_retries=1, confirm_cost_above_usd=100)
    user = emulator.user(4103, "Minh")
    async with running_bot(settings):
        await new_project(user, "Hùng Kings", "The Hùng Kings found the nation", "Hà Nội today")
        mark = user.mark()
        await user.send_audio(make_song(seconds=60, fmt="mp3"), "song.mp3", "audio/mpeg", 60)
        await user.wait_for_text("song.mp3", after=mark)
        mark = user.mark()
        await user.send_text("/storyboard")
        estimate = await user.wait_for_text("This will cost about", after=mark)
        await user.wait_for_text("Storyboard ready", after=mark, timeout=120)
    planned = ideas(settings, 4103)
    assert len(planned) > 2, planned
    assert [i for i in planned if i in ("The Hùng Kings found the nation", "Hà Nội today")] == [
        "The Hùng Kings found the nation",
        "Hà Nội today",
    ]
    # The estimate counted the planner's own scenes: a picture each, priced like any other.
    generated = len(fake_openai.requests_to("images/generations"))
    assert generated == len(planned)
    styles = load_styles()
    width, height = output_size("9:16", settings.render_short_side)
    each = select_providers(settings).images.estimate_cost(
        PictureRequest("x", "", styles["cinematic"], (), width, height)
    )
    usd = float(re.search(r"about \$(\d+\.\d+)", estimate.text).group(1))  # type: ignore[union-attr]
    assert usd == pytest.approx(len(planned) * each, abs=0.01)


async def test_render_plans_a_project_never_planned(
    emulator: BotApiEmulator,
    make_settings: SettingsFactory,
    running_bot: BotStarter,
    fake_openai: FakeOpenAI,
) -> None:
    settings = make_settings(provider="openai", openai_max_retries=1, confirm_cost_above_usd=100)
    user = emulator.user(4104, "Thu")
    async with running_bot(settings):
        await new_project(user, "Straight to render", "Dawn over the bay", "Boats at noon")
        mark = user.mark()
        await user.send_text("/render")
        await user.wait_for_video(after=mark, timeout=150)
    order = [
        "plan" if r.endpoint == "responses" and not (r.json or {}).get("tools") else r.endpoint
        for r in fake_openai.requests
    ]
    assert order.count("plan") == 1
    assert order.index("plan") < order.index("images/generations")
