"""Clips from Runway's image-to-video models through the official `runwayml` SDK.

A clip is one task (`runway_tasks.py` creates it, waits for it and downloads its video, and
maps the SDK's errors); this module prices it and turns the still into what Runway takes.
"""

from __future__ import annotations

import asyncio
import io
import logging
from pathlib import Path
from typing import Literal

import runwayml
from PIL import Image

from bot.errors import ProviderError
from bot.providers.runway_tasks import (
    SERVICE,
    USD_PER_CREDIT,
    RunwayAccess,
    RunwayTasks,
    data_uri,
    prompt_text,
)
from bot.studio.ports import ClipRequest, Usage

logger = logging.getLogger(__name__)

ClipModel = Literal["gen4_turbo"]
"""The SDK's image-to-video models that take our request and whose price we know."""
CREDITS_PER_SECOND: dict[str, int] = {"gen4_turbo": 5}
# An unknown model is priced as the dearest known one, so budgets err on the safe side.
FALLBACK_CREDITS_PER_SECOND = max(CREDITS_PER_SECOND.values())
Ratio = Literal["720:1280", "1280:720", "960:960"]
RATIOS: dict[str, Ratio] = {"9:16": "720:1280", "16:9": "1280:720", "1:1": "960:960"}
# Runway takes an image as a data URI of at most 5 MB (by URL up to 16 MB, but only public HTTPS).
MAX_DATA_URI_CHARS = 5 * 1000 * 1000
DATA_URI_TYPES = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}


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
        self._tasks = RunwayTasks(
            RunwayAccess(
                api_secret,
                base_url,
                poll_interval,
                timeout,
                attempts=attempts,
                retry_delay=retry_delay,
                request_timeout=request_timeout,
            )
        )
        self._model: ClipModel = model
        self.name = f"runway-{model}"

    def estimate_cost(self, request: ClipRequest) -> float:
        """The credits a clip of this length costs, in US$."""
        return clip_cost(self._model, clip_seconds(request.seconds))[1]

    async def make_clip(self, request: ClipRequest, output: Path) -> Usage:
        """Turn the still into an MP4 clip at `output`."""
        seconds = clip_seconds(request.seconds)
        image = await asyncio.to_thread(_prompt_image, request.image)

        async def create(client: runwayml.AsyncRunwayML) -> str:
            created = await client.image_to_video.create(
                model=self._model,
                prompt_image=image,
                prompt_text=prompt_text(request.prompt) or runwayml.omit,
                ratio=RATIOS.get(request.aspect, RATIOS["9:16"]),
                duration=seconds,
            )
            return created.id

        data = await self._tasks.run(create, "provider.clip_failed")
        await asyncio.to_thread(output.write_bytes, data)
        credits, cost = clip_cost(self._model, seconds)
        return Usage(provider="runway", kind="clip", units=credits, cost_usd=cost)


def _prompt_image(path: Path) -> str:
    """The still as a data URI within Runway's 5 MB: as it is when it fits, else a JPEG."""
    data = path.read_bytes()
    mime = next((m for magic, m in DATA_URI_TYPES.items() if data.startswith(magic)), None)
    if mime is None and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        mime = "image/webp"
    if mime is not None:
        uri = data_uri(mime, data)
        if len(uri) <= MAX_DATA_URI_CHARS:
            return uri
    try:
        return data_uri("image/jpeg", _shrunk_jpeg(data, MAX_DATA_URI_CHARS))
    except OSError as error:  # Pillow's UnidentifiedImageError is one
        logger.warning("The still for a Runway clip is not a readable image")
        raise ProviderError("provider.clip_failed", service=SERVICE) from error


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
