"""One Runway task through the official `runwayml` SDK: create it, wait for it, download it.

Clips (image-to-video, `runway_clips.py`) and restyles (video-to-video, `runway_restyle.py`)
share this: the client's construction, the polling, the time-out and cancel, the download of
the output and what the SDK's exceptions become for the director. The SDK's `AsyncRunwayML`
sends the requests (auth and `X-Runway-Version` headers, retries of 408/409/429/5xx and lost
connections with backoff, honouring `Retry-After`):

    AuthenticationError (401)                       provider.bad_key
    PermissionDeniedError (403)                     provider.forbidden
    RateLimitError (429 once the retries are spent) provider.rate_limited
    APITimeoutError                                 provider.timeout
    any other APIError (5xx, 4xx, no connection)    provider.failed
    task FAILED with a SAFETY.* failure code        provider.refused
    task FAILED otherwise, or CANCELLED             the task's failure key
    no output, or a download that is not an MP4     the task's failure key
    no output within `timeout`                      provider.timeout (the task is cancelled)
"""

from __future__ import annotations

import asyncio
import base64
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import aiohttp
import runwayml
from runwayml.types import TaskRetrieveResponse

from bot.errors import ProviderError

logger = logging.getLogger(__name__)

SERVICE = "Runway"
USD_PER_CREDIT = 0.01
DOWNLOAD_RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
MAX_OUTPUT_BYTES = 200 * 1024 * 1024
MAX_PROMPT_UTF16_UNITS = 1000

CreateTask = Callable[[runwayml.AsyncRunwayML], Awaitable[str]]
"""Starts a task with the client and returns its id."""


@dataclass(frozen=True)
class RunwayAccess:
    """How to reach Runway and how patiently: one value both makers share."""

    api_secret: str
    base_url: str = "https://api.dev.runwayml.com"
    poll_interval: float = 5.0
    timeout: float = 600.0
    # Every request gets `attempts` tries: the SDK's retries for API calls, ours for the
    # download (`retry_delay` is the download's first backoff; the SDK has its own).
    attempts: int = 4
    retry_delay: float = 2.0
    request_timeout: float = 60.0


class RunwayTasks:
    """Runs one task at a time to its MP4 output, mapping every failure to a ProviderError."""

    def __init__(self, access: RunwayAccess) -> None:
        self._access = access
        self._attempts = max(1, access.attempts)

    async def run(self, create: CreateTask, failure_key: str) -> bytes:
        """The MP4 bytes of the task `create` starts; `failure_key` when the task fails."""
        task_id: str | None = None
        # One client per task: its connection pool belongs to the event loop that uses it.
        async with self._client() as client:
            try:
                async with asyncio.timeout(self._access.timeout):
                    try:
                        task_id = await create(client)
                        video_url = await self._wait(client, task_id, failure_key)
                    except runwayml.APIError as error:
                        raise _provider_error(error) from error
                    return await self._download(video_url, failure_key)
            except TimeoutError as error:
                logger.warning(
                    "Runway task %s took longer than %.0f s", task_id, self._access.timeout
                )
                await _cancel(client, task_id)
                raise ProviderError("provider.timeout", service=SERVICE) from error
            except asyncio.CancelledError:
                await _cancel(client, task_id)
                raise

    def _client(self) -> runwayml.AsyncRunwayML:
        return runwayml.AsyncRunwayML(
            api_key=self._access.api_secret,
            base_url=self._access.base_url.rstrip("/"),
            max_retries=self._attempts - 1,
            timeout=self._access.request_timeout,
        )

    async def _wait(self, client: runwayml.AsyncRunwayML, task_id: str, failure_key: str) -> str:
        """The output URL once the task succeeds; FAILED and CANCELLED end it, as in the SDK.

        The SDK's own `wait_for_task_output` sleeps a fixed 6 +- 1.5 s before every poll and
        takes no interval; ours is a setting (`RUNWAY_POLL_INTERVAL`), so this loop polls
        `tasks.retrieve` itself with the same terminal states (the async client's rule: FAILED
        and CANCELLED raise). The overall time-out is `run`'s.
        """
        while True:
            task: TaskRetrieveResponse = await client.tasks.retrieve(task_id)
            if task.status == "SUCCEEDED":
                if not task.output:
                    raise ProviderError(failure_key, service=SERVICE)
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
                raise ProviderError("provider.refused" if refused else failure_key, service=SERVICE)
            if task.status == "CANCELLED":
                logger.warning("Runway task %s was cancelled", task_id)
                raise ProviderError(failure_key, service=SERVICE)
            await asyncio.sleep(self._access.poll_interval)

    async def _download(self, url: str, failure_key: str) -> bytes:
        # The output URL is pre-signed: it must not get our Authorization header, so it is
        # fetched apart from the SDK's client.
        timeout = aiohttp.ClientTimeout(total=self._access.request_timeout)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            for attempt in range(1, self._attempts + 1):
                try:
                    async with session.get(url) as response:
                        if response.status < 400:
                            data = await _read_capped(response, MAX_OUTPUT_BYTES)
                            if data is None or data[4:8] != b"ftyp":
                                raise ProviderError(failure_key, service=SERVICE)
                            return data
                        logger.warning("Runway output download answered %s", response.status)
                        if response.status not in DOWNLOAD_RETRY_STATUSES:
                            break
                except (aiohttp.ClientError, TimeoutError) as error:
                    logger.info("Runway output download failed (%s)", type(error).__name__)
                if attempt < self._attempts:
                    await asyncio.sleep(self._access.retry_delay * 2 ** (attempt - 1))
        raise ProviderError(failure_key, service=SERVICE)


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


def prompt_text(prompt: str) -> str:
    """The prompt cut to Runway's 1000 UTF-16 code units (an emoji counts two)."""
    units = prompt.encode("utf-16-le")
    if len(units) <= 2 * MAX_PROMPT_UTF16_UNITS:
        return prompt
    # A pair of surrogates cut in two loses its first half rather than break the text.
    return units[: 2 * MAX_PROMPT_UTF16_UNITS].decode("utf-16-le", errors="ignore")


def data_uri(mime: str, data: bytes) -> str:
    """`data` as a base64 data URI of type `mime`."""
    return f"data:{mime};base64," + base64.b64encode(data).decode("ascii")


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
