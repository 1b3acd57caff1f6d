"""Use cases: ask for a render, stop a render."""

from __future__ import annotations

from bot.errors import JobAlreadyRunning, NoActiveProject, QueueFull
from bot.studio.jobs import RENDER, JobRunner
from bot.studio.models import Job, JobState
from bot.studio.ports import ProjectStore
from bot.studio.projects import project_for

__all__ = ["RENDER", "RenderRequests"]

DEFAULT_QUEUE_PER_USER = 2


class RenderRequests:
    """Turns `/render` and `/cancel` into durable jobs."""

    def __init__(
        self, store: ProjectStore, runner: JobRunner, queue_per_user: int = DEFAULT_QUEUE_PER_USER
    ) -> None:
        self.store = store
        self.runner = runner
        self.queue_per_user = queue_per_user

    def request(
        self, user_id: int, chat_id: int, language: str, project_id: int | None = None
    ) -> Job:
        """Queue a render of the active (or given) project: one per project, a few per user."""
        project = project_for(self.store, user_id, project_id)
        unfinished = self.store.unfinished_job(user_id, project.id)
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
        job = self.store.create_job(user_id, project.id, chat_id, RENDER, language)
        self.runner.submit(job)
        return job

    def cancel(self, user_id: int) -> bool:
        """Stop the active project's job; False when nothing was running."""
        project = self.store.active_project(user_id)
        if project is None:
            raise NoActiveProject()
        job = self.store.unfinished_job(user_id, project.id)
        if job is None:
            return False
        if not self.runner.cancel(job.id):
            self.store.update_job(job.id, state=JobState.CANCELLED)
        return True
