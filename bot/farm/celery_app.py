"""The Celery app of the render farm: one queue, one task, set up so that no render is lost.

A render is long and is worth one worker slot: a worker takes one message at a time
(prefetch 1) and acknowledges it only when the render is over (late acks), so a message whose
worker died goes back to the queue (rejected on worker loss). The board (board.py), not the
broker's visibility timeout, is how the bot notices a lost worker within seconds; a message that
comes back later finds its lease replaced and is dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from celery import Celery

from bot.farm.messages import RENDER_TASK

QUEUE = "pocket-director-render"
# The broker's own redelivery of an unacknowledged message: a backstop only (the board's
# heartbeats find a lost worker long before), and longer than any render.
VISIBILITY_SECONDS = 3 * 3600
CONNECT_SECONDS = 5.0


def make_celery(
    redis_url: str,
    *,
    concurrency: int = 1,
    render: Callable[[dict[str, Any]], None] | None = None,
) -> Celery:
    """The farm's Celery app on `redis_url`; with `render`, it also runs render tasks."""
    app = Celery("pocket_director", broker=redis_url, set_as_current=False)
    app.conf.update(
        task_default_queue=QUEUE,
        task_serializer="json",
        accept_content=["json"],
        task_ignore_result=True,  # results travel on the board, checked against the lease
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        worker_concurrency=concurrency,
        # The render runs in a process group of its own (bot/media/render_worker.py); the
        # pool only waits for it, so threads do, and a killed worker leaves no pool children.
        worker_pool="threads",
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
        # Keep renders going while Redis restarts; the board decides if they still count.
        worker_cancel_long_running_tasks_on_connection_loss=False,
        broker_connection_retry_on_startup=True,
        broker_connection_max_retries=None,
        broker_connection_timeout=CONNECT_SECONDS,
        broker_transport_options={
            "visibility_timeout": VISIBILITY_SECONDS,
            "socket_connect_timeout": CONNECT_SECONDS,
            "socket_timeout": 30.0,
        },
        # A publish while Redis is away fails fast: the bot tries again itself and says so.
        task_publish_retry_policy={"max_retries": 1, "interval_start": 0.2, "interval_step": 0.2},
    )
    if render is not None:
        app.task(name=RENDER_TASK, acks_late=True, reject_on_worker_lost=True)(render)
    return app
