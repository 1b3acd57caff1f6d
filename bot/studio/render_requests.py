"""Use cases: ask for a render, stop a project's job."""

from __future__ import annotations

from bot.errors import JobAlreadyRunning, QueueFull
from bot.studio.changes import JobChanges
from bot.studio.jobs import JobRunner
from bot.studio.models import Job, JobState
from bot.studio.ownership import active_project, project_for
from bot.studio.rendering import RENDER
from bot.studio.roles import JobStore, ProjectStore

__all__ = ["RENDER", "RenderRequests"]

DEFAULT_QUEUE_PER_USER = 2


class RenderRequests:
    """Turns `/render` and `/cancel` into durable jobs."""

    def __init__(
        self,
        projects: ProjectStore,
        jobs: JobStore,
        runner: JobRunner,
        queue_per_user: int = DEFAULT_QUEUE_PER_USER,
    ) -> None:
        self.projects = projects
        self.jobs = jobs
        self.runner = runner
        self.queue_per_user = queue_per_user

    def request(
        self,
        user_id: int,
        chat_id: int,
        language: str,
        project_id: int | None = None,
        *,
        reply_to: int | None = None,
        thread_id: int | None = None,
    ) -> Job:
        """Queue a render of the active (or given) project: one per project, a few per chat.

        `reply_to` is the message asking for it (the video answers it), `thread_id` the forum
        topic it was asked in.
        """
        project = project_for(self.projects, user_id, project_id)
        unfinished = self.jobs.unfinished_job(user_id, project.id)
        if unfinished is not None:
            if self.runner.knows(unfinished.id):
                raise JobAlreadyRunning(unfinished.kind)
            # Left unfinished by an earlier run (say, Telegram refused the upload for a
            # while): asking again takes it up where it stopped.
            self.runner.submit(unfinished, resumed=True)
            return unfinished
        if (
            not self.runner.can_start_now(user_id)
            and self.runner.waiting_for(user_id) >= self.queue_per_user
        ):
            raise QueueFull(limit=self.queue_per_user)
        where = {"reply_to": reply_to, "thread_id": thread_id}
        options = {name: value for name, value in where.items() if value is not None}
        job = self.jobs.create_job(
            user_id, project.id, chat_id, RENDER, language, options=options or None
        )
        self.runner.submit(job)
        return job

    def cancel(self, user_id: int) -> bool:
        """Stop the active project's job; False when nothing was running."""
        project = active_project(self.projects, user_id)
        job = self.jobs.unfinished_job(user_id, project.id)
        if job is None:
            return False
        if not self.runner.cancel(job.id):
            self.jobs.update_job(job.id, JobChanges(state=JobState.CANCELLED))
        return True
