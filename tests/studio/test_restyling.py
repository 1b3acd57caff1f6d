"""Restyling footage scenes on a real SQLite file, with the real Runway restyler against the
fake API and the director's clips made by ffmpeg (through `add_footage`, as a chat sends them)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.errors import JobCancelled, ProviderError
from bot.providers.prompts import load_templates
from bot.providers.runway_restyle import RunwayFootageRestyler, restyle_cost
from bot.providers.runway_tasks import RunwayAccess
from bot.studio.costs import Costs
from bot.studio.material import FootageAdded
from bot.studio.models import AssetKind, Project, ProjectSwitch
from bot.studio.restyling import Restyling
from bot.studio.timeline import Shot
from tests.studio.helpers import OWNER, STRANGER, EventLog, World, build
from tests.support.fake_runway import FakeRunway
from tests.support.synthetic_media import make_clip
from tests.support.video_checks import probe

SECRET = "key_test_restyling_0123456789"
# Without a song a scene lasts Limits.seconds_without_song: 4 s of the clip are restyled.
PRICE = restyle_cost("aleph2", 4.0)[1]


@pytest.fixture
async def fake() -> AsyncIterator[FakeRunway]:
    async with FakeRunway(secret=SECRET) as server:
        yield server


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_clip(tmp_path_factory.mktemp("clips") / "harbour.mp4", seconds=6.0)


def restyling(world: World, fake: FakeRunway) -> Restyling:
    access = RunwayAccess(SECRET, fake.base_url, poll_interval=0.01, timeout=20.0, attempts=2)
    assert world.pictures.footage is not None
    return Restyling(
        scenes=world.store,
        restyles=world.store,
        assets=world.store,
        media=world.media,
        making=world.making,
        footage=world.pictures.footage,
        restyler=RunwayFootageRestyler(access, load_templates()),
        styles=world.styles,
        concurrency=2,
    )


async def send_clip(
    world: World, clip: Path, caption: str | None, owner_id: int = OWNER
) -> FootageAdded:
    source = world.media.scratch_path(".mp4")
    source.write_bytes(clip.read_bytes())
    added = await world.material.add_footage(
        owner_id, source, "mp4", caption, clip.name, "Untitled"
    )
    assert isinstance(added, FootageAdded)
    return added


async def footage_project(
    world: World, clip: Path, title: str, *captions: str, style: str = "cinematic"
) -> Project:
    """A new active project of one footage scene per caption (all showing `clip`)."""
    project = world.projects.start_project(OWNER, title)
    for caption in captions:
        await send_clip(world, clip, caption)
    if style != project.style:
        project = world.projects.configure(OWNER, project.id, style=style)
    return project


async def render_step(
    world: World, use_case: Restyling, project: Project, log: EventLog
) -> tuple[Shot, ...]:
    """The restyle step as a render runs it: over the pictures and the timeline's shots."""
    pictures = await world.pictures.ensure(
        OWNER,
        project,
        64,
        96,
        cancelled=asyncio.Event(),
        on_progress=log.progress,
        on_failure=log.scene_failed,
    )
    shots = tuple(
        Shot(
            image_path=str(p.path),
            start=4.0 * n,
            duration=4.0,
            clip_path=str(p.footage) if p.footage else None,
            clip_start=p.stretch.start if p.stretch else 0.0,
        )
        for n, p in enumerate(pictures)
    )
    return await use_case.attach(
        OWNER, project, pictures, shots, log.scene_failed, log.scene_ready, log.progress
    )


