"""A local fake of Runway's image- and video-to-video REST API, over real HTTP, for `runwayml`.

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
* ``POST /v1/video_to_video`` checks the same headers and the body as Runway does (model
  ``aleph2``, videoUri as a data URI of a video within 16 MB, a ``runway://`` URI of an upload
  made here, or an HTTPS URL; promptText non-empty and at most 1000 characters; ratio; the
  video itself 2 to 30 s long) and starts a task like image-to-video's. Its output is a real
  MP4 made from the input with ffmpeg: as long as the input, at a quarter of the ratio's
  size, tinted red (:data:`TINT`) so a test can see that the restyle is what was rendered.
  Each input second costs ``V2V_CREDITS_PER_SECOND`` credits.
* ``POST /v1/uploads`` + ``POST /upload-bucket/{id}`` (multipart) are the SDK's ephemeral
  upload (``uploads.create_ephemeral``): a slot with its form fields, then the file.
* ``DELETE /v1/tasks/{id}`` cancels a task (204).
* ``GET /outputs/{id}.mp4`` serves a real small H.264 MP4 made once with the ffmpeg binary that
  imageio-ffmpeg ships.

Every request is logged in :attr:`FakeRunway.requests`; :meth:`FakeRunway.fail` makes an
endpoint answer an error status (429 comes with ``Retry-After: 0``, which the SDK reads as "no
advice" and answers with its own backoff of about 0.5 s, doubling).
"""

from __future__ import annotations

import asyncio
import base64
import functools
import itertools
import math
import subprocess
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import av
import imageio_ffmpeg
from aiohttp import web

from tests.support.local_server import LocalServer

