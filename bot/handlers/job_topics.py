"""Where a job's messages go in a forum: the topic it was asked for in."""

from __future__ import annotations

from bot.studio.models import Job


def topic_of(job: Job) -> int | None:
    """The forum topic the job was asked for in (None outside forum topics)."""
    thread = job.options.get("thread_id")
    return int(thread) if isinstance(thread, int) else None
