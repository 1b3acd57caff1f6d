"""Clips on a real SQLite file with a scripted maker that writes real tiny MP4s."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

import pytest

from bot.errors import ProviderError
from bot.studio.clips import clip_prompt
from bot.studio.models import AssetKind
from bot.studio.pictures import ScenePicture
from bot.studio.timeline import Shot
from tests.studio.helpers import OWNER, EventLog, World, build, with_ideas


async def pictures_and_shots(world: World) -> tuple[list[ScenePicture], tuple[Shot, ...]]:
    """The active project's pictures and a shot of two seconds for each."""
    log = EventLog()
    pictures = await world.pictures.ensure(
        OWNER,
        world.project(),
        64,
        96,
        cancelled=asyncio.Event(),
        on_progress=log.progress,
        on_failure=log.scene_failed,
    )
    shots = tuple(
        Shot(image_path=str(p.path), start=2.0 * n, duration=2.0) for n, p in enumerate(pictures)
    )
    return pictures, shots


async def test_clips_are_made_once_per_input_and_kept_on_the_scene(tmp_path: Path) -> None:
    world = build(tmp_path, with_clips=True)
    with_ideas(world, "Boats at dawn", "Lanterns")
    pictures, shots = await pictures_and_shots(world)
    log = EventLog()
    with_clips = await world.clips.attach(
        OWNER, world.project(), pictures, shots, log.scene_failed, log.scene_ready
    )
    assert all(shot.clip_path is not None for shot in with_clips)
    for shot in with_clips:
        assert shot.clip_path is not None
        assert Path(shot.clip_path).read_bytes()[4:8] == b"ftyp"  # a real MP4
    requests = world.clip_maker.requests
    assert [r.seconds for r in requests] == [2.0, 2.0]
    assert sorted(r.prompt for r in requests) == sorted(clip_prompt(p.scene) for p in pictures)
    assert {r.aspect for r in requests} == {"9:16"}
    assert [ready.kind for ready in log.ready] == [AssetKind.CLIP, AssetKind.CLIP]
    for scene, shot in zip(world.scenes(), with_clips, strict=True):
        assert scene.clip_sha is not None and scene.clip_key
        assert shot.clip_path == str(world.media.path_for(scene.clip_sha, "mp4"))
    assert world.store.spend(OWNER) == pytest.approx(2 * world.clip_maker.cost_usd)

    # The same inputs: the stored clips, no call. A longer shot: a new clip for it only.
    pictures = [replace(p, scene=s) for p, s in zip(pictures, world.scenes(), strict=True)]
    again = await world.clips.attach(OWNER, world.project(), pictures, shots, log.scene_failed)
    assert [s.clip_path for s in again] == [s.clip_path for s in with_clips]
    assert len(world.clip_maker.requests) == 2
    longer = (shots[0], replace(shots[1], duration=3.0))
    await world.clips.attach(OWNER, world.project(), pictures, longer, log.scene_failed)
    assert [r.seconds for r in world.clip_maker.requests[2:]] == [3.0]


async def test_a_failed_clip_leaves_the_still_and_a_fatal_one_stops(tmp_path: Path) -> None:
    world = build(tmp_path, with_clips=True, concurrency=1)
    with_ideas(world, "a", "b")
    pictures, shots = await pictures_and_shots(world)
    world.clip_maker.failures = [ProviderError("provider.timeout")]
    log = EventLog()
    attached = await world.clips.attach(OWNER, world.project(), pictures, shots, log.scene_failed)
    assert [s.clip_path is None for s in attached] == [True, False]
    assert log.failures == [(1, "render.clip_failed")]
    assert world.scenes()[0].clip_sha is None
    world.clip_maker.failures = [ProviderError("provider.no_credit")]
    with pytest.raises(ProviderError) as raised:
        await world.clips.attach(OWNER, world.project(), pictures, shots, log.scene_failed)
    assert raised.value.key == "provider.no_credit"


async def test_clips_past_the_budget_are_not_made(tmp_path: Path) -> None:
    world = build(tmp_path, with_clips=True, budget_usd=0.7)
    with_ideas(world, "a", "b")
    pictures, shots = await pictures_and_shots(world)
    log = EventLog()
    attached = await world.clips.attach(OWNER, world.project(), pictures, shots, log.scene_failed)
    assert sum(s.clip_path is not None for s in attached) == 1
    assert [key for _, key in log.failures] == ["provider.budget"]
    assert world.store.spend(OWNER) == pytest.approx(0.5)
