"""Costs and the budget on a real SQLite file: estimates before paying, no overshoot in parallel."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.errors import NoActiveProject, ProjectNotFound
from bot.studio.making import MakeFile
from bot.studio.models import AssetKind, ProjectSwitch
from bot.studio.ports import Usage
from bot.studio.timing import output_size
from tests.studio.helpers import OWNER, STRANGER, EventLog, build, with_ideas
from tests.support.synthetic_media import make_song


def test_reserve_holds_money_until_it_is_released(tmp_path: Path) -> None:
    world = build(tmp_path, budget_usd=1.0)
    budget = world.budget
    assert budget.reserve(OWNER, 0.6)
    assert not budget.reserve(OWNER, 0.5)  # 0.6 held + 0.5 > 1.0
    assert budget.reserve(STRANGER, 0.9)  # every user has a budget of their own
    budget.release(OWNER, 0.6)
    assert budget.reserve(OWNER, 0.5)
    budget.release(OWNER, 0.5)
    budget.release(OWNER, 5.0)  # releasing more than is held holds nothing, never less
    assert not budget.reserve(OWNER, 1.01)
    assert budget.reserve(OWNER, 0.0) and budget.reserve(OWNER, -1.0)  # free calls always go


def test_the_budget_counts_what_was_spent(tmp_path: Path) -> None:
    world = build(tmp_path, budget_usd=1.0)
    project = with_ideas(world, "a")
    world.store.record_usage(OWNER, project.id, Usage("test", "image", 1, 0.7))
    assert not world.budget.reserve(OWNER, 0.4)
    assert world.budget.reserve(OWNER, 0.3)
    assert world.budget.reserve(STRANGER, 1.0)


async def test_parallel_calls_never_overshoot_the_budget(tmp_path: Path) -> None:
    world = build(tmp_path, budget_usd=3.5)
    project = with_ideas(world, "a")
    started: list[int] = []

    def maker(number: int) -> MakeFile:
        async def make(output: Path) -> Usage:
            started.append(number)
            await asyncio.sleep(0.02)  # all ten are under way together
            output.write_bytes(f"piece {number}".encode())
            return Usage("test", "image", 1, 1.0)

        return make

    made = await asyncio.gather(
        *(
            world.making.within_budget(OWNER, project.id, 1.0, maker(n), AssetKind.PICTURE, "jpg")
            for n in range(10)
        )
    )
    assert sum(ref is not None for ref in made) == 3 and len(started) == 3
    assert world.store.spend(OWNER) == pytest.approx(3.0)
    assert world.store.spend(OWNER) <= 3.5
    # Every reservation was released: what is left is 0.5.
    assert world.budget.reserve(OWNER, 0.5) and not world.budget.reserve(OWNER, 0.01)


async def test_parallel_pictures_stop_at_the_budget(tmp_path: Path) -> None:
    world = build(tmp_path, budget_usd=1.0, image_cost=0.3, concurrency=6)
    with_ideas(world, *"abcdef")
    log = EventLog()
    pictures = await world.pictures.ensure(
        OWNER,
        world.project(),
        64,
        64,
        cancelled=asyncio.Event(),
        on_progress=log.progress,
        on_failure=log.scene_failed,
    )
    assert [p.stand_in for p in pictures].count(False) == 3
    assert world.store.spend(OWNER) == pytest.approx(0.9)
    assert [key for _, key in log.failures] == ["provider.budget"]


def test_estimates_count_missing_pictures_and_ask_above_the_threshold(tmp_path: Path) -> None:
    world = build(tmp_path, image_cost=0.4, confirm_above_usd=1.0)
    with pytest.raises(NoActiveProject):
        world.costs.estimate(OWNER)
    project = with_ideas(world, "a", "b")
    two = world.costs.estimate(OWNER)
    assert (two.usd, two.needs_confirmation, two.budget_usd) == (0.8, False, 5.0)
    assert two.project == project and two.spent_usd == 0.0
    world.material.add_idea(OWNER, "c", "Untitled")
    three = world.costs.estimate(OWNER, project.id)
    assert three.usd == pytest.approx(1.2) and three.needs_confirmation
    world.store.record_usage(OWNER, project.id, Usage("test", "image", 1, 0.25))
    assert world.costs.estimate(OWNER).spent_usd == pytest.approx(0.25)
    with pytest.raises(ProjectNotFound):
        world.costs.estimate(STRANGER, project.id)


async def test_made_pictures_cost_nothing_more(tmp_path: Path) -> None:
    world = build(tmp_path, image_cost=0.4)
    with_ideas(world, "a", "b")
    log = EventLog()
    await world.pictures.ensure(
        OWNER,
        world.project(),
        *output_size(world.project().aspect, world.limits.short_side),
        cancelled=asyncio.Event(),
        on_progress=log.progress,
        on_failure=log.scene_failed,
    )
    estimate = world.costs.estimate(OWNER)
    assert estimate.usd == 0.0 and estimate.spent_usd == pytest.approx(0.8)


async def test_planning_counts_the_scenes_an_ai_plan_adds(tmp_path: Path) -> None:
    world = build(tmp_path, image_cost=0.1, planner_name="test-ai")
    with_ideas(world, "a")
    await world.material.set_song(
        OWNER, world.upload(make_song(seconds=22.0, fmt="wav"), ".wav"), "wav", None, "Untitled"
    )
    assert world.costs.estimate(OWNER).usd == pytest.approx(0.1)
    # 22 s at 120 BPM wants 3 scenes: a plan adds 2 more pictures.
    assert world.costs.estimate(OWNER, planning=True).usd == pytest.approx(0.3)


def test_clips_count_only_when_the_project_wants_them(tmp_path: Path) -> None:
    world = build(tmp_path, with_clips=True)
    project = with_ideas(world, "a", "b")
    assert world.costs.estimate(OWNER).usd == 0.0
    world.projects.configure(OWNER, project.id, toggle=ProjectSwitch.CLIPS)
    assert world.costs.estimate(OWNER).usd == pytest.approx(2 * world.clip_maker.cost_usd)
    without = build(tmp_path / "other")
    other = with_ideas(without, "a")
    without.projects.configure(OWNER, other.id, toggle=ProjectSwitch.CLIPS)
    assert without.costs.estimate(OWNER).usd == 0.0  # no clip maker configured
