"""A local fake of Runway's image-to-video REST API, over real HTTP, for the `runwayml` SDK.

    async with FakeRunway(secret="key_test") as fake:
        maker = RunwayClipMaker("key_test", base_url=fake.base_url, poll_interval=0.01)
        ...

It answers what the official SDK (`AsyncRunwayML(base_url=fake.base_url)`) sends and expects:

* ``POST /v1/image_to_video`` checks the headers (``Authorization: Bearer <secret>``,
  ``X-Runway-Version``; the SDK's own ``X-Stainless-*`` ones are ignored) and the JSON body
  (model, promptImage as a data URI of at most 5 MB or an HTTPS URL, ratio, duration) and
  answers ``{"id": ...}``.
* ``GET /v1/tasks/{id}`` walks PENDING -> RUNNING -> SUCCEEDED over ``polls_to_finish`` polls
  (or FAILED when :meth:`FakeRunway.fail_next_task` was called, CANCELLED after
  :meth:`FakeRunway.cancel_next_task`; never finishes while ``hold_tasks`` is set; the first
  ``throttled_polls`` polls answer THROTTLED; each answer waits ``task_answer_delay`` s and
  sets the ``polled`` event). The task JSON has every field the SDK's
  ``TaskRetrieveResponse`` variants require: ``estimatedCost`` while waiting, ``cost`` once
  ended, ``progress`` while running, ``failure`` (+ ``failureCode``) when failed. (The SDK
  drops the union's discriminator when it parses a task: an answer missing a required field
  comes back as a ``Pending`` whatever its status; ``omit_costs`` leaves the costs out to
  check that we cope.) A success lists an output URL served by the
  same fake.
* ``DELETE /v1/tasks/{id}`` cancels a task (204).
* ``GET /outputs/{id}.mp4`` serves a real small H.264 MP4 made once with the ffmpeg binary that
  imageio-ffmpeg ships.

Every request is logged in :attr:`FakeRunway.requests`; :meth:`FakeRunway.fail` makes an
endpoint answer an error status (429 comes with ``Retry-After: 0``, which the SDK reads as "no
advice" and answers with its own backoff of about 0.5 s, doubling).
"""

from __future__ import annotations

import asyncio
import functools
import itertools
import subprocess
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import imageio_ffmpeg
from aiohttp import web

from tests.support.local_server import LocalServer

RunwayEndpoint = Literal["image_to_video", "tasks", "output"]
API_VERSION = "2024-11-06"
RATIOS = {"1280:720", "720:1280", "1104:832", "832:1104", "960:960", "1584:672"}
# The image-to-video models the fake makes clips with, and their price.
CREDITS_PER_SECOND = {"gen4_turbo": 5}
MAX_DATA_URI_CHARS = 5 * 1000 * 1000


@functools.cache
def sample_clip(seconds: int = 5, width: int = 320, height: int = 568) -> bytes:
    """A real H.264 MP4 of a moving test pattern (made once per test session)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "clip.mp4"
        subprocess.run(
            [
                imageio_ffmpeg.get_ffmpeg_exe(),
                "-hide_banner",
                "-loglevel",
                "error",
                "-f",
                "lavfi",
                "-i",
                f"testsrc2=size={width}x{height}:rate=24",
                "-t",
                str(seconds),
                "-pix_fmt",
                "yuv420p",
                "-c:v",
                "libx264",
                "-preset",
                "ultrafast",
                "-movflags",
                "+faststart",
                str(path),
            ],
            check=True,
            capture_output=True,
        )
        return path.read_bytes()


@dataclass
class RecordedRequest:
    """A request as the fake received it."""

    method: str
    path: str
    headers: dict[str, str]
    json: Any = None


@dataclass
class FakeTask:
    """A task's script and progress."""

    id: str
    body: dict[str, Any]
    polls: int = 0
    status: str = "PENDING"
    failure: tuple[str, str] | None = None
    cancel: bool = False
    output: list[str] = field(default_factory=list)


