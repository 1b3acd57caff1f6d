"""Use cases: ask for a render, stop a render."""

from __future__ import annotations

from bot.errors import JobAlreadyRunning, NoActiveProject
from bot.studio.jobs import JobRunner
from bot.studio.models import Job, JobState
from bot.studio.ports import ProjectStore

RENDER = "render"


class RenderRequests:
    """Turns `/render` and `/cancel` into durable jobs."""

    def __init__(self, store: ProjectStore, runner: JobRunner) -> None:
        self.store = store
        self.runner = runner

    def request(self, user_id: int, chat_id: int, language: str) -> Job:
        """Queue a render of the active project; one at a time per project."""
        project = self.store.active_project(user_id)
        if project is None:
            raise NoActiveProject()
        if self.store.unfinished_job(user_id, project.id) is not None:
            raise JobAlreadyRunning()
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
