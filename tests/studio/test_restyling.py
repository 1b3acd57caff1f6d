"""Restyling footage on a real SQLite file, with the real Runway restyler against the fake API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.errors import ProviderError
from bot.providers.prompts import load_templates
from bot.providers.runway_restyle import RunwayFootageRestyler, restyle_cost
from bot.providers.runway_tasks import RunwayAccess
from bot.studio.models import Asset, AssetKind, MediaRef, Project
from bot.studio.restyling import FootageStretch, Restyling
from tests.studio.helpers import OWNER, STRANGER, EventLog, World, build, with_ideas
from tests.support.fake_runway import FakeRunway
from tests.support.synthetic_media import make_video
from tests.support.video_checks import probe

SECRET = "key_test_restyling_0123456789"


@pytest.fixture
async def fake() -> AsyncIterator[FakeRunway]:
    async with FakeRunway(secret=SECRET) as server:
        yield server


@pytest.fixture(scope="module")
def clip_bytes() -> bytes:
    return make_video(seconds=5.0, width=320, height=240, fps=25, with_audio=False)


def restyling(world: World, fake: FakeRunway, concurrency: int = 2) -> Restyling:
    access = RunwayAccess(SECRET, fake.base_url, poll_interval=0.01, timeout=20.0, attempts=2)
    return Restyling(
        restyles=world.store,
        assets=world.store,
        media=world.media,
        making=world.making,
        restyler=RunwayFootageRestyler(access, load_templates()),
        styles=world.styles,
        concurrency=concurrency,
    )


def keep_footage(world: World, data: bytes, seconds: float) -> MediaRef:
    sha = world.media.put_bytes(data, "mp4")
    world.store.save_asset(Asset(sha, AssetKind.VIDEO, "mp4", len(data), 320, 240, seconds))
    return MediaRef(sha, "mp4")


def stretches(
    world: World, footage: MediaRef, start: float | None = 0.5, seconds: float = 3.0
) -> list[FootageStretch]:
    return [FootageStretch(scene, footage, start, seconds) for scene in world.scenes()]


def new_project(world: World, title: str, *ideas: str, style: str = "cinematic") -> Project:
    """A new active project holding these ideas, in this style."""
    project = with_ideas(world, *ideas, title=title)
    if style != project.style:
        project = world.projects.configure(OWNER, project.id, style=style)
    return project


async def test_a_restyle_is_paid_once_across_renders_and_projects(
    tmp_path: Path, fake: FakeRunway, clip_bytes: bytes
) -> None:
    world = build(tmp_path)
    use_case = restyling(world, fake)
    footage = keep_footage(world, clip_bytes, 5.0)
    first = new_project(world, "Harbour", "Boats at dawn")
    price = restyle_cost("aleph2", 3.0)[1]
    assert use_case.pending_cost(OWNER, first, stretches(world, footage)) == pytest.approx(price)

    log = EventLog()
    made = await use_case.restyle(
        OWNER, first, stretches(world, footage), log.scene_failed, log.scene_ready
    )
    (scene,) = world.scenes()
    path = made[scene.id]
    assert probe(path).duration == pytest.approx(3.0, abs=0.15)
    assert path != world.media.path_of(footage) and world.media.path_of(footage).exists()
    assert [ready.kind for ready in log.ready] == [AssetKind.RESTYLED]
    assert world.store.spend(OWNER) == pytest.approx(price)
    asset = world.store.get_asset(path.stem)
    assert asset is not None and asset.kind is AssetKind.RESTYLED
    assert len(fake.requests_to("video_to_video")) == 1

    # The second render: the kept restyle, no call, nothing to pay, nothing more spent.
    assert use_case.pending_cost(OWNER, first, stretches(world, footage)) == 0.0
    again = await use_case.restyle(OWNER, first, stretches(world, footage), log.scene_failed)
    assert again == made

    # Another project with the same footage, style and stretch: the same file, still one call.
    second = new_project(world, "Harbour, again", "Boats at dusk")
    assert use_case.pending_cost(OWNER, second, stretches(world, footage)) == 0.0
    shared = await use_case.restyle(OWNER, second, stretches(world, footage), log.scene_failed)
    assert list(shared.values()) == [path]
    # The render picks the stretch itself: its estimate finds the restyle all the same.
    assert use_case.pending_cost(OWNER, second, stretches(world, footage, start=None)) == 0.0
    assert len(fake.requests_to("video_to_video")) == 1
    assert world.store.spend(OWNER) == pytest.approx(price)
    assert not log.failures

    # What shapes the result changes: a new restyle for each.
    painted = new_project(world, "Lacquer", "Boats in lacquer", style="lacquer")
    await use_case.restyle(OWNER, painted, stretches(world, footage), log.scene_failed)
    await use_case.restyle(OWNER, painted, stretches(world, footage, seconds=2.5), log.scene_failed)
    prompts = [r.json["promptText"] for r in fake.requests_to("video_to_video")]
    assert len(prompts) == 3 and prompts[1] == prompts[2] != prompts[0]
    assert world.styles["lacquer"].prompt in prompts[1]


async def test_another_owner_pays_for_their_own(
    tmp_path: Path, fake: FakeRunway, clip_bytes: bytes
) -> None:
    world = build(tmp_path)
    use_case = restyling(world, fake)
    footage = keep_footage(world, clip_bytes, 5.0)
    mine = new_project(world, "Mine", "Boats")
    log = EventLog()
    await use_case.restyle(OWNER, mine, stretches(world, footage), log.scene_failed)
    theirs = world.projects.start_project(STRANGER, "Theirs")
    (scene,) = world.scenes()
    stretch = FootageStretch(scene, footage, 0.5, 3.0)
    assert use_case.pending_cost(STRANGER, theirs, [stretch]) > 0


async def test_scenes_sharing_a_stretch_share_one_call_and_a_refusal(
    tmp_path: Path, fake: FakeRunway, clip_bytes: bytes
) -> None:
    world = build(tmp_path)
    use_case = restyling(world, fake)
    footage = keep_footage(world, clip_bytes, 5.0)
    project = new_project(world, "Night market", "Lanterns", "Noodles")
    fake.fail_next_task("Content moderation", code="SAFETY.INPUT.VIDEO")
    log = EventLog()
    made = await use_case.restyle(OWNER, project, stretches(world, footage), log.scene_failed)
    # One task for both scenes; refused, so both keep their footage and nothing is kept or paid.
    assert made == {}
    assert log.failures == [(1, "provider.restyle_refused"), (2, "provider.restyle_refused")]
    assert len(fake.requests_to("video_to_video")) == 1
    assert world.store.spend(OWNER) == 0.0
    price = restyle_cost("aleph2", 3.0)[1]
    assert use_case.pending_cost(OWNER, project, stretches(world, footage)) == pytest.approx(
        2 * price  # the estimate errs high: it does not know the two will share
    )
    again = await use_case.restyle(OWNER, project, stretches(world, footage), log.scene_failed)
    assert len(set(again.values())) == 1 and len(again) == 2
    assert len(fake.requests_to("video_to_video")) == 2
    assert world.store.spend(OWNER) == pytest.approx(price)


async def test_failures_fall_back_and_the_accounts_stop_the_render(
    tmp_path: Path, fake: FakeRunway, clip_bytes: bytes
) -> None:
    world = build(tmp_path)
    use_case = restyling(world, fake)
    footage = keep_footage(world, clip_bytes, 5.0)
    project = new_project(world, "Rain", "Umbrellas")
    log = EventLog()
    fake.fail_next_task()
    assert await use_case.restyle(OWNER, project, stretches(world, footage), log.scene_failed) == {}
    assert log.failures == [(1, "provider.restyle_failed")]
    assert world.store.spend(OWNER) == 0.0
    assert use_case.pending_cost(OWNER, project, stretches(world, footage)) > 0

    fake.fail("video_to_video", 403)
    with pytest.raises(ProviderError) as raised:
        await use_case.restyle(OWNER, project, stretches(world, footage), log.scene_failed)
    assert raised.value.key == "provider.forbidden"


async def test_a_clip_too_short_or_a_budget_spent_makes_no_call(
    tmp_path: Path, fake: FakeRunway, clip_bytes: bytes
) -> None:
    world = build(tmp_path, budget_usd=0.2)
    use_case = restyling(world, fake)
    project = new_project(world, "Short", "Blink")
    log = EventLog()
    blink = keep_footage(world, make_video(seconds=1.0, with_audio=False), 1.0)
    assert await use_case.restyle(OWNER, project, stretches(world, blink), log.scene_failed) == {}
    assert use_case.pending_cost(OWNER, project, stretches(world, blink)) == 0.0
    footage = keep_footage(world, clip_bytes, 5.0)
    assert await use_case.restyle(OWNER, project, stretches(world, footage), log.scene_failed) == {}
    assert log.failures == [(1, "provider.restyle_too_short"), (1, "provider.budget")]
    assert not fake.requests