RunwayEndpoint = Literal[
    "image_to_video", "video_to_video", "uploads", "upload_bucket", "tasks", "output"
]
API_VERSION = "2024-11-06"
RATIOS = {"1280:720", "720:1280", "1104:832", "832:1104", "960:960", "1584:672"}
# The image-to-video models the fake makes clips with, and their price.
CREDITS_PER_SECOND = {"gen4_turbo": 5}
MAX_DATA_URI_CHARS = 5 * 1000 * 1000
# Video-to-video: its models and price, and what Runway's input page allows.
V2V_CREDITS_PER_SECOND = {"aleph2": 15}
MAX_VIDEO_DATA_URI_CHARS = 16 * 1000 * 1000
MAX_UPLOAD_BYTES = 200 * 1000 * 1000
MIN_V2V_SECONDS, MAX_V2V_SECONDS = 2.0, 30.0
MAX_PROMPT_CHARS = 1000
# The restyle's look: red kept, green and blue mostly gone.
TINT = "colorchannelmixer=rr=1:gg=0.25:bb=0.25"


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
    credits: int = 0
    # Video-to-video: the input video, and the tinted output made from it on first download.
    source: bytes | None = None
    restyled: bytes | None = None


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
        self.uploads: dict[str, bytes | None] = {}

    def add_routes(self, app: web.Application) -> None:
        """Task creation, polling, cancelling, and the finished clips' downloads."""
        app.router.add_post("/v1/image_to_video", self._create)
        app.router.add_post("/v1/video_to_video", self._create_restyle)
        app.router.add_post("/v1/uploads", self._create_upload)
        app.router.add_post("/upload-bucket/{upload_id}", self._receive_upload)
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
            "video_to_video": "/v1/video_to_video",
            "uploads": "/v1/uploads",
            "upload_bucket": "/upload-bucket/",
            "tasks": "/v1/tasks/",
            "output": "/outputs/",
        }[endpoint]
        return [r for r in self.requests if r.path.startswith(prefix)]

    # ------------------------------------------------------------------ plumbing

    async def _record(self, request: web.Request) -> RecordedRequest:
        json_body = request.content_type == "application/json"
        body = await request.json() if request.can_read_body and json_body else None
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

    async def _accepted(
        self, request: web.Request, endpoint: RunwayEndpoint
    ) -> tuple[dict[str, Any], web.Response | None]:
        """The logged JSON body of a creating call, and the refusal it gets (auth, faults)."""
        recorded = await self._record(request)
        return recorded.json or {}, self._unauthorised(request) or self._fault(endpoint)

    # ------------------------------------------------------------------ endpoints

    async def _create(self, request: web.Request) -> web.Response:
        body, refusal = await self._accepted(request, "image_to_video")
        if refusal is not None:
            return refusal
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
        credits = CREDITS_PER_SECOND[body["model"]] * int(body["duration"])
        return self._start_task(body, credits)

    def _start_task(
        self, body: dict[str, Any], credits: int, source: bytes | None = None
    ) -> web.Response:
        task = FakeTask(
            id=str(uuid.UUID(int=next(self._ids))),
            body=body,
            failure=self._next_failure,
            cancel=self._next_cancel,
            credits=credits,
            source=source,
        )
        self._next_failure, self._next_cancel = None, False
        self.tasks[task.id] = task
        return web.json_response({"id": task.id})

    async def _create_restyle(self, request: web.Request) -> web.Response:
        body, refusal = await self._accepted(request, "video_to_video")
        if refusal is not None:
            return refusal
        prompt = body.get("promptText")
        source = self._video_of(str(body.get("videoUri", "")))
        seconds = _video_seconds(source) if source is not None else None
        problems = [
            name
            for name, ok in (
                ("model", body.get("model") in V2V_CREDITS_PER_SECOND),
                ("videoUri", source is not None and seconds is not None),
                (
                    "promptText",
                    prompt is None
                    or (isinstance(prompt, str) and 0 < len(prompt) <= MAX_PROMPT_CHARS),
                ),
                ("ratio", body.get("ratio", "1280:720") in RATIOS),
            )
            if not ok
        ]
        if (
            not problems
            and seconds is not None
            and not MIN_V2V_SECONDS <= seconds <= MAX_V2V_SECONDS + 0.1
        ):
            problems.append("videoUri duration")
        if problems or source is None or seconds is None:
            return web.json_response({"error": f"Invalid {', '.join(problems)}."}, status=400)
        credits = V2V_CREDITS_PER_SECOND[body["model"]] * math.ceil(seconds - 0.05)
        return self._start_task(body, credits, source)

    def _video_of(self, uri: str) -> bytes | None:
        """The video a videoUri names, as Runway would fetch it; None when it cannot."""
        if uri.startswith("runway://uploads/"):
            return self.uploads.get(uri.removeprefix("runway://uploads/"))
        if uri.startswith("https://"):
            return sample_clip()
        prefix = "data:video/"
        if (
            not uri.startswith(prefix)
            or len(uri) > MAX_VIDEO_DATA_URI_CHARS
            or ";base64," not in uri
        ):
            return None
        try:
            return base64.b64decode(uri.split(",", 1)[1], validate=True)
        except ValueError:
            return None

    async def _create_upload(self, request: web.Request) -> web.Response:
        body, refusal = await self._accepted(request, "uploads")
        if refusal is not None:
            return refusal
        if not body.get("filename") or body.get("type") != "ephemeral":
            return web.json_response({"error": "Invalid filename or type."}, status=400)
        upload_id = uuid.uuid4().hex
        self.uploads[upload_id] = None
        return web.json_response(
            {
                "uploadUrl": f"{self.base_url}/upload-bucket/{upload_id}",
                "fields": {"key": upload_id, "policy": "fake-policy"},
                "runwayUri": f"runway://uploads/{upload_id}",
            }
        )

    async def _receive_upload(self, request: web.Request) -> web.Response:
        upload_id = request.match_info["upload_id"]
        self.requests.append(RecordedRequest(request.method, request.path, dict(request.headers)))
        refusal = self._fault("upload_bucket")
        if refusal is not None:
            return refusal
        if upload_id not in self.uploads:
            return web.Response(status=403)
        form = await request.post()
        upload = form.get("file")
        if form.get("key") != upload_id or not isinstance(upload, web.FileField):
            return web.Response(status=400)
        data = upload.file.read(MAX_UPLOAD_BYTES + 1)
        if len(data) > MAX_UPLOAD_BYTES:
            return web.Response(status=413)
        self.uploads[upload_id] = data
        return web.Response(status=204)

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
        credits = task.credits
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
        if task.source is not None:
            if task.restyled is None:
                ratio = str(task.body.get("ratio", "1280:720"))
                task.restyled = await asyncio.to_thread(tinted_copy, task.source, ratio)
            return web.Response(body=task.restyled, content_type="video/mp4")
        seconds = int(task.body.get("duration", 5))
        return web.Response(body=sample_clip(seconds), content_type="video/mp4")


def _valid_image(image: str) -> bool:
    """A public HTTPS URL, or a data URI of an image within 5 MB, as Runway accepts them."""
    if image.startswith("https://"):
        return True
    return image.startswith("data:image/") and len(image) <= MAX_DATA_URI_CHARS


def _video_seconds(data: bytes) -> float | None:
    """How long a video is, or None when it is not one."""
    with tempfile.NamedTemporaryFile(suffix=".mp4") as file:
        file.write(data)
        file.flush()
        try:
            with av.open(file.name) as container:
                if not container.streams.video:
                    return None
                return (container.duration or 0) / av.time_base
        except av.FFmpegError:
            return None


def tinted_copy(source: bytes, ratio: str) -> bytes:
    """The source video at a quarter of the ratio's size, tinted red (the fake's "style")."""
    width, height = (int(side) // 4 // 2 * 2 for side in ratio.split(":"))
    with tempfile.TemporaryDirectory() as folder:
        given, made = Path(folder) / "in.mp4", Path(folder) / "out.mp4"
        given.write_bytes(source)
        subprocess.run(
            [
                imageio_ffmpeg.get_ffmpeg_exe(),
                "-hide_banner",
                "-loglevel",
                "error",
                "-i",
                str(given),
                "-an",
                "-vf",
                f"scale={width}:{height},setsar=1,{TINT},format=yuv420p",
                "-c:v",
                "libx264",
                "-preset",
                "ultrafast",
                "-movflags",
                "+faststart",
                str(made),
            ],
            check=True,
            capture_output=True,
        )
        return made.read_bytes()
