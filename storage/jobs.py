"""The jobs table: durable long work and where each job stands."""

from __future__ import annotations

import json
from typing import Any

from bot.studio.changes import JobChanges
from bot.studio.models import UNFINISHED_STATES, Job, JobState
from storage.rows import Rows, assignments, job_of, now


class SqliteJobs(Rows):
    """Implements the studio's JobStore."""

    def create_job(
        self,
        owner_id: int,
        project_id: int,
        chat_id: int,
        kind: str,
        language: str,
        options: dict[str, Any] | None = None,
    ) -> Job:
        """Queue a job for the project."""
        cursor = self.db.execute(
            "insert into jobs (project_id, owner_id, chat_id, kind, state, progress, step, "
            "attempts, language, options, created_at, updated_at) "
            "values (?, ?, ?, ?, ?, 0, '', 0, ?, ?, ?, ?)",
            [
                project_id,
                owner_id,
                chat_id,
                kind,
                JobState.QUEUED.value,
                language,
                json.dumps(options or {}),
                now(),
                now(),
            ],
        )
        job = self.get_job(int(cursor.lastrowid or 0))
        assert job is not None
        return job

    def get_job(self, job_id: int) -> Job | None:
        """A job by id."""
        row = self._one("select * from jobs where id = ?", [job_id])
        return job_of(row) if row else None

    def update_job(self, job_id: int, changes: JobChanges) -> None:
        """Change a job's state, progress, step, error, attempts, message id or result."""
        values = {**changes.columns(), "updated_at": now()}
        self.db.execute(
            f"update jobs set {assignments(values)} where id = :id",  # noqa: S608
            {**values, "id": job_id},
        )

    def unfinished_job(self, owner_id: int, project_id: int) -> Job | None:
        """The project's queued or running job, if any."""
        row = self._one(
            "select * from jobs where owner_id = ? and project_id = ? and state in (?, ?) "
            "order by id limit 1",
            [owner_id, project_id, *[s.value for s in UNFINISHED_STATES]],
        )
        return job_of(row) if row else None

    def last_job(self, owner_id: int, project_id: int) -> Job | None:
        """The project's most recent job."""
        row = self._one(
            "select * from jobs where owner_id = ? and project_id = ? order by id desc limit 1",
            [owner_id, project_id],
        )
        return job_of(row) if row else None

    def last_result(self, owner_id: int, project_id: int, kind: str) -> Job | None:
        """The project's newest job of `kind` that finished with a result."""
        row = self._one(
            "select * from jobs where owner_id = ? and project_id = ? and kind = ? and state = ? "
            "and result_sha is not null order by id desc limit 1",
            [owner_id, project_id, kind, JobState.DONE.value],
        )
        return job_of(row) if row else None

    def unfinished_jobs(self) -> list[Job]:
        """Every queued or running job, oldest first (to resume after a restart)."""
        rows = self.db.query(
            "select * from jobs where state in (?, ?) order by id",
            [s.value for s in UNFINISHED_STATES],
        )
        return [job_of(row) for row in rows]
