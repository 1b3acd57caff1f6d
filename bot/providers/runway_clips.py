"""Clips from Runway's image-to-video REST API: create a task, poll it, download the video."""

from __future__ import annotations

import asyncio
import base64
import logging
from pathlib import Path
from typing import Any

import aiohttp

from bot.errors import ProviderError
from bot.studio.ports import ClipRequest, Usage

logger = logging.getLogger(__name__)

SERVICE = "Runway"
API_VERSION = "2024-11-06"
CREDITS_PER_SECOND = {"gen4_turbo": 5, "gen3a_turbo": 5}
# An unknown model is priced as the dearest known one, so budgets err on the safe side.
FALLBACK_CREDITS_PER_SECOND = max(CREDITS_PER_SECOND.values())
USD_PER_CREDIT = 0.01
RATIOS = {"9:16": "720:1280", "16:9": "1280:720", "1:1": "960:960"}
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
MAX_RETRY_AFTER = 60.0
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
        model: str = "gen4_turbo",
        poll_interval: float = 5.0,
        timeout: float = 600.0,
        *,
        attempts: int = 4,
        retry_delay: float = 2.0,
        request_timeout: float = 60.0,
    ) -> None:
        self._headers = {"Authorization": f"Bearer {api_secret}", "X-Runway-Version": API_VERSION}
        self._base_url = base_url.rstrip("/")
        self._model = model
        self._poll_interval = poll_interval
        self._timeout = timeout
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
        image = await asyncio.to_thread(request.image.read_bytes)
        body = {
            "model": self._model,
            "promptImage": "data:image/jpeg;base64," + base64.b64encode(image).decode("ascii"),
            "promptText": request.prompt[:1000],
            "ratio": RATIOS.get(request.aspect, RATIOS["9:16"]),
            "duration": seconds,
        }
        task_id: str | None = None
        session_timeout = aiohttp.ClientTimeout(total=self._request_timeout)
        async with aiohttp.ClientSession(timeout=session_timeout) as session:
            try:
                async with asyncio.timeout(self._timeout):
                    task = await self._call(session, "POST", "/v1/image_to_video", body)
                    task_id = str(task["id"])
                    video_url = await self._wait(session, task_id)
                    data = await self._download(session, video_url)
            except TimeoutError as error:
                logger.warning("Runway task %s took longer than %.0f s", task_id, self._timeout)
                await self._cancel(session, task_id)
                raise ProviderError("provider.timeout", service=SERVICE) from error
            except asyncio.CancelledError:
                await self._cancel(session, task_id)
                raise
        await asyncio.to_thread(output.write_bytes, data)
        credits, cost = clip_cost(self._model, seconds)
        return Usage(provider="runway", kind="clip", units=credits, cost_usd=cost)

    async def _wait(self, session: aiohttp.ClientSession, task_id: str) -> str:
        while True:
            task = await self._call(session, "GET", f"/v1/tasks/{task_id}")
            status = task.get("status")
            if status == "SUCCEEDED":
                outputs = task.get("output") or []
                if not outputs:
                    raise ProviderError("provider.clip_failed", service=SERVICE)
                return str(outputs[0])
            if status in ("FAILED", "CANCELLED"):
                code = str(task.get("failureCode") or "")
                logger.warning(
                    "Runway task %s %s (%s): %s", task_id, status, code, task.get("failure")
                )
                refused = code.startswith("SAFETY")
                raise ProviderError(
                    "provider.refused" if refused else "provider.clip_failed", service=SERVICE
                )
            await asyncio.sleep(self._poll_interval)

    async def _call(
        self,
        session: aiohttp.ClientSession,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """One API request, retried with backoff on 429/5xx and network errors."""
        for attempt in range(1, self._attempts + 1):
            last = attempt == self._attempts
            delay = self._retry_delay * 2 ** (attempt - 1)
            try:
                async with session.request(
                    method, self._base_url + path, json=body, headers=self._headers
                ) as response:
                    if response.status in RETRY_STATUSES and not last:
                        delay = _retry_after(response.headers.get("Retry-After"), delay)
                        logger.info(
                            "Runway answered %s; retrying in %.1f s", response.status, delay
                        )
                    elif response.status >= 400:
                        logger.warning("Runway %s %s answered %s", method, path, response.status)
                        raise ProviderError(_status_key(response.status), service=SERVICE)
                    else:
                        answer = await response.json()
                        if not isinstance(answer, dict):
                            raise ProviderError("provider.failed", service=SERVICE)
                        return answer
            except (aiohttp.ClientError, TimeoutError, ValueError) as error:
                # ValueError: a body that is not JSON, like a proxy's error page.
                if last:
                    timed_out = isinstance(error, TimeoutError)
                    raise ProviderError(
                        "provider.timeout" if timed_out else "provider.failed", service=SERVICE
                    ) from error
                logger.info("Runway request failed (%s); retrying", type(error).__name__)
            await asyncio.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _download(self, session: aiohttp.ClientSession, url: str) -> bytes:
        # The output URL is pre-signed: it must not get our Authorization header.
        for attempt in range(1, self._attempts + 1):
            try:
                async with session.get(url) as response:
                    if response.status < 400:
                        data = await _read_capped(response, MAX_CLIP_BYTES)
                        if data is None or data[4:8] != b"ftyp":
                            raise ProviderError("provider.clip_failed", service=SERVICE)
                        return data
                    logger.warning("Runway clip download answered %s", response.status)
                    if response.status not in RETRY_STATUSES:
                        break
            except (aiohttp.ClientError, TimeoutError) as error:
                logger.info("Runway clip download failed (%s)", type(error).__name__)
            if attempt < self._attempts:
                await asyncio.sleep(self._retry_delay * 2 ** (attempt - 1))
        raise ProviderError("provider.clip_failed", service=SERVICE)

    async def _cancel(self, session: aiohttp.ClientSession, task_id: str | None) -> None:
        """Best effort: stop a task we no longer wait for, so it stops costing credits."""
        if task_id is None:
            return
        try:
            async with asyncio.timeout(10):
                async with session.delete(
                    f"{self._base_url}/v1/tasks/{task_id}", headers=self._headers
                ):
                    pass
        except (aiohttp.ClientError, TimeoutError):
            logger.info("Could not cancel Runway task %s", task_id)


def _status_key(status: int) -> str:
    if status == 401:
        return "provider.bad_key"
    if status == 403:
        return "provider.forbidden"
    if status == 429:
        return "provider.rate_limited"
    return "provider.failed"


def _retry_after(header: str | None, default: float) -> float:
    try:
        seconds = float(header) if header is not None else default
    except ValueError:
        return default
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


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
