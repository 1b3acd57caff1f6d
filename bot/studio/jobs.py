"""The job runner: durable jobs, a fair queue for a bounded pool of renders, resumable.

A job's row is the truth. It stays `queued` until a worker takes it and `running` until its
result is in the user's hands; only then is it `done` (or `failed`, `cancelled`). What a result
keeps (a render's video) is recorded on the row before it is sent, and each kind of work
recovers it, so after a crash or a failed upload the next start (or the user's next request)
delivers it without doing the work again.

The runner knows no kind of job: each JobWork says whether it is `pooled`. Pooled work holds
one of `max_parallel` workers; a user has at most one pooled job holding a worker, and the
oldest waiting job of someone else goes first. Other work (the storyboard) starts at once.
"""

from __future__ import annotations

import asyncio
import bisect
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, replace
from enum import Enum
from typing import Any

from bot.errors import (
    DeliveryFailed,
    JobCancelled,
    ProviderError,
    RecipientGone,
    UserFacingError,
)
from bot.studio.changes import JobChanges
from bot.studio.models import Job, JobState, Project
from bot.studio.ports import JobEvents, JobReporter, JobResult, JobWork, SceneReady
from bot.studio.roles import JobStore, ProjectStore

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
PROGRESS_STORE_INTERVAL = 2.0
# Seconds between tries to hand a result over while Telegram cannot be reached; after the
# last one the job waits, unfinished, for a restart or the user's next /render.
DELIVERY_DELAYS = (2.0, 10.0, 30.0, 60.0)
RECIPIENT_GONE = "recipient_gone"
UNDELIVERED = "undelivered"


class Handover(Enum):
    """How handing something to the user went."""

    SENT = "sent"
    GONE = "gone"
    REFUSED = "refused"
    UNREACHABLE = "unreachable"


@dataclass(frozen=True)
class RunnerLoad:
    """What the runner is doing right now."""

    workers: int
    rendering: int
    waiting: int
    delivering: int
    other: int


@dataclass(frozen=True)
class _Waiting:
    job: Job
    resumed: bool


@dataclass
class _Attempt:
    """One go at a job: its stop signal, and whether the user is still there to see it."""

    cancel: asyncio.Event
    gone: bool = False
    last_store: float = 0.0


