"""Pictures on a real SQLite file with the offline maker: made once, remade when inputs change."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image

from bot.errors import JobCancelled, ProviderError
from bot.studio.edits import Numbered, Remake, SetIdea
from bot.studio.models import AssetKind, Project
from bot.studio.pictures import ScenePicture
from bot.studio.scene_editing import SceneAction
from tests.studio.helpers import OWNER, EventLog, World, build, with_ideas

WIDTH, HEIGHT = 96, 160


async def ensure(world: World, log: EventLog, cancelled: bool = False) -> list[ScenePicture]:
    """Every scene's picture of the active project, reporting to `log`."""
    stop = asyncio.Event()
    if cancelled:
        stop.set()
    return await world.pictures.ensure(
        OWNER,
        world.project(),
        WIDTH,
        HEIGHT,
        cancelled=stop,
        on_progress=log.progress,
        on_failure=log.scene_failed,
        on_ready=log.scene_ready,
    )


async def two_scenes(world: World) -> Project:
    """A project with a photo scene and a scene of words only."""
    project = with_ideas(world, "Boats at dawn")
    await world.add_photo(seed=1)
    world.material.add_idea(OWNER, "Lanterns", "Untitled")
    return project


async def test_pictures_are_made_once_and_kept_on_their_scenes(tmp_path: Path) -> None:
    world = build(tmp_path)
    await two_scenes(world)
    log = EventLog()
    first = await ensure(world, log)
    assert [p.made_now for p in first] == [True, True]
    assert [p.stand_in for p in first] == [False, False]
    assert len(world.images.requests) == 2
    photo_request, words_request = world.images.requests
    assert len(photo_request.references) == 1 and words_request.references == ()
    assert (photo_request.width, photo_request.height) == (WIDTH, HEIGHT)
    for picture, scene in zip(first, world.scenes(), strict=True):
        assert scene.picture_sha == picture.picture.sha and scene.picture_key
        with Image.open(picture.path) as image:
            # A photo is shrunk only so far that it still covers the frame (with overscan).
            assert image.format == "JPEG"
            assert image.width >= WIDTH and image.height >= HEIGHT
        asset = world.store.get_asset(picture.picture.sha)
        assert asset is not None and asset.kind is AssetKind.PICTURE
    assert sorted(ready.scene.id for ready in log.ready) == sorted(p.scene.id for p in first)
    assert {ready.kind for ready in log.ready} == {AssetKind.PICTURE}
    assert log.steps[-1] == (1.0, "") and log.failures == []

    again = EventLog()
    second = await ensure(world, again)
    assert [p.made_now for p in second] == [False, False]
    assert [p.picture for p in second] == [p.picture for p in first]
    assert len(world.images.requests) == 2  # nothing asked twice
    assert again.ready == []
    assert world.pictures.pending_cost(OWNER, world.project(), WIDTH, HEIGHT) == 0.0


async def test_a_new_variant_or_idea_remakes_that_scene_only(tmp_path: Path) -> None:
    world = build(tmp_path)
    project = await two_scenes(world)
    first = await ensure(world, EventLog())
    world.edits.apply(OWNER, project.id, [Remake(Numbered((1,)))])
    remade = await ensure(world, EventLog())
    assert [p.made_now for p in remade] == [True, False]
    assert world.images.requests[-1].variant == 1
    assert remade[1].picture == first[1].picture
    world.edits.apply(OWNER, project.id, [SetIdea(Numbered((2,)), "Lanterns on the river")])
    changed = await ensure(world, EventLog())
    assert [p.made_now for p in changed] == [False, True]
    assert world.images.requests[-1].idea == "Lanterns on the river"
    assert len(world.images.requests) == 4
    # Undo brings the old inputs back, whose picture is still in the store: no call.
    world.edits.undo(OWNER, project.id)
    undone = await ensure(world, EventLog())
    assert [p.made_now for p in undone] == [False, False]
    assert undone[1].picture == first[1].picture
    assert len(world.images.requests) == 4