class FakeRunway(LocalServer):
    """An aiohttp server answering like api.dev.runwayml.com for image-to-video."""

    def __init__(
        self, secret: str = "key_test_secret", host: str = "127.0.0.1", polls_to_finish: int = 2
    ) -> None:
        super().__init__(host)
        self.secret = secret
        self.polls_to_finish = polls_to_finish
        self.hold_tasks = False
        self.throttled_polls = 0
        self.task_answer_delay = 0.0
        self.polled = asyncio.Event()
        self.omit_costs = False
        self.requests: list[RecordedRequest] = []
        self.tasks: dict[str, FakeTask] = {}
        self._faults: dict[str, list[tuple[int, int | None]]] = {}
        self._next_failure: tuple[str, str] | None = None
        self._next_cancel = False
        self._ids = itertools.count(1)

    def add_routes(self, app: web.Application) -> None:
        """Task creation, polling, cancelling, and the finished clips' downloads."""
        app.router.add_post("/v1/image_to_video", self._create)
        app.router.add_get("/v1/tasks/{task_id}", self._get_task)
        app.router.add_delete("/v1/tasks/{task_id}", self._delete_task)
        app.router.add_get("/outputs/{task_id}.mp4", self._output)

    @property
    def base_url(self) -> str:
        """The API base URL (the real one is ``https://api.dev.runwayml.com``)."""
        return self.origin

    def fail(self, endpoint: RunwayEndpoint, status: int, times: int | None = 1) -> None:
        """Answer the next `times` requests to `endpoint` with `status` (None: always)."""
        self._faults.setdefault(endpoint, []).append((status, times))

    def fail_next_task(
        self,
        failure: str = "An unexpected error occurred.",
        code: str = "INTERNAL.BAD_OUTPUT.CODE01",
    ) -> None:
        """Make the next created task end FAILED with this failure and code."""
        self._next_failure = (failure, code)

    def cancel_next_task(self) -> None:
        """Make the next created task end CANCELLED, as when it is deleted in Runway's console."""
        self._next_cancel = True

    def requests_to(self, endpoint: RunwayEndpoint) -> list[RecordedRequest]:
        """Every logged request to `endpoint`, in order."""
        prefix = {
            "image_to_video": "/v1/image_to_video",
            "tasks": "/v1/tasks/",
            "output": "/outputs/",
        }[endpoint]
        return [r for r in self.requests if r.path.startswith(prefix)]

    # ------------------------------------------------------------------ plumbing

    async def _record(self, request: web.Request) -> RecordedRequest:
        body = await request.json() if request.can_read_body else None
        recorded = RecordedRequest(request.method, request.path, dict(request.headers), body)
        self.requests.append(recorded)
        return recorded

    def _fault(self, endpoint: RunwayEndpoint) -> web.Response | None:
        faults = self._faults.get(endpoint)
        if not faults:
            return None
        status, remaining = faults[0]
        if remaining is not None:
            if remaining <= 1:
                faults.pop(0)
            else:
                faults[0] = (status, remaining - 1)
        headers = {"Retry-After": "0"} if status == 429 else {}
        return web.json_response({"error": f"fake error {status}"}, status=status, headers=headers)

    def _unauthorised(self, request: web.Request) -> web.Response | None:
        if request.headers.get("Authorization") != f"Bearer {self.secret}":
            return web.json_response({"error": "Invalid API key."}, status=401)
        if request.headers.get("X-Runway-Version") != API_VERSION:
            return web.json_response(
                {"error": "Missing or invalid X-Runway-Version header."}, status=400
            )
        return None

    # ------------------------------------------------------------------ endpoints

    async def _create(self, request: web.Request) -> web.Response:
        recorded = await self._record(request)
        refusal = self._unauthorised(request) or self._fault("image_to_video")
        if refusal is not None:
            return refusal
        body = recorded.json or {}
        image = str(body.get("promptImage", ""))
        problems = [
            name
            for name, ok in (
                ("model", body.get("model") in CREDITS_PER_SECOND),
                ("promptImage", _valid_image(image)),
                ("ratio", body.get("ratio") in RATIOS),
                ("duration", body.get("duration") in (5, 10)),
            )
            if not ok
        ]
        if problems:
            return web.json_response({"error": f"Invalid {', '.join(problems)}."}, status=400)
        task = FakeTask(
            id=str(uuid.UUID(int=next(self._ids))),
            body=body,
            failure=self._next_failure,
            cancel=self._next_cancel,
        )
        self._next_failure, self._next_cancel = None, False
        self.tasks[task.id] = task
        return web.json_response({"id": task.id})

    async def _get_task(self, request: web.Request) -> web.Response:
        await self._record(request)
        self.polled.set()
        await asyncio.sleep(self.task_answer_delay)
        refusal = self._unauthorised(request) or self._fault("tasks")
        if refusal is not None:
            return refusal
        task = self.tasks.get(request.match_info["task_id"])
        if task is None:
            return web.json_response({"error": "Task not found."}, status=404)
        if task.status not in ("SUCCEEDED", "FAILED", "CANCELLED"):
            task.polls += 1
            waited = task.polls - self.throttled_polls
            if waited < 1:
                task.status = "THROTTLED"
            elif self.hold_tasks or waited < self.polls_to_finish:
                task.status = "PENDING" if waited == 1 else "RUNNING"
            elif task.failure is not None:
                task.status = "FAILED"
            elif task.cancel:
                task.status = "CANCELLED"
            else:
                task.status = "SUCCEEDED"
                task.output = [f"{self.base_url}/outputs/{task.id}.mp4"]
        answer: dict[str, Any] = {
            "id": task.id,
            "status": task.status,
            "createdAt": "2026-01-01T00:00:00.000Z",
        }
        credits = CREDITS_PER_SECOND[task.body["model"]] * int(task.body.get("duration", 5))
        if self.omit_costs:
            pass
        elif task.status in ("PENDING", "THROTTLED", "RUNNING"):
            answer["estimatedCost"] = {"credits": credits}
        else:  # failed and cancelled tasks are refunded
            answer["cost"] = {"credits": credits if task.status == "SUCCEEDED" else 0}
        if task.status == "RUNNING":
            answer["progress"] = 0.5
        if task.status == "SUCCEEDED":
            answer["output"] = task.output
        if task.status == "FAILED" and task.failure is not None:
            answer["failure"], answer["failureCode"] = task.failure
        return web.json_response(answer)

    async def _delete_task(self, request: web.Request) -> web.Response:
        await self._record(request)
        refusal = self._unauthorised(request)
        if refusal is not None:
            return refusal
        task = self.tasks.get(request.match_info["task_id"])
        if task is not None and task.status not in ("SUCCEEDED", "FAILED"):
            task.status = "CANCELLED"
        return web.Response(status=204)

    async def _output(self, request: web.Request) -> web.Response:
        await self._record(request)
        refusal = self._fault("output")
        if refusal is not None:
            return refusal
        task = self.tasks.get(request.match_info["task_id"])
        if task is None or task.status != "SUCCEEDED":
            return web.Response(status=404)
        seconds = int(task.body.get("duration", 5))
        return web.Response(body=sample_clip(seconds), content_type="video/mp4")


def _valid_image(image: str) -> bool:
    """A public HTTPS URL, or a data URI of an image within 5 MB, as Runway accepts them."""
    if image.startswith("https://"):
        return True
    return image.startswith("data:image/") and len(image) <= MAX_DATA_URI_CHARS
