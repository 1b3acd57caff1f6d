"""The job runner: runs durable render jobs and resumes them after a restart."""

from __future__ import annotations

import asyncio
import logging
import time

from bot.errors import JobCancelled, PocketDirectorError, ProviderError, UserFacingError
from bot.studio.models import Job, JobState
from bot.studio.ports import JobReporter, ProjectStore
from bot.studio.rendering import RenderProject

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
PROGRESS_STORE_INTERVAL = 2.0


class JobRunner:
    """Runs queued jobs as asyncio tasks, bounded by a number of parallel renders."""

    def __init__(self, store: ProjectStore, render: RenderProject, reporter: JobReporter,
                 max_parallel: int) -> None:
        self.store = store
        self.render = render
        self.reporter = reporter
        self._slots = asyncio.Semaphore(max_parallel)
        self._tasks: dict[int, asyncio.Task[None]] = {}
        self._cancel_events: dict[int, asyncio.Event] = {}

    def submit(self, job: Job, resumed: bool = False) -> None:
        """Start working on a queued job in the background."""
        self._cancel_events[job.id] = asyncio.Event()
        task = asyncio.create_task(self._run(job, resumed), name=f"job-{job.id}")
        self._tasks[job.id] = task
        task.add_done_callback(lambda _: self._forget(job.id))

    def resume_unfinished(self) -> int:
        """Pick up every job a previous run left queued or running."""
        jobs = self.store.unfinished_jobs()
        for job in jobs:
            logger.info("Resuming job %s (%s) of project %s", job.id, job.state, job.project_id)
            self.submit(job, resumed=True)
        return len(jobs)

    def cancel(self, job_id: int) -> bool:
        """Ask a running job to stop; it keeps what it finished."""
        event = self._cancel_events.get(job_id)
        if event is None:
            return False
        event.set()
        return True

    def _forget(self, job_id: int) -> None:
        self._tasks.pop(job_id, None)
        self._cancel_events.pop(job_id, None)

    def is_running(self, job_id: int) -> bool:
        """Whether this process is working on the job."""
        return job_id in self._tasks

    async def shutdown(self) -> None:
        """Stop every task, leaving their rows unfinished so the next start resumes them."""
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def wait_idle(self) -> None:
        """Wait until no job is running (for tests and a graceful stop)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks.values()), return_exceptions=True)

    async def _run(self, job: Job, resumed: bool) -> None:
        async with self._slots:
            attempts = job.attempts + 1
            self.store.update_job(job.id, state=JobState.RUNNING, attempts=attempts)
            project = self.store.get_project(job.owner_id, job.project_id)
            if project is None:
                self.store.update_job(job.id, state=JobState.FAILED, error="project_gone")
                return
            if attempts > MAX_ATTEMPTS:
                await self._fail(job, "render.failed_repeatedly")
                return
            message_id = await self.reporter.started(job, project, resumed)
            if message_id is not None:
                self.store.update_job(job.id, progress_message_id=message_id)
            job = self.store.get_job(job.id) or job
            last_store = 0.0

            async def on_step(fraction: float, step: str) -> None:
                nonlocal last_store
                now = time.monotonic()
                if now - last_store >= PROGRESS_STORE_INTERVAL:
                    last_store = now
                    self.store.update_job(job.id, progress=round(fraction, 4), step=step)
                await self.reporter.progress(job, fraction, step)

            try:
                async def on_failure(position: int, key: str) -> None:
                    await self.reporter.notice(job, key, scene=position)

                video = await self.render.run(job, on_step, on_failure,
                                              self._cancel_events[job.id])
            except JobCancelled:
                self.store.update_job(job.id, state=JobState.CANCELLED)
                await self.reporter.cancelled(job)
            except (UserFacingError, ProviderError) as error:
                logger.warning("Job %s failed: %s", job.id, error.key, exc_info=True)
                await self._fail(job, error.key, **error.params)
            except PocketDirectorError:
                logger.exception("Job %s failed", job.id)
                await self._fail(job, "render.failed")
            except Exception:
                logger.exception("Job %s crashed", job.id)
                await self._fail(job, "render.failed")
            else:
                self.store.update_job(job.id, state=JobState.DONE, progress=1.0, step="done",
                                      result_sha=video.path.stem)
                await self.reporter.finished(job, project, video, resumed)

    async def _fail(self, job: Job, key: str, **params: object) -> None:
        self.store.update_job(job.id, state=JobState.FAILED, error=key)
        await self.reporter.failed(job, key, **params)