async def test_a_restyle_is_paid_once_across_renders_and_projects(
    tmp_path: Path, fake: FakeRunway, clip: Path
) -> None:
    world = build(tmp_path)
    use_case = restyling(world, fake)
    first = await footage_project(world, clip, "Harbour", "Boats at dawn")
    assert use_case.estimate(OWNER, first) == pytest.approx(PRICE)

    log = EventLog()
    (shot,) = await render_step(world, use_case, first, log)
    (scene,) = world.scenes()
    assert scene.footage_sha is not None
    footage = world.store.get_asset(scene.footage_sha)
    assert footage is not None and shot.clip_path is not None
    restyled = Path(shot.clip_path)
    assert (
        restyled != world.media.path_of(footage.ref) and world.media.path_of(footage.ref).exists()
    )
    assert shot.clip_start == 0.0 and probe(restyled).duration == pytest.approx(4.0, abs=0.15)
    asset = world.store.get_asset(restyled.stem)
    assert asset is not None and asset.kind is AssetKind.RESTYLED
    assert [ready.kind for ready in log.ready] == [AssetKind.RESTYLED]
    assert world.store.spend(OWNER) == pytest.approx(PRICE)
    (create,) = fake.requests_to("video_to_video")
    assert world.styles["cinematic"].prompt in create.json["promptText"]

    # The second render: the kept restyle, no call, nothing to pay.
    assert use_case.estimate(OWNER, first) == 0.0
    (again,) = await render_step(world, use_case, first, log)
    assert again.clip_path == shot.clip_path

    # Another project with the same clip, style and stretch: the same file, still one call.
    second = await footage_project(world, clip, "Harbour, again", "Boats at dusk")
    assert use_case.estimate(OWNER, second) == 0.0
    (shared,) = await render_step(world, use_case, second, log)
    assert shared.clip_path == shot.clip_path
    assert len(fake.requests_to("video_to_video")) == 1
    assert world.store.spend(OWNER) == pytest.approx(PRICE)
    assert not log.failures

    # What shapes the result changes (the style, so the prompt; the stretch): a new restyle.
    painted = await footage_project(world, clip, "Lacquer", "Boats", style="lacquer")
    assert use_case.estimate(OWNER, painted) == pytest.approx(PRICE)
    (lacquered,) = await render_step(world, use_case, painted, log)
    # (The fake draws every style alike, so the file may be the same; the call is new.)
    assert lacquered.clip_path is not None
    prompts = [r.json["promptText"] for r in fake.requests_to("video_to_video")]
    assert len(prompts) == 2 and world.styles["lacquer"].prompt in prompts[1]


async def test_the_cost_question_counts_restyles_only_when_the_switch_is_on(
    tmp_path: Path, fake: FakeRunway, clip: Path
) -> None:
    world = build(tmp_path, confirm_above_usd=0.1)
    use_case = restyling(world, fake)
    project = await footage_project(world, clip, "Harbour", "Boats at dawn")
    costs = Costs(
        projects=world.store,
        scenes=world.store,
        spend=world.store,
        pictures=world.pictures,
        clips=None,
        limits=world.limits,
        budget_usd=5.0,
        confirm_above_usd=0.1,
        restyle_cost=use_case.estimate,
    )
    off = costs.estimate(OWNER, project.id)
    assert off.usd == 0.0 and not off.needs_confirmation
    world.projects.configure(OWNER, project.id, toggle=ProjectSwitch.RESTYLE)
    on = costs.estimate(OWNER, project.id)
    assert on.usd == pytest.approx(PRICE) and on.needs_confirmation
    assert not fake.requests  # an estimate calls nobody


async def test_another_owner_pays_for_their_own(
    tmp_path: Path, fake: FakeRunway, clip: Path
) -> None:
    world = build(tmp_path)
    use_case = restyling(world, fake)
    mine = await footage_project(world, clip, "Mine", "Boats")
    await render_step(world, use_case, mine, EventLog())
    world.projects.start_project(STRANGER, "Theirs")
    await send_clip(world, clip, "Their boats", owner_id=STRANGER)
    theirs = world.project(STRANGER)
    assert use_case.estimate(STRANGER, theirs) == pytest.approx(PRICE)


