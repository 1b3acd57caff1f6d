"""Clips from Runway's image-to-video models through the official `runwayml` SDK.

A clip is one task: create it, wait for it, download its video. The SDK's `AsyncRunwayML`
sends the requests (auth and `X-Runway-Version` headers, retries of 408/409/429/5xx and lost
connections with backoff, honouring `Retry-After`); its exceptions become what the director
hears:

    AuthenticationError (401)                       provider.bad_key
    PermissionDeniedError (403)                     provider.forbidden
    RateLimitError (429 once the retries are spent) provider.rate_limited
    APITimeoutError                                 provider.timeout
    any other APIError (5xx, 4xx, no connection)    provider.failed
    task FAILED with a SAFETY.* failure code        provider.refused
    task FAILED otherwise, or CANCELLED             provider.clip_failed
    no output, or a download that is not an MP4     provider.clip_failed
    no clip within `timeout`                        provider.timeout (the task is cancelled)
"""

from __future__ import annotations

import asyncio
import base64
import io
import logging
from pathlib import Path
from typing import Literal

import aiohttp
import runwayml
from PIL import Image
from runwayml.types import TaskRetrieveResponse

from bot.errors import ProviderError
from bot.studio.ports import ClipRequest, Usage

logger = logging.getLogger(__name__)

SERVICE = "Runway"
ClipModel = Literal["gen4_turbo"]
"""The SDK's image-to-video models that take our request and whose price we know."""
CREDITS_PER_SECOND: dict[str, int] = {"gen4_turbo": 5}
# An unknown model is priced as the dearest known one, so budgets err on the safe side.
FALLBACK_CREDITS_PER_SECOND = max(CREDITS_PER_SECOND.values())
USD_PER_CREDIT = 0.01
Ratio = Literal["720:1280", "1280:720", "960:960"]
RATIOS: dict[str, Ratio] = {"9:16": "720:1280", "16:9": "1280:720", "1:1": "960:960"}
# Runway takes an image as a data URI of at most 5 MB (by URL up to 16 MB, but only public HTTPS).
MAX_DATA_URI_CHARS = 5 * 1000 * 1000
MAX_PROMPT_UTF16_UNITS = 1000
DATA_URI_TYPES = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}
DOWNLOAD_RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
MAX_CLIP_BYTES = 200 * 1024 * 1024


def clip_seconds(scene_seconds: float) -> int:
    """The clip length Runway offers (5 or 10 s) that covers the scene."""
    return 5 if scene_seconds <= 5 else 10


def clip_cost(model: str, seconds: int) -> tuple[float, float]:
    """Credits and US$ for a clip of `seconds` made with `model`."""
    credits = float(CREDITS_PER_SECOND.get(model, FALLBACK_CREDITS_PER_SECOND) * seconds)
    return credits, credits * USD_PER_CREDIT