async def test_a_kept_picture_stays_and_guides_the_scenes_after_it(tmp_path: Path) -> None:
    world = build(tmp_path)
    project = await two_scenes(world)
    first = await ensure(world, EventLog())
    kept = world.scenes()[0]
    world.scene_editing.apply(OWNER, kept.id, SceneAction.KEEP)
    world.edits.apply(OWNER, project.id, [SetIdea(Numbered((1,)), "Boats at dusk")])
    world.scene_editing.apply(OWNER, kept.id, SceneAction.KEEP)  # SetIdea unkept it: keep again
    after = await ensure(world, EventLog())
    assert after[0].picture == first[0].picture and not after[0].made_now
    # The second scene now has the kept picture as a style reference: a new key, remade.
    assert after[1].made_now
    assert world.images.requests[-1].style_references == (first[0].path,)


async def test_a_failing_maker_leaves_a_stand_in_and_the_other_scenes_go_on(
    tmp_path: Path,
) -> None:
    world = build(tmp_path, concurrency=1)
    await two_scenes(world)
    world.images.failures = [ProviderError("provider.refused")]
    log = EventLog()
    pictures = await ensure(world, log)
    assert [p.stand_in for p in pictures] == [True, False]
    assert log.failures == [(1, "provider.refused")]
    assert pictures[0].path.exists()
    stand_in_scene, made_scene = world.scenes()
    assert stand_in_scene.picture_sha is None  # not kept: the next run tries the maker again
    assert made_scene.picture_sha == pictures[1].picture.sha
    retried = await ensure(world, EventLog())
    assert [p.made_now for p in retried] == [True, False]
    assert not retried[0].stand_in and len(world.images.requests) == 3


async def test_a_failure_that_concerns_every_scene_stops_the_pictures(tmp_path: Path) -> None:
    world = build(tmp_path, concurrency=1)
    await two_scenes(world)
    world.images.failures = [ProviderError("provider.bad_key")]
    with pytest.raises(ProviderError) as raised:
        await ensure(world, EventLog())
    assert raised.value.key == "provider.bad_key"


async def test_a_cancelled_job_makes_no_picture(tmp_path: Path) -> None:
    world = build(tmp_path)
    await two_scenes(world)
    with pytest.raises(JobCancelled):
        await ensure(world, EventLog(), cancelled=True)
    assert world.images.requests == []
    assert all(scene.picture_sha is None for scene in world.scenes())


async def test_pictures_past_the_budget_are_stand_ins_said_once(tmp_path: Path) -> None:
    world = build(tmp_path, budget_usd=0.05, image_cost=0.04)
    project = with_ideas(world, "a", "b", "c")
    assert world.pictures.pending_cost(OWNER, project, WIDTH, HEIGHT) == pytest.approx(0.12)
    assert world.pictures.new_scene_cost(project, WIDTH, HEIGHT) == pytest.approx(0.04)
    log = EventLog()
    pictures = await ensure(world, log)
    assert [p.stand_in for p in pictures].count(False) == 1
    assert len(world.images.requests) == 1
    assert [key for _, key in log.failures] == ["provider.budget"]
    assert world.store.spend(OWNER) == pytest.approx(0.04)
    assert world.store.spend(OWNER, project.id) == pytest.approx(0.04)


async def test_the_title_card_and_an_unknown_style(tmp_path: Path) -> None:
    world = build(tmp_path)
    project = world.projects.start_project(OWNER, "Sông Hồng")
    card = await world.pictures.make_title_card(project, WIDTH, HEIGHT)
    with Image.open(card) as image:
        assert image.size == (WIDTH, HEIGHT)
    assert world.images.requests == []  # the card is offline and free
    assert world.pictures.style(project).key == "cinematic"
    odd = replace(project, style="no-such-style")
    assert world.pictures.style(odd) == next(iter(world.styles.values()))
