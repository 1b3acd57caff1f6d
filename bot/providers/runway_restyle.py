"""Restyled footage from Runway's video-to-video model through the official `runwayml` SDK.

A restyle is one task (`runway_tasks.py` runs it and maps the SDK's errors). Before it, the
scene's stretch of the director's clip is cut out and re-encoded with the ffmpeg we ship into
what the model takes: 2 to 30 s, H.264 at 30 fps with its short side at 720 px, rotation
applied, no sound (the stretch's own sound is put back under the answer). That input goes as
a data URI when it fits 5 MB (the SDK's limit for a data URI; Runway's page allows 16 MB for
video, the smaller is safe for both), else through the SDK's ephemeral upload (up to 200 MB);
anything larger is refused before a credit is spent.

    ffmpeg cannot read the stretch                  provider.restyle_failed
    the input is larger than an upload may be       provider.restyle_too_large
    task FAILED with a SAFETY.* failure code        provider.refused
    task FAILED, CANCELLED or a bad download        provider.restyle_failed
    (the rest as in runway_tasks.py)
"""

from __future__ import annotations

import asyncio
import logging
import math
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Literal

import runwayml

from bot.errors import ProviderError
from bot.media.footage_cut import cut_stretch, with_sound_of
from bot.providers.prompts import PromptTemplates
from bot.providers.runway_clips import RATIOS
from bot.providers.runway_tasks import (
    SERVICE,
    USD_PER_CREDIT,
    RunwayAccess,
    RunwayTasks,
    data_uri,
    prompt_text,
)
from bot.studio.ports import RestyleRequest, Usage
from bot.studio.styles import StylePreset

logger = logging.getLogger(__name__)

RestyleModel = Literal["aleph2"]
"""The SDK's video-to-video models that take `videoUri` + `promptText` + `ratio`."""
# Runway's price for Aleph: 15 credits a second of input (the output is as long as the input).
CREDITS_PER_SECOND: dict[str, int] = {"aleph2": 15}
FALLBACK_CREDITS_PER_SECOND = max(CREDITS_PER_SECOND.values())
MIN_SECONDS = 2.0
MAX_SECONDS = 30.0
MAX_DATA_URI_CHARS = 5 * 1000 * 1000
MAX_UPLOAD_BYTES = 200 * 1000 * 1000
INPUT_FPS = 30
INPUT_SHORT_SIDE = 720
FAILED = "provider.restyle_failed"


def billed_seconds(seconds: float) -> int:
    """The whole seconds of input Runway bills for a stretch (at least its minimum)."""
    return math.ceil(min(max(seconds, MIN_SECONDS), MAX_SECONDS) - 1e-6)


def restyle_cost(model: str, seconds: float) -> tuple[float, float]:
    """Credits and US$ for restyling `seconds` of footage with `model`."""
    rate = CREDITS_PER_SECOND.get(model, FALLBACK_CREDITS_PER_SECOND)
    credits = float(rate * billed_seconds(seconds))
    return credits, credits * USD_PER_CREDIT


class RunwayFootageRestyler:
    """Restyles the director's footage to the project's look with Runway video-to-video."""

    min_seconds = MIN_SECONDS
    max_seconds = MAX_SECONDS

    def __init__(
        self,
        access: RunwayAccess,
        templates: PromptTemplates,
        model: RestyleModel = "aleph2",
        *,
        inline_limit: int = MAX_DATA_URI_CHARS,
    ) -> None:
        self._tasks = RunwayTasks(access)
        # Inputs whose data URI would be longer than this go through an upload instead.
        self._inline_limit = inline_limit
        self._templates = templates
        self._model: RestyleModel = model
        self.name = f"runway-{model}"

    def prompt(self, style: StylePreset) -> str:
        """What the model is asked for a project of this style."""
        text = self._templates.render("restyle", style_prompt=style.prompt).strip()
        return prompt_text(text)

    def estimate_cost(self, seconds: float) -> float:
        """US$ a restyle of `seconds` of footage costs."""
        return restyle_cost(self._model, seconds)[1]

    async def restyle(self, request: RestyleRequest, output: Path) -> Usage:
        """Write the restyled stretch of the footage as an MP4 at `output`."""
        seconds = min(max(request.seconds, MIN_SECONDS), MAX_SECONDS)
        with tempfile.TemporaryDirectory(prefix="restyle-") as folder:
            stretch = Path(folder) / "stretch.mp4"
            await _media(
                "cut the footage stretch to restyle",
                cut_stretch,
                request.footage,
                request.start,
                seconds,
                INPUT_SHORT_SIDE,
                INPUT_FPS,
                stretch,
            )
            size = stretch.stat().st_size
            if size > MAX_UPLOAD_BYTES:
                logger.warning("A footage stretch of %d bytes is too large to restyle", size)
                raise ProviderError("provider.restyle_too_large", service=SERVICE)
            inline = await asyncio.to_thread(_inline_video, stretch, size, self._inline_limit)

            async def create(client: runwayml.AsyncRunwayML) -> str:
                video_uri = inline
                if video_uri is None:
                    uploaded = await client.uploads.create_ephemeral(file=stretch)
                    video_uri = uploaded.uri
                created = await client.video_to_video.create(
                    model=self._model,
                    video_uri=video_uri,
                    prompt_text=prompt_text(request.prompt),
                    ratio=RATIOS.get(request.aspect, RATIOS["9:16"]),
                )
                return created.id

            data = await self._tasks.run(create, FAILED)
            answer = Path(folder) / "restyled.mp4"
            await asyncio.to_thread(answer.write_bytes, data)
            # The model answers with pictures only: the stretch's own sound goes back in, for
            # a project that mixes the clips' sound under the song.
            await _media(
                "put the footage's sound under its restyle",
                with_sound_of,
                answer,
                request.footage,
                request.start,
                seconds,
                output,
            )
        credits, cost = restyle_cost(self._model, seconds)
        return Usage(provider="runway", kind="restyle", units=credits, cost_usd=cost)


def _inline_video(path: Path, size: int, limit: int) -> str | None:
    """The video as a data URI when that fits `limit` characters, else None (to upload)."""
    if len(data_uri("video/mp4", b"")) + 4 * math.ceil(size / 3) > limit:
        return None
    return data_uri("video/mp4", path.read_bytes())


async def _media(what: str, step: Callable[..., None], *arguments: object) -> None:
    """Run an ffmpeg step in a thread; its failure is the restyle's."""
    try:
        await asyncio.to_thread(step, *arguments)
    except (OSError, ValueError) as error:
        logger.warning("ffmpeg could not %s (%s)", what, type(error).__name__)
        raise ProviderError(FAILED, service=SERVICE) from error