class RunwayClipMaker:
    """Brings stills to life with Runway's image-to-video models."""

    def __init__(
        self,
        api_secret: str,
        base_url: str = "https://api.dev.runwayml.com",
        model: ClipModel = "gen4_turbo",
        poll_interval: float = 5.0,
        timeout: float = 600.0,
        *,
        attempts: int = 4,
        retry_delay: float = 2.0,
        request_timeout: float = 60.0,
    ) -> None:
        self._api_secret = api_secret
        self._base_url = base_url.rstrip("/")
        self._model: ClipModel = model
        self._poll_interval = poll_interval
        self._timeout = timeout
        # Every request gets `attempts` tries: the SDK's retries for API calls, ours for the
        # download (`retry_delay` is the download's first backoff; the SDK has its own).
        self._attempts = max(1, attempts)
        self._retry_delay = retry_delay
        self._request_timeout = request_timeout
        self.name = f"runway-{model}"

    def estimate_cost(self, request: ClipRequest) -> float:
        """The credits a clip of this length costs, in US$."""
        return clip_cost(self._model, clip_seconds(request.seconds))[1]

    async def make_clip(self, request: ClipRequest, output: Path) -> Usage:
        """Turn the still into an MP4 clip at `output`."""
        seconds = clip_seconds(request.seconds)
        image = await asyncio.to_thread(_prompt_image, request.image)
        task_id: str | None = None
        # One client per clip: its connection pool belongs to the event loop that uses it.
        async with self._client() as client:
            try:
                async with asyncio.timeout(self._timeout):
                    try:
                        created = await client.image_to_video.create(
                            model=self._model,
                            prompt_image=image,
                            prompt_text=_prompt_text(request.prompt) or runwayml.omit,
                            ratio=RATIOS.get(request.aspect, RATIOS["9:16"]),
                            duration=seconds,
                        )
                        task_id = created.id
                        video_url = await self._wait(client, task_id)
                    except runwayml.APIError as error:
                        raise _provider_error(error) from error
                    data = await self._download(video_url)
            except TimeoutError as error:
                logger.warning("Runway task %s took longer than %.0f s", task_id, self._timeout)
                await _cancel(client, task_id)
                raise ProviderError("provider.timeout", service=SERVICE) from error
            except asyncio.CancelledError:
                await _cancel(client, task_id)
                raise
        await asyncio.to_thread(output.write_bytes, data)
        credits, cost = clip_cost(self._model, seconds)
        return Usage(provider="runway", kind="clip", units=credits, cost_usd=cost)

    def _client(self) -> runwayml.AsyncRunwayML:
        return runwayml.AsyncRunwayML(
            api_key=self._api_secret,
            base_url=self._base_url,
            max_retries=self._attempts - 1,
            timeout=self._request_timeout,
        )

    async def _wait(self, client: runwayml.AsyncRunwayML, task_id: str) -> str:
        """The output URL once the task succeeds; FAILED and CANCELLED end it, as in the SDK.

        The SDK's own `wait_for_task_output` sleeps a fixed 6 +- 1.5 s before every poll and
        takes no interval; ours is a setting (`RUNWAY_POLL_INTERVAL`), so this loop polls
        `tasks.retrieve` itself with the same terminal states (the async client's rule: FAILED
        and CANCELLED raise). The overall time-out is `make_clip`'s.
        """
        while True:
            task: TaskRetrieveResponse = await client.tasks.retrieve(task_id)
            if task.status == "SUCCEEDED":
                if not task.output:
                    raise ProviderError("provider.clip_failed", service=SERVICE)
                return task.output[0]
            if task.status == "FAILED":
                # By its JSON name: the SDK parses a task lacking a field its type requires
                # (`cost`, say) as a Pending whatever its status, and a Pending has no
                # `failure_code` attribute.
                details = task.to_dict()
                code = str(details.get("failureCode") or "")
                failure = details.get("failure")
                logger.warning("Runway task %s FAILED (%s): %s", task_id, code, failure)
                refused = code.startswith("SAFETY")
                raise ProviderError(
                    "provider.refused" if refused else "provider.clip_failed", service=SERVICE
                )
            if task.status == "CANCELLED":
                logger.warning("Runway task %s was cancelled", task_id)
                raise ProviderError("provider.clip_failed", service=SERVICE)
            await asyncio.sleep(self._poll_interval)

    async def _download(self, url: str) -> bytes:
        # The output URL is pre-signed: it must not get our Authorization header, so it is
        # fetched apart from the SDK's client.
        timeout = aiohttp.ClientTimeout(total=self._request_timeout)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            for attempt in range(1, self._attempts + 1):
                try:
                    async with session.get(url) as response:
                        if response.status < 400:
                            data = await _read_capped(response, MAX_CLIP_BYTES)
                            if data is None or data[4:8] != b"ftyp":
                                raise ProviderError("provider.clip_failed", service=SERVICE)
                            return data
                        logger.warning("Runway clip download answered %s", response.status)
                        if response.status not in DOWNLOAD_RETRY_STATUSES:
                            break
                except (aiohttp.ClientError, TimeoutError) as error:
                    logger.info("Runway clip download failed (%s)", type(error).__name__)
                if attempt < self._attempts:
                    await asyncio.sleep(self._retry_delay * 2 ** (attempt - 1))
        raise ProviderError("provider.clip_failed", service=SERVICE)


