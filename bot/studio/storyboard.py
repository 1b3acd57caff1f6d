"""Use cases of the storyboard: ask for one, and the job that plans it and makes its pictures."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from bot.errors import InputRejected, JobAlreadyRunning
from bot.studio.editing import Edits
from bot.studio.edits import Replan
from bot.studio.jobs import JobRunner
from bot.studio.limits import Limits
from bot.studio.models import Job, Project
from bot.studio.ownership import owned_project, project_for
from bot.studio.pictures import Pictures
from bot.studio.ports import (
    JobEvents,
    Planner,
    PlanRequest,
    ScenePreview,
    StoryboardReady,
)
from bot.studio.roles import (
    AssetStore,
    ConversationStore,
    JobStore,
    ProjectStore,
    ReferenceStore,
    SceneStore,
    SpendStore,
)
from bot.studio.timing import output_size, suggested_scene_count

logger = logging.getLogger(__name__)

STORYBOARD = "storyboard"
PLAN_SOURCE = "plan"  # the journal source of a planned storyboard


class StoryboardRequests:
    """Turns `/storyboard` and picture edits into durable jobs."""

    def __init__(
        self, projects: ProjectStore, scenes: SceneStore, jobs: JobStore, runner: JobRunner
    ) -> None:
        self.projects = projects
        self.scenes = scenes
        self.jobs = jobs
        self.runner = runner

    def request(
        self,
        user_id: int,
        chat_id: int,
        language: str,
        *,
        replan: bool = True,
        refresh_only: bool = False,
        project_id: int | None = None,
        thread_id: int | None = None,
    ) -> Job:
        """Queue a storyboard job: plan (unless told not to), make pictures, show them (in
        forum topic `thread_id`, when asked for in one)."""
        project = project_for(self.projects, user_id, project_id)
        if not self.scenes.count_scenes(user_id, project.id):
            raise InputRejected("storyboard.empty")
        unfinished = self.jobs.unfinished_job(user_id, project.id)
        if unfinished is not None:
            raise JobAlreadyRunning(unfinished.kind)
        job = self.jobs.create_job(
            user_id,
            project.id,
            chat_id,
            STORYBOARD,
            language,
            {"replan": replan, "refresh_only": refresh_only}
            | ({} if thread_id is None else {"thread_id": thread_id}),
        )
        self.runner.submit(job)
        return job


# The project's timed lyric lines ("m:ss text") for the planner, from what is already known.
LyricsLines = Callable[[Project], Awaitable[tuple[str, ...]]]


class Storyboard:
    """The storyboard job: plans scenes, then makes their previews (only those that changed)."""

    pooled = False  # planning and pictures wait on providers, not on a render worker

    def __init__(
        self,
        projects: ProjectStore,
        scenes: SceneStore,
        references: ReferenceStore,
        assets: AssetStore,
        conversation: ConversationStore,
        spend: SpendStore,
        planner: Planner,
        pictures: Pictures,
        limits: Limits,
        edits: Edits,
        lyrics: LyricsLines | None = None,
    ) -> None:
        self.lyrics = lyrics
        self.edits = edits
        self.projects = projects
        self.scenes = scenes
        self.references = references
        self.assets = assets
        self.conversation = conversation
        self.spend = spend
        self.planner = planner
        self.pictures = pictures
        self.limits = limits

    def recover(self, job: Job) -> StoryboardReady | None:
        """Nothing to recover: a storyboard's pictures are on its scenes, shown by a new run."""
        return None

    async def run(self, job: Job, events: JobEvents, cancelled: asyncio.Event) -> StoryboardReady:
        """The storyboard job: plan, then the pictures (only those whose inputs changed)."""
        project = owned_project(self.projects, job.owner_id, job.project_id)
        if job.options.get("replan"):
            await events.step(0.0, "planning")
            await self.plan(job.owner_id, project, job.language)
        width, height = output_size(project.aspect, self.limits.short_side)
        refresh_only = bool(job.options.get("refresh_only"))

        async def on_pictures(fraction: float) -> None:
            await events.step(0.1 + 0.9 * fraction, "pictures")

        # A refresh replaces the shown previews in place; a new picture on its own would repeat.
        wants_each = project.previews_enabled and not refresh_only
        pictures = await self.pictures.ensure(
            job.owner_id,
            project,
            width,
            height,
            cancelled=cancelled,
            on_progress=on_pictures,
            on_failure=events.scene_failed,
            on_ready=events.scene_ready if wants_each else None,
        )
        return StoryboardReady(
            previews=tuple(ScenePreview(p.scene, p.path, p.stand_in, p.made_now) for p in pictures),
            refresh_only=refresh_only,
        )

    def scenes_a_plan_adds(self, owner_id: int, project: Project) -> int:
        """How many scenes of its own a plan would add, to suit the song (AI planners only)."""
        song = self.assets.get_asset(project.song_sha) if project.song_sha else None
        target = self._target(song.duration if song else None, song.tempo_bpm if song else None)
        if target is None or not self.plans_with_ai:
            return 0
        return max(0, target - self.scenes.count_scenes(owner_id, project.id))

    def _target(self, song_seconds: float | None, tempo_bpm: float | None) -> int | None:
        if not song_seconds:
            return None
        return min(self.limits.max_scenes, suggested_scene_count(song_seconds, tempo_bpm))

    async def plan(self, owner_id: int, project: Project, language: str, fill: bool = True) -> None:
        """Ask the planner for captions, camera work and lengths of the project's scenes, and
        (with `fill`) scenes of its own so the storyboard suits the song."""
        scenes = self.scenes.scenes(owner_id, project.id)
        song = self.assets.get_asset(project.song_sha) if project.song_sha else None
        plan = await self.planner.plan(
            PlanRequest(
                title=project.title,
                ideas=tuple(s.idea or s.caption for s in scenes),
                style=self.pictures.style(project),
                song_seconds=song.duration if song else None,
                language=language,
                aspect=project.aspect,
                tempo_bpm=song.tempo_bpm if song else None,
                sections=song.sections if song else (),
                target_scenes=(
                    min(
                        self.limits.max_scenes, suggested_scene_count(song.duration, song.tempo_bpm)
                    )
                    if song is not None and song.duration
                    else None
                ),
                conversation=tuple(self.conversation.conversation(owner_id, project.id)),
                reference_notes=tuple(
                    f"scene {s.position}: "
                    f"{len(self.references.scene_references(owner_id, s.id))} photo(s)"
                    for s in scenes
                ),
                lyrics=await self.lyrics(project) if self.lyrics is not None else (),
            )
        )
        if plan.usage.cost_usd > 0:
            self.spend.record_usage(owner_id, project.id, plan.usage)
        shots = tuple(plan.scenes)
        if not shots:
            return
        # A plan that keeps everything as it is is fine too.
        self.edits.apply_if_changed(owner_id, project.id, [Replan(shots)], source=PLAN_SOURCE)

    def planned(self, owner_id: int, project_id: int) -> bool:
        """Whether the project's storyboard was planned (and the plan not undone)."""
        return self.edits.done_by(owner_id, project_id, PLAN_SOURCE)

    @property
    def plans_with_ai(self) -> bool:
        """Whether planning asks a model (offline planning only repeats the director's ideas)."""
        return self.planner.name != "offline"