class JobRunner:
    """Runs jobs as asyncio tasks: at most `max_parallel` pooled ones, one per user at a time."""

    def __init__(
        self,
        jobs: JobStore,
        projects: ProjectStore,
        work: dict[str, JobWork],
        reporter: JobReporter,
        max_parallel: int,
        *,
        delivery_delays: tuple[float, ...] = DELIVERY_DELAYS,
    ) -> None:
        self.jobs = jobs
        self.projects = projects
        self.work = work
        self.reporter = reporter
        self.workers = max(1, max_parallel)
        self.delivery_delays = delivery_delays
        self._waiting: list[_Waiting] = []
        self._holding: dict[int, int] = {}  # job id -> owner id, for jobs holding a worker
        self._tasks: dict[int, asyncio.Task[None]] = {}
        self._attempts: dict[int, _Attempt] = {}
        self._delivering: set[int] = set()
        self._notices: set[asyncio.Task[None]] = set()
        self._closing = False

    # ------------------------------------------------------------------ queries

    def knows(self, job_id: int) -> bool:
        """Whether this process is running the job or has it in line."""
        return job_id in self._tasks or any(w.job.id == job_id for w in self._waiting)

    def position(self, job_id: int) -> int | None:
        """The job's place in line (1 = next), or None when it is not waiting."""
        for index, waiting in enumerate(self._waiting, start=1):
            if waiting.job.id == job_id:
                return index
        return None

    def waiting_for(self, owner_id: int) -> int:
        """How many of the user's jobs wait for a worker."""
        return sum(1 for w in self._waiting if w.job.owner_id == owner_id)

    def can_start_now(self, owner_id: int) -> bool:
        """Whether a render of this user would get a worker at once."""
        return len(self._holding) < self.workers and owner_id not in self._holding.values()

    def load(self) -> RunnerLoad:
        """Renders running and waiting, results being sent, other jobs."""
        busy = len(self._holding) + len(self._delivering)
        return RunnerLoad(
            workers=self.workers,
            rendering=len(self._holding),
            waiting=len(self._waiting),
            delivering=len(self._delivering),
            other=max(0, len(self._tasks) - busy),
        )

    # ------------------------------------------------------------------ commands

    def set_workers(self, workers: int) -> None:
        """How many pooled jobs may run at once (a render farm grows and shrinks)."""
        workers = max(1, workers)
        if workers != self.workers:
            logger.info("Renders at a time: %d (was %d)", workers, self.workers)
            self.workers = workers
            self._dispatch()

    def submit(self, job: Job, resumed: bool = False, *, notify: bool = True) -> int | None:
        """Take a job: it starts at once if it can; else return its place in line."""
        if self.knows(job.id):
            return self.position(job.id)
        if not self.work[job.kind].pooled:
            self._start(job, resumed)
            return None
        bisect.insort(self._waiting, _Waiting(job, resumed), key=lambda w: w.job.id)
        self._dispatch()
        position = self.position(job.id)
        if position is not None and notify:
            self._notify(self.reporter.queued(job, position))
        return position

    def resume_unfinished(self) -> int:
        """Take up every job a previous run left queued or running, oldest first."""
        jobs = self.jobs.unfinished_jobs()
        for job in jobs:
            logger.info(
                "Resuming job %s (%s, attempt %s) of project %s",
                job.id,
                job.state,
                job.attempts,
                job.project_id,
            )
            resumed = job.state is JobState.RUNNING or job.attempts > 0
            self.submit(job, resumed=resumed, notify=False)
        return len(jobs)

    def cancel(self, job_id: int) -> bool:
        """Stop a job (it keeps what it finished) or take it out of line."""
        attempt = self._attempts.get(job_id)
        if attempt is not None:
            attempt.cancel.set()
            return True
        waiting = next((w for w in self._waiting if w.job.id == job_id), None)
        if waiting is None:
            return False
        self._waiting.remove(waiting)
        self.jobs.update_job(job_id, JobChanges(state=JobState.CANCELLED))
        self._notify(self.reporter.cancelled(waiting.job))
        return True

    def drop(self, job: Job) -> None:
        """Stop a job without a word: its chat can no longer be written to (the bot was
        removed from the group)."""
        attempt = self._attempts.get(job.id)
        if attempt is not None:
            attempt.gone = True
            attempt.cancel.set()
            return
        waiting = next((w for w in self._waiting if w.job.id == job.id), None)
        if waiting is not None:
            self._waiting.remove(waiting)
        self._end_quietly(job)

    async def shutdown(self) -> None:
        """Stop every task, leaving their rows unfinished so the next start resumes them."""
        self._closing = True
        tasks = [*self._tasks.values(), *self._notices]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def wait_idle(self) -> None:
        """Wait until no job runs or waits (for tests and a graceful stop)."""
        while self._tasks or self._notices:
            await asyncio.gather(*self._tasks.values(), *self._notices, return_exceptions=True)

    # ------------------------------------------------------------------ scheduling

    def _dispatch(self) -> None:
        """Give free workers to waiting jobs: oldest first, never two renders of one user."""
        while not self._closing and len(self._holding) < self.workers:
            busy = set(self._holding.values())
            waiting = next((w for w in self._waiting if w.job.owner_id not in busy), None)
            if waiting is None:
                return
            self._waiting.remove(waiting)
            self._holding[waiting.job.id] = waiting.job.owner_id
            self._start(waiting.job, waiting.resumed)

    def _start(self, job: Job, resumed: bool) -> None:
        self._attempts[job.id] = _Attempt(asyncio.Event())
        task = asyncio.create_task(self._run(job, resumed), name=f"job-{job.id}")
        self._tasks[job.id] = task
        task.add_done_callback(lambda done: self._forget(job.id, done))

    def _release(self, job_id: int) -> None:
        """The job no longer needs its worker (its video is made, or it ended)."""
        if self._holding.pop(job_id, None) is not None:
            self._dispatch()

    def _forget(self, job_id: int, task: asyncio.Task[None]) -> None:
        self._tasks.pop(job_id, None)
        self._attempts.pop(job_id, None)
        self._delivering.discard(job_id)
        self._release(job_id)
        if not task.cancelled() and task.exception() is not None:
            logger.error("Job %s crashed", job_id, exc_info=task.exception())

    def _notify(self, message: Coroutine[Any, Any, None]) -> None:
        """Send a notice in the background (a task kept until it is done)."""
        task = asyncio.create_task(self._quietly(message))
        self._notices.add(task)
        task.add_done_callback(self._notices.discard)

    @staticmethod
    async def _quietly(message: Awaitable[None]) -> None:
        try:
            await message
        except DeliveryFailed:
            logger.info("Could not send a job notice", exc_info=True)

    # ------------------------------------------------------------------ one job

    async def _run(self, job: Job, resumed: bool) -> None:
        attempts = job.attempts + 1
        self.jobs.update_job(job.id, JobChanges(state=JobState.RUNNING, attempts=attempts))
        project = self.projects.get_project(job.owner_id, job.project_id)
        if project is None:
            self.jobs.update_job(job.id, JobChanges(state=JobState.FAILED, error="project_gone"))
            return
        if attempts > MAX_ATTEMPTS:
            await self._fail(job, "render.failed_repeatedly")
            return
        try:
            message_id = await self.reporter.started(job, project, resumed)
        except RecipientGone:
            self._end_quietly(job)
            return
        if message_id is not None and message_id != job.progress_message_id:
            self.jobs.update_job(job.id, JobChanges(progress_message_id=message_id))
        job = self.jobs.get_job(job.id) or job
        result = self.work[job.kind].recover(job)
        if result is None:
            result = await self._produce(job)
        if result is not None:
            self._release(job.id)
            await self._deliver(job, project, result, resumed)

    async def _produce(self, job: Job) -> JobResult | None:
        """Do the work; None when it ended otherwise (cancelled, failed, nobody listening)."""
        attempt = self._attempts[job.id]

        async def on_step(fraction: float, step: str) -> None:
            now = time.monotonic()
            if now - attempt.last_store >= PROGRESS_STORE_INTERVAL:
                attempt.last_store = now
                self.jobs.update_job(job.id, JobChanges(progress=round(fraction, 4), step=step))
            await self._watched(attempt, self.reporter.progress(job, fraction, step))

        async def on_failure(position: int, key: str) -> None:
            await self._watched(attempt, self.reporter.notice(job, key, scene=position))

        async def on_ready(ready: SceneReady) -> None:
            await self._watched(attempt, self.reporter.scene_ready(job, ready))

        events = JobEvents(step=on_step, scene_failed=on_failure, scene_ready=on_ready)
        try:
            result = await self.work[job.kind].run(job, events, attempt.cancel)
        except JobCancelled:
            if attempt.gone:
                self._end_quietly(job)
            else:
                self.jobs.update_job(job.id, JobChanges(state=JobState.CANCELLED))
                self._release(job.id)
                await self._quietly(self.reporter.cancelled(job))
            return None
        except (UserFacingError, ProviderError) as error:
            logger.warning("Job %s failed: %s", job.id, error.key, exc_info=True)
            await self._fail(job, error.key, **error.params)
            return None
        except Exception:
            logger.exception("Job %s failed", job.id)
            await self._fail(job, "render.failed")
            return None
        self._record(job, result)
        return result

    async def _watched(self, attempt: _Attempt, message: Awaitable[None]) -> None:
        """Send a progress update; if the user blocked the bot, stop the work quietly."""
        try:
            await message
        except RecipientGone:
            attempt.gone = True
            attempt.cancel.set()
        except DeliveryFailed:
            logger.debug("A progress update was not delivered", exc_info=True)

    def _record(self, job: Job, result: JobResult) -> None:
        """Keep the result on the row before sending it, so it survives a failed upload."""
        self.jobs.update_job(job.id, replace(result.kept(), step="deliver", progress=1.0))

    async def _deliver(self, job: Job, project: Project, result: JobResult, resumed: bool) -> None:
        """Hand the result over; the job is done only once it arrived."""
        self._delivering.add(job.id)
        try:
            outcome = await self._hand_over(
                lambda: self.reporter.finished(job, project, result, resumed)
            )
        finally:
            self._delivering.discard(job.id)
        if outcome is Handover.SENT:
            self.jobs.update_job(job.id, JobChanges(state=JobState.DONE, step="done", error=None))
        elif outcome is Handover.GONE:
            self._end_quietly(job)
        elif outcome is Handover.REFUSED:
            await self._fail(job, "jobs.delivery_failed")
        else:
            logger.error("Job %s: result not delivered; it waits for a restart or /render", job.id)
            self.jobs.update_job(job.id, JobChanges(state=JobState.QUEUED, error=UNDELIVERED))

    async def _hand_over(self, send: Callable[[], Awaitable[None]]) -> Handover:
        """Run `send`, trying again after transient failures."""
        for delay in self.delivery_delays:
            outcome = await self._try(send)
            if outcome is not Handover.UNREACHABLE:
                return outcome
            logger.warning("Telegram did not take a job's message; trying again in %.0f s", delay)
            await asyncio.sleep(delay)
        return await self._try(send)

    @staticmethod
    async def _try(send: Callable[[], Awaitable[None]]) -> Handover:
        try:
            await send()
        except RecipientGone:
            return Handover.GONE
        except DeliveryFailed as error:
            return Handover.REFUSED if error.permanent else Handover.UNREACHABLE
        return Handover.SENT

    async def _fail(self, job: Job, key: str, **params: object) -> None:
        """Record why the job failed for good, then say it in the chat, once."""
        self.jobs.update_job(job.id, JobChanges(state=JobState.FAILED, error=key))
        self._release(job.id)
        await self._hand_over(lambda: self.reporter.failed(job, key, **params))

    def _end_quietly(self, job: Job) -> None:
        """The user blocked the bot (or removed it from the group): stop without a word."""
        logger.info("Job %s ended: its chat can no longer be written to", job.id)
        self.jobs.update_job(job.id, JobChanges(state=JobState.FAILED, error=RECIPIENT_GONE))
        self._release(job.id)
