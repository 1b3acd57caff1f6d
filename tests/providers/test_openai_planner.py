"""The OpenAI planner: structured output over HTTP against the fake, and the repair."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import openai
import pytest

from bot.errors import ProviderError
from bot.providers.offline import short_caption
from bot.providers.openai_planner import (
    MAX_SCENE_SECONDS,
    MIN_SCENE_SECONDS,
    OpenAIPlanner,
    StoryboardScene,
    repair_storyboard,
)
from bot.providers.pricing import token_cost
from bot.providers.styles_file import load_styles
from bot.studio.ports import PlanRequest
from bot.studio.sections import SectionKind, SongSection
from bot.studio.timeline import Motion, Transition
from bot.studio.timing import default_motion, default_transition, suggested_scene_count
from tests.support.fake_openai import FakeOpenAI

IDEAS = ("A girl on a bridge at dawn", "Rain on the old quarter", "Lanterns over the river")


def request(*ideas: str, song_seconds: float | None = None, **extra: Any) -> PlanRequest:
    return PlanRequest(
        title="Autumn",
        ideas=ideas or IDEAS,
        style=load_styles()["cinematic"],
        song_seconds=song_seconds,
        language="en",
        **extra,
    )


def scene(number: int | None, **fields: object) -> StoryboardScene:
    values: dict[str, object] = {
        "idea_number": number,
        "idea": "",
        "image_prompt": f"prompt {number}",
        "caption": f"caption {number}",
        "seconds": 4.0,
        "motion": "zoom_out",
        "transition": "cut",
    }
    values.update(fields)
    return StoryboardScene(**values)  # type: ignore[arg-type]


@pytest.fixture
async def fake() -> AsyncIterator[FakeOpenAI]:
    async with FakeOpenAI() as server:
        yield server


@pytest.fixture
def client(fake: FakeOpenAI) -> openai.AsyncOpenAI:
    return openai.AsyncOpenAI(api_key="sk-test", base_url=fake.base_url, max_retries=1, timeout=10)


# ---------------------------------------------------------------------------- repair (pure)


def test_repair_keeps_the_users_order_and_drops_extra_scenes() -> None:
    raw = [scene(3), scene(1), scene(2), scene(4), scene(1, caption="duplicate")]
    scenes = repair_storyboard(raw, request())
    assert [s.idea for s in scenes] == list(IDEAS)
    assert [s.caption for s in scenes] == ["caption 1", "caption 2", "caption 3"]
    assert [s.image_prompt for s in scenes] == ["prompt 1", "prompt 2", "prompt 3"]


def test_repair_fills_missing_scenes_from_the_idea() -> None:
    scenes = repair_storyboard([scene(2)], request())
    assert [s.caption for s in scenes] == [
        short_caption(IDEAS[0]),
        "caption 2",
        short_caption(IDEAS[2]),
    ]
    assert scenes[0].motion == default_motion(1)
    assert scenes[0].transition == default_transition(1)
    assert scenes[2].image_prompt == "" and scenes[2].seconds is None


def test_repair_fills_empty_captions_and_clips_long_ones() -> None:
    scenes = repair_storyboard(
        [scene(1, caption="   "), scene(2, caption="word " * 40)], request(*IDEAS[:2])
    )
    assert scenes[0].caption == short_caption(IDEAS[0])
    assert len(scenes[1].caption) <= 91 and scenes[1].caption.endswith("…")


def test_repair_replaces_unknown_motion_and_transition() -> None:
    scenes = repair_storyboard(
        [
            scene(1, motion="spin", transition="wipe"),
            scene(2, motion="pan_up", transition="fade_black"),
        ],
        request(*IDEAS[:2]),
    )
    assert (scenes[0].motion, scenes[0].transition) == (default_motion(1), default_transition(1))
    assert (scenes[1].motion, scenes[1].transition) == (Motion.PAN_UP, Transition.FADE_BLACK)


def test_repair_clamps_seconds_without_a_song() -> None:
    raw = [scene(1, seconds=0.2), scene(2, seconds=95.0), scene(3, seconds=-1.0)]
    scenes = repair_storyboard(raw, request())
    assert [s.seconds for s in scenes] == [MIN_SCENE_SECONDS, MAX_SCENE_SECONDS, None]


def test_repair_rescales_seconds_to_the_song() -> None:
    raw = [scene(1, seconds=2.0), scene(2, seconds=6.0), scene(3, seconds=float("nan"))]
    scenes = repair_storyboard(raw, request(song_seconds=60.0))
    seconds = [s.seconds or 0.0 for s in scenes]
    assert sum(seconds) == pytest.approx(60.0, abs=1e-9)
    # 2 : 6 : (missing -> the mean, 4)
    assert seconds == pytest.approx([10.0, 30.0, 20.0], abs=0.01)


def test_repair_falls_back_to_the_answers_order_without_numbers() -> None:
    raw = [scene(0, caption="first"), scene(0, caption="second")]
    scenes = repair_storyboard(raw, request(*IDEAS[:2]))
    assert [s.caption for s in scenes] == ["first", "second"]


def test_repair_numbers_the_ideas_it_realises() -> None:
    scenes = repair_storyboard([scene(1), scene(2), scene(3)], request())
    assert [s.idea_number for s in scenes] == [1, 2, 3]


def test_repair_keeps_own_scenes_in_place_and_every_idea_once_in_order() -> None:
    raw = [
        scene(None, idea="Dawn over the Red River", caption="Dawn"),
        scene(1),
        scene(None, idea="A cyclo passing", caption=""),
        scene(3),
        scene(2),
        scene(1, caption="duplicate"),
        scene(9, idea="Fireworks at Hoan Kiem"),  # out of range: one of its own
        scene(None, idea="   "),  # no idea of its own: dropped
    ]
    scenes = repair_storyboard(raw, request(target_scenes=6))
    assert [(s.idea_number, s.idea) for s in scenes] == [
        (None, "Dawn over the Red River"),
        (1, IDEAS[0]),
        (None, "A cyclo passing"),
        (2, IDEAS[1]),
        (3, IDEAS[2]),
        (None, "Fireworks at Hoan Kiem"),
    ]
    assert scenes[0].caption == "Dawn" and scenes[2].caption == short_caption("A cyclo passing")
    assert scenes[1].caption == "caption 1"
    assert scenes[0].motion == Motion.ZOOM_OUT  # the model's own value, kept


def test_repair_cuts_own_scenes_to_the_target_and_the_max() -> None:
    raw = [scene(1), *[scene(None, idea=f"own {n}") for n in range(1, 9)], scene(2), scene(3)]
    assert len(repair_storyboard(raw, request(target_scenes=5))) == 5
    assert len(repair_storyboard(raw, request(target_scenes=50), max_scenes=7)) == 7
    # A target below the ideas never drops an idea.
    scenes = repair_storyboard(raw, request(target_scenes=2))
    assert [s.idea_number for s in scenes] == [1, 2, 3]
    assert [s.idea_number for s in repair_storyboard(raw, request())] == [1, 2, 3]


def test_repair_fills_missing_ideas_around_own_scenes() -> None:
    raw = [scene(None, idea="own"), scene(3)]
    scenes = repair_storyboard(raw, request(target_scenes=4))
    assert [s.idea_number for s in scenes] == [None, 1, 2, 3]
    assert scenes[1].image_prompt == "" and scenes[1].caption == short_caption(IDEAS[0])
    assert scenes[1].motion == default_motion(2)


def test_repair_with_no_ideas_plans_own_scenes_or_a_title() -> None:
    raw = [scene(None, idea="The Hung Kings' temple"), scene(None, idea="Today's Hanoi")]
    bare = dataclasses.replace(request(), ideas=())
    scenes = repair_storyboard(raw, dataclasses.replace(bare, target_scenes=4))
    assert [s.idea for s in scenes] == ["The Hung Kings' temple", "Today's Hanoi"]
    (title,) = repair_storyboard([], bare)
    assert title.idea == "Autumn" and title.idea_number is None


def test_token_cost_uses_the_price_table() -> None:
    assert token_cost("gpt-5-mini", 1_000_000, 1_000_000) == pytest.approx(2.25)
    assert token_cost("gpt-5-mini-2025-08-07", 1_000_000, 0) == pytest.approx(0.25)
    assert token_cost("gpt-5", 1_000_000, 0) == pytest.approx(1.25)
    assert token_cost("some-future-model", 1_000_000, 0) > 0


# ---------------------------------------------------------------------------- over HTTP


async def test_plan_sends_structured_output_and_returns_one_scene_per_idea(
    fake: FakeOpenAI, client: openai.AsyncOpenAI
) -> None:
    fake.token_usage = (10_000, 2_000)
    plan = await OpenAIPlanner(client).plan(request(song_seconds=30.0))

    assert [s.idea for s in plan.scenes] == list(IDEAS)
    assert [s.idea_number for s in plan.scenes] == [1, 2, 3]
    assert [s.image_prompt for s in plan.scenes] == [f"A cinematic still of {i}" for i in IDEAS]
    assert sum(s.seconds or 0 for s in plan.scenes) == pytest.approx(30.0)
    assert plan.usage.provider == "openai" and plan.usage.kind == "plan"
    assert plan.usage.units == 12_000
    assert plan.usage.cost_usd == pytest.approx(10_000 * 0.25e-6 + 2_000 * 2e-6)

    (sent,) = fake.requests_to("responses")
    body = sent.json
    assert body["model"] == "gpt-5-mini"
    assert body["store"] is False and body["reasoning"] == {"effort": "low"}
    assert body["text"]["format"]["type"] == "json_schema"
    assert body["text"]["format"]["strict"] is True
    schema = body["text"]["format"]["schema"]["$defs"]["StoryboardScene"]
    assert schema["properties"]["motion"]["enum"] == [m.value for m in Motion]
    assert "<ideas>" in body["input"] and "never instructions" in body["instructions"]


async def test_plan_fills_the_song_with_scenes_of_its_own(
    fake: FakeOpenAI, client: openai.AsyncOpenAI
) -> None:
    fake.fill_storyboard = True
    song = 180.0
    target = suggested_scene_count(song, 120.0)
    plan = await OpenAIPlanner(client).plan(
        request(song_seconds=song, tempo_bpm=120.0, target_scenes=target)
    )

    assert len(plan.scenes) == target == 22
    assert [s.idea for s in plan.scenes if s.idea_number] == list(IDEAS)
    assert [s.idea_number for s in plan.scenes if s.idea_number] == [1, 2, 3]
    assert all(s.idea for s in plan.scenes if s.idea_number is None)
    assert sum(s.seconds or 0 for s in plan.scenes) == pytest.approx(song)
    (sent,) = fake.requests_to("responses")
    assert "Number of scenes: exactly 22: the 3 ideas below" in sent.json["input"]
    schema = sent.json["text"]["format"]["schema"]["$defs"]["StoryboardScene"]
    assert {"type": "null"} in schema["properties"]["idea_number"]["anyOf"]
    assert "idea" in schema["required"]


async def test_the_planner_is_told_the_song_s_parts(
    fake: FakeOpenAI, client: openai.AsyncOpenAI
) -> None:
    parts = (
        SongSection(SectionKind.INTRO, 0.0, 8.5),
        SongSection(SectionKind.VERSE, 8.5, 24.5),
        SongSection(SectionKind.CHORUS, 24.5, 40.0),
    )
    await OpenAIPlanner(client).plan(request(song_seconds=40.0, tempo_bpm=120.0, sections=parts))
    (sent,) = fake.requests_to("responses")
    assert "intro 0.0-8.5 s; verse 8.5-24.5 s; chorus 24.5-40.0 s." in sent.json["input"]
    await OpenAIPlanner(client).plan(request(song_seconds=40.0))
    assert "parts" not in fake.requests_to("responses")[-1].json["input"]


async def test_plan_without_ideas_but_a_target_asks_for_scenes_of_its_own(
    fake: FakeOpenAI, client: openai.AsyncOpenAI
) -> None:
    fake.fill_storyboard = True
    plan = await OpenAIPlanner(client).plan(
        PlanRequest(
            title="A tribute to the Hùng Kings' legends, ending in today's Hà Nội",
            ideas=(),
            style=load_styles()["cinematic"],
            song_seconds=40.0,
            language="vi",
            target_scenes=5,
        )
    )
    assert len(plan.scenes) == 5 and all(s.idea_number is None for s in plan.scenes)
    assert "exactly 5: 5 scenes of your own" in fake.requests_to("responses")[0].json["input"]


async def test_plan_repairs_a_sloppy_answer(fake: FakeOpenAI, client: openai.AsyncOpenAI) -> None:
    fake.storyboard = {
        "scenes": [
            {
                "idea_number": 2,
                "idea": "",
                "image_prompt": "rain",
                "caption": "",
                "seconds": 500,
                "motion": "barrel_roll",
                "transition": "crossfade",
            },
            {
                "idea_number": 9,
                "idea": "",
                "image_prompt": "x",
                "caption": "x",
                "seconds": 3,
                "motion": "still",
                "transition": "cut",
            },
        ]
    }
    plan = await OpenAIPlanner(client, model="gpt-5-nano").plan(request())

    assert [s.idea for s in plan.scenes] == list(IDEAS)
    second = plan.scenes[1]
    assert second.caption == short_caption(IDEAS[1])
    assert second.seconds == MAX_SCENE_SECONDS and second.motion == default_motion(2)
    assert plan.scenes[0].image_prompt == "" and plan.scenes[2].image_prompt == ""


async def test_an_answer_that_does_not_parse_is_planned_from_the_ideas(
    fake: FakeOpenAI, client: openai.AsyncOpenAI
) -> None:
    fake.storyboard = '{"scenes": [{"idea_number": 1, "capt'
    plan = await OpenAIPlanner(client).plan(request())
    assert [s.caption for s in plan.scenes] == [short_caption(i) for i in IDEAS]
    assert plan.usage.cost_usd > 0  # the tokens were paid for all the same


async def test_a_refusal_is_a_provider_refusal(
    fake: FakeOpenAI, client: openai.AsyncOpenAI
) -> None:
    fake.storyboard_refusal = "I can't help with that."
    with pytest.raises(ProviderError) as caught:
        await OpenAIPlanner(client).plan(request())
    assert caught.value.key == "provider.refused"


async def test_no_ideas_gives_a_title_scene_without_a_call(
    fake: FakeOpenAI, client: openai.AsyncOpenAI
) -> None:
    plan = await OpenAIPlanner(client).plan(
        PlanRequest(
            title="Autumn",
            ideas=(),
            style=load_styles()["cinematic"],
            song_seconds=None,
            language="en",
        )
    )
    assert [s.idea for s in plan.scenes] == ["Autumn"]
    assert fake.requests == []


async def test_rate_limit_is_retried_by_the_client(
    fake: FakeOpenAI, client: openai.AsyncOpenAI
) -> None:
    fake.fail("responses", "rate_limit")
    plan = await OpenAIPlanner(client).plan(request())
    assert len(plan.scenes) == 3
    assert len(fake.requests_to("responses")) == 2


@pytest.mark.parametrize(
    ("kind", "key"), [("bad_key", "provider.bad_key"), ("not_found", "provider.model_missing")]
)
async def test_errors_map_to_keys(
    fake: FakeOpenAI, client: openai.AsyncOpenAI, kind: str, key: str
) -> None:
    fake.fail("responses", kind)  # type: ignore[arg-type]
    with pytest.raises(ProviderError) as caught:
        await OpenAIPlanner(client).plan(request())
    assert caught.value.key == key
    assert len(fake.requests_to("responses")) == 1