async def test_scenes_sharing_a_stretch_share_one_call_and_a_refusal(
    tmp_path: Path, fake: FakeRunway, clip: Path
) -> None:
    world = build(tmp_path)
    use_case = restyling(world, fake)
    project = await footage_project(world, clip, "Night market", "Lanterns", "Noodles")
    assert use_case.estimate(OWNER, project) == pytest.approx(PRICE)  # one restyle for both
    fake.fail_next_task("Content moderation", code="SAFETY.INPUT.VIDEO")
    log = EventLog()
    shots = await render_step(world, use_case, project, log)
    # One task for both scenes, refused: both keep their own footage, nothing kept or paid.
    footage_shas = {scene.footage_sha for scene in world.scenes()}
    assert {Path(str(s.clip_path)).stem for s in shots} == footage_shas and len(footage_shas) == 1
    assert log.failures == [(1, "provider.restyle_refused"), (2, "provider.restyle_refused")]
    assert len(fake.requests_to("video_to_video")) == 1
    assert world.store.spend(OWNER) == 0.0
    assert use_case.estimate(OWNER, project) == pytest.approx(PRICE)

    restyled = await render_step(world, use_case, project, log)
    assert restyled[0].clip_path == restyled[1].clip_path != shots[0].clip_path
    assert len(fake.requests_to("video_to_video")) == 2
    assert world.store.spend(OWNER) == pytest.approx(PRICE)


async def test_failures_fall_back_and_the_accounts_stop_the_render(
    tmp_path: Path, fake: FakeRunway, clip: Path
) -> None:
    world = build(tmp_path)
    use_case = restyling(world, fake)
    project = await footage_project(world, clip, "Rain", "Umbrellas")
    log = EventLog()
    fake.fail_next_task()
    (shot,) = await render_step(world, use_case, project, log)
    (scene,) = world.scenes()
    assert scene.footage_sha is not None and shot.clip_path is not None
    assert Path(shot.clip_path).stem == scene.footage_sha  # the original footage
    assert log.failures == [(1, "provider.restyle_failed")]
    assert world.store.spend(OWNER) == 0.0

    fake.fail("video_to_video", 403)
    with pytest.raises(ProviderError) as raised:
        await render_step(world, use_case, project, log)
    assert raised.value.key == "provider.forbidden"


async def test_a_clip_too_short_or_a_budget_spent_makes_no_call(
    tmp_path: Path, fake: FakeRunway, clip: Path
) -> None:
    world = build(tmp_path, budget_usd=0.2)
    use_case = restyling(world, fake)
    blink = make_clip(tmp_path / "blink.mp4", seconds=1.2)
    short = await footage_project(world, blink, "Short", "Blink")
    log = EventLog()
    await render_step(world, use_case, short, log)
    assert use_case.estimate(OWNER, short) == 0.0
    long = await footage_project(world, clip, "Long", "Harbour")
    await render_step(world, use_case, long, log)
    assert log.failures == [(1, "provider.restyle_too_short"), (1, "provider.budget")]
    assert not fake.requests


async def test_a_cancelled_render_stops_the_restyle_under_way(
    tmp_path: Path, fake: FakeRunway, clip: Path
) -> None:
    world = build(tmp_path)
    use_case = restyling(world, fake)
    project = await footage_project(world, clip, "Slow", "Boats")
    fake.hold_tasks = True
    log = EventLog()
    pictures = await world.pictures.ensure(
        OWNER,
        project,
        64,
        96,
        cancelled=asyncio.Event(),
        on_progress=log.progress,
        on_failure=log.scene_failed,
    )
    shots = tuple(Shot(image_path=str(p.path), start=0.0, duration=4.0) for p in pictures)
    cancelled = asyncio.Event()
    running = asyncio.create_task(
        use_case.attach(OWNER, project, pictures, shots, log.scene_failed, cancelled=cancelled)
    )
    await fake.polled.wait()
    cancelled.set()
    with pytest.raises(JobCancelled):
        await running
    (task,) = fake.tasks.values()
    assert task.status == "CANCELLED"  # Runway stops, and stops charging
    assert world.store.spend(OWNER) == 0.0
    assert use_case.estimate(OWNER, project) == pytest.approx(PRICE)
