"""The storyboard on a real SQLite file: asking for one, and its job run directly."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bot.errors import InputRejected, JobAlreadyRunning, ProjectNotFound
from bot.studio.edits import Every, Remake
from bot.studio.jobs import JobRunner
from bot.studio.models import Job, JobState, Project, ProjectSwitch
from bot.studio.ports import JobResult, SceneReady, StoryboardReady
from bot.studio.storyboard import STORYBOARD, StoryboardRequests
from tests.studio.helpers import CHAT, OWNER, STRANGER, EventLog, World, build, with_ideas
from tests.support.synthetic_media import make_song


@dataclass
class RecordingReporter:
    """A JobReporter that writes down what it was told."""

    calls: list[tuple[str, int]] = field(default_factory=list)
    results: list[JobResult] = field(default_factory=list)

    async def queued(self, job: Job, position: int) -> None:
        self.calls.append(("queued", job.id))

    async def started(self, job: Job, project: Project, resumed: bool) -> int | None:
        self.calls.append(("started", job.id))
        return 900 + job.id

    async def progress(self, job: Job, fraction: float, step: str) -> None:
        self.calls.append(("progress", job.id))

    async def finished(self, job: Job, project: Project, result: JobResult, resumed: bool) -> None:
        self.calls.append(("finished", job.id))
        self.results.append(result)

    async def failed(self, job: Job, error_key: str, **params: object) -> None:
        self.calls.append(("failed", job.id))

    async def notice(self, job: Job, key: str, **params: object) -> None:
        self.calls.append(("notice", job.id))

    async def scene_ready(self, job: Job, ready: SceneReady) -> None:
        self.calls.append(("scene_ready", job.id))

    async def cancelled(self, job: Job) -> None:
        self.calls.append(("cancelled", job.id))


async def run(
    world: World, *, replan: bool = True, refresh_only: bool = False
) -> tuple[StoryboardReady, EventLog]:
    """Queue a storyboard job for the active project, run its work directly, and what it said."""
    job = world.store.create_job(
        OWNER,
        world.project().id,
        CHAT,
        STORYBOARD,
        "en",
        {"replan": replan, "refresh_only": refresh_only},
    )
    log = EventLog()
    return await world.storyboard.run(job, log.events, asyncio.Event()), log


async def test_the_job_plans_then_makes_every_picture(tmp_path: Path) -> None:
    world = build(tmp_path)
    project = with_ideas(world, "Boats leave the harbour. Nets are cast.", "Old quarter")
    await world.add_photo(seed=1)
    assert not world.storyboard.planned(OWNER, project.id)
    ready, log = await run(world)
    [request] = world.planner.requests
    assert request.ideas == ("Boats leave the harbour. Nets are cast.", "Old quarter")
    assert request.conversation == ("Boats leave the harbour. Nets are cast.", "Old quarter")
    assert request.reference_notes == ("scene 1: 0 photo(s)", "scene 2: 1 photo(s)")
    assert request.song_seconds is None and request.target_scenes is None
    assert request.title == "Film" and request.style.key == "cinematic"
    # The offline plan captions each idea by its first sentence.
    assert [s.caption for s in world.scenes()] == ["Boats leave the harbour", "Old quarter"]
    assert world.storyboard.planned(OWNER, project.id)
    assert [p.scene.id for p in ready.previews] == [s.id for s in world.scenes()]
    assert all(p.changed and not p.stand_in and p.path.exists() for p in ready.previews)
    assert not ready.refresh_only and ready.kept().columns() == {}
    steps = [step for _, step in log.steps]
    assert steps[0] == "planning" and set(steps[1:]) == {"pictures"}
    assert log.steps[-1][0] == pytest.approx(1.0)
    assert log.ready == []  # previews are off: the album shows them all at the end
    assert (
        world.storyboard.recover(world.store.create_job(OWNER, project.id, CHAT, "x", "en")) is None
    )


async def test_a_second_run_remakes_nothing_and_undo_takes_the_plan_back(tmp_path: Path) -> None:
    world = build(tmp_path)
    project = with_ideas(world, "Boats. Nets are cast.", "Temple. Incense.")
    await run(world)
    again, _ = await run(world, replan=False)
    assert [p.changed for p in again.previews] == [False, False]
    assert len(world.images.requests) == 2
    world.edits.undo(OWNER, project.id)
    assert not world.storyboard.planned(OWNER, project.id)
    assert world.ideas() == ["Boats. Nets are cast.", "Temple. Incense."]
    assert [s.caption for s in world.scenes()] == world.ideas()


async def test_planning_a_storyboard_that_needs_no_change_is_no_failure(tmp_path: Path) -> None:
    world = build(tmp_path)
    with_ideas(world, "Boats", "Temple")  # the offline plan of these is what is there already
    ready, _ = await run(world)
    assert len(ready.previews) == 2
    again, _ = await run(world)  # and a second /storyboard of a planned project
    assert [p.changed for p in again.previews] == [False, False]


async def test_without_replanning_the_planner_is_not_asked(tmp_path: Path) -> None:
    world = build(tmp_path)
    with_ideas(world, "a")
    ready, log = await run(world, replan=False)
    assert world.planner.requests == [] and len(ready.previews) == 1
    assert [step for _, step in log.steps] == ["pictures"]


async def test_previews_one_by_one_unless_it_is_a_refresh(tmp_path: Path) -> None:
    world = build(tmp_path)
    project = with_ideas(world, "a", "b")
    world.projects.configure(OWNER, project.id, toggle=ProjectSwitch.PREVIEWS)
    _, log = await run(world, replan=False)
    assert len(log.ready) == 2
    world.edits.apply(OWNER, project.id, [Remake(Every())])
    refreshed, quiet = await run(world, replan=False, refresh_only=True)
    assert refreshed.refresh_only and quiet.ready == []
    assert [p.changed for p in refreshed.previews] == [True, True]


async def test_an_ai_planner_sizes_the_storyboard_to_the_song_and_is_paid(tmp_path: Path) -> None:
    world = build(tmp_path, planner_name="test-ai")
    world.planner.cost_usd = 0.01
    world.planner.extra = ("Drone over the river",)
    project = with_ideas(world, "a", "b")
    await world.material.set_song(
        OWNER, world.upload(make_song(seconds=22.0, fmt="wav"), ".wav"), "wav", None, "Untitled"
    )
    assert world.storyboard.plans_with_ai
    # 22 s at 120 BPM: a scene a phrase (8 s) -> 3 scenes wanted, one more than the ideas.
    # (Not 20 s: 2.5 phrases round either way as the tempo reads a hair over or under 120.)
    assert world.storyboard.scenes_a_plan_adds(OWNER, world.project()) == 1
    await run(world)
    [request] = world.planner.requests
    assert request.song_seconds == pytest.approx(22.0, abs=0.1)
    assert request.tempo_bpm == pytest.approx(120.0, rel=0.05)
    assert request.target_scenes == 3
    assert world.ideas() == ["a", "b", "Drone over the river"]
    assert world.store.spend(OWNER, project.id) == pytest.approx(0.01)
    assert world.storyboard.scenes_a_plan_adds(OWNER, world.project()) == 0


async def test_an_offline_planner_adds_no_scenes(tmp_path: Path) -> None:
    world = build(tmp_path)
    with_ideas(world, "Boats. Nets are cast.")
    await world.material.set_song(
        OWNER, world.upload(make_song(seconds=20.0, fmt="wav"), ".wav"), "wav", None, "Untitled"
    )
    assert not world.storyboard.plans_with_ai
    assert world.storyboard.scenes_a_plan_adds(OWNER, world.project()) == 0
    await run(world)
    assert world.ideas() == ["Boats. Nets are cast."] and world.store.spend(OWNER) == 0.0


async def test_a_job_for_a_project_that_is_gone_fails(tmp_path: Path) -> None:
    world = build(tmp_path)
    project = with_ideas(world, "a")
    job = world.store.create_job(OWNER, project.id, CHAT, STORYBOARD, "en", {"replan": True})
    world.projects.delete(OWNER, project.id)
    with pytest.raises(ProjectNotFound):
        await world.storyboard.run(job, EventLog().events, asyncio.Event())


async def test_requests_queue_a_durable_job_that_the_runner_delivers(tmp_path: Path) -> None:
    world = build(tmp_path)
    reporter = RecordingReporter()
    runner = JobRunner(
        jobs=world.store,
        projects=world.store,
        work={STORYBOARD: world.storyboard},
        reporter=reporter,
        max_parallel=1,
    )
    requests = StoryboardRequests(
        projects=world.store, scenes=world.store, jobs=world.store, runner=runner
    )
    project = world.projects.start_project(OWNER, "Film")
    with pytest.raises(InputRejected) as empty:
        requests.request(OWNER, CHAT, "en")
    assert empty.value.key == "storyboard.empty"
    world.material.add_idea(OWNER, "Boats. Nets are cast.", "Untitled")
    with pytest.raises(ProjectNotFound):
        requests.request(STRANGER, CHAT, "en", project_id=project.id)
    job = requests.request(OWNER, CHAT, "vi", replan=False, refresh_only=True)
    assert (job.kind, job.language, job.chat_id) == (STORYBOARD, "vi", CHAT)
    assert job.options == {"replan": False, "refresh_only": True}
    with pytest.raises(JobAlreadyRunning) as busy:
        requests.request(OWNER, CHAT, "en")
    assert busy.value.key == "storyboard.already_running"
    await runner.wait_idle()
    done = world.store.get_job(job.id)
    assert done is not None and done.state is JobState.DONE
    assert done.progress_message_id == 900 + job.id
    assert ("finished", job.id) in reporter.calls
    [result] = reporter.results
    assert isinstance(result, StoryboardReady) and result.refresh_only
    assert world.planner.requests == []
    # Done: the next request is welcome, for the project given by id too.
    second = requests.request(OWNER, CHAT, "en", project_id=project.id)
    await runner.wait_idle()
    planned = world.store.get_job(second.id)
    assert planned is not None and planned.state is JobState.DONE, planned
    assert len(world.planner.requests) == 1 and world.scenes()[0].caption == "Boats"