async def _cancel(client: runwayml.AsyncRunwayML, task_id: str | None) -> None:
    """Best effort: stop a task we no longer wait for, so it stops costing credits."""
    if task_id is None:
        return
    try:
        async with asyncio.timeout(10):
            await client.tasks.delete(task_id, timeout=10.0)
    except (runwayml.APIError, TimeoutError):
        logger.info("Could not cancel Runway task %s", task_id)


def _provider_error(error: runwayml.APIError) -> ProviderError:
    """The catalog key for what the SDK raised (after its own retries)."""
    if isinstance(error, runwayml.APITimeoutError):
        key = "provider.timeout"
    elif isinstance(error, runwayml.AuthenticationError):
        key = "provider.bad_key"
    elif isinstance(error, runwayml.PermissionDeniedError):
        key = "provider.forbidden"
    elif isinstance(error, runwayml.RateLimitError):
        key = "provider.rate_limited"
    else:
        key = "provider.failed"
    status = error.status_code if isinstance(error, runwayml.APIStatusError) else None
    logger.warning("Runway call failed (%s, status %s)", type(error).__name__, status)
    return ProviderError(key, service=SERVICE)


def _prompt_text(prompt: str) -> str:
    """The prompt cut to Runway's 1000 UTF-16 code units (an emoji counts two)."""
    units = prompt.encode("utf-16-le")
    if len(units) <= 2 * MAX_PROMPT_UTF16_UNITS:
        return prompt
    # A pair of surrogates cut in two loses its first half rather than break the text.
    return units[: 2 * MAX_PROMPT_UTF16_UNITS].decode("utf-16-le", errors="ignore")


def _prompt_image(path: Path) -> str:
    """The still as a data URI within Runway's 5 MB: as it is when it fits, else a JPEG."""
    data = path.read_bytes()
    mime = next((m for magic, m in DATA_URI_TYPES.items() if data.startswith(magic)), None)
    if mime is None and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        mime = "image/webp"
    if mime is not None:
        uri = _data_uri(mime, data)
        if len(uri) <= MAX_DATA_URI_CHARS:
            return uri
    try:
        return _data_uri("image/jpeg", _shrunk_jpeg(data, MAX_DATA_URI_CHARS))
    except OSError as error:  # Pillow's UnidentifiedImageError is one
        logger.warning("The still for a Runway clip is not a readable image")
        raise ProviderError("provider.clip_failed", service=SERVICE) from error


def _data_uri(mime: str, data: bytes) -> str:
    return f"data:{mime};base64," + base64.b64encode(data).decode("ascii")


def _shrunk_jpeg(data: bytes, max_uri_chars: int) -> bytes:
    """A JPEG of the image whose data URI fits `max_uri_chars`, scaled down if need be."""
    limit = (max_uri_chars - len("data:image/jpeg;base64,")) // 4 * 3
    with Image.open(io.BytesIO(data)) as opened:
        image = opened.convert("RGB")
    # Runway renders at most 1280 px a side: a still above 2048 px only costs bytes.
    image.thumbnail((2048, 2048))
    while True:
        for quality in (90, 80, 70):
            buffer = io.BytesIO()
            image.save(buffer, "JPEG", quality=quality)
            if buffer.tell() <= limit:
                return buffer.getvalue()
        image = image.resize((max(1, image.width * 3 // 4), max(1, image.height * 3 // 4)))


async def _read_capped(response: aiohttp.ClientResponse, limit: int) -> bytes | None:
    """The whole body, or None once it grows past `limit` (a read returns only what arrived)."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.content.iter_chunked(1024 * 1024):
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)
