"""FootageReader: the studio's checks on the director's clips, with the ffmpeg we ship.

The decoding lives in `bot.media.footage_probe`; this edge runs it off the event loop and
turns its problems into the catalog keys the director reads.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from pathlib import Path

from bot.errors import InputRejected, ProviderError
from bot.media.footage_errors import FootageProblem
from bot.media.footage_probe import (
    FootageError,
    first_good_frame,
    frame_at,
    liveliness,
    probe_footage,
)
from bot.studio.ports import FootageFacts
from bot.studio.timing import clock

logger = logging.getLogger(__name__)

JPEG_QUALITY = 90
UNREADABLE_IN_RENDER = "footage.unreadable_scene"
# What each of the probe's problems is called in the catalogs.
PROBLEM_KEYS = {problem: f"error.footage_{problem.value}" for problem in FootageProblem}


class FileFootageReader:
    """Probes clips, scores their liveliness and takes stills, each in a thread."""

    def __init__(self, max_seconds: float, max_pixel_rate: int) -> None:
        self.max_seconds = max_seconds
        self.max_pixel_rate = max_pixel_rate

    async def inspect_footage(self, source: Path) -> FootageFacts:
        """Validate a clip (InputRejected names the problem) and read what it is."""
        try:
            facts = await asyncio.to_thread(
                probe_footage,
                source,
                max_seconds=self.max_seconds,
                max_pixel_rate=self.max_pixel_rate,
            )
        except FootageError as error:
            logger.info("Footage refused: %s", error.problem.value)
            key = PROBLEM_KEYS[error.problem]
            raise InputRejected(key, limit=clock(self.max_seconds)) from error
        return FootageFacts(
            width=facts.width,
            height=facts.height,
            duration=facts.duration,
            fps=facts.fps,
            rotation=facts.rotation,
            hdr=facts.hdr,
        )

    async def liveliness(self, source: Path, step: float) -> tuple[float, ...]:
        """How lively each `step` seconds of the clip are (motion and sharpness)."""
        return tuple(await asyncio.to_thread(functools.partial(liveliness, source, step=step)))

    async def still_at(self, source: Path, seconds: float, output: Path) -> None:
        """Write the upright frame `seconds` into the clip (its first good frame if that
        one cannot be decoded) as a JPEG; ProviderError when the clip gives none."""

        def write() -> None:
            try:
                image = frame_at(source, seconds)
            except FootageError:
                logger.warning("No frame at %.2f s of a clip; using its first good frame", seconds)
                fallback = first_good_frame(source)
                if fallback is None:
                    raise
                image = fallback
            image.convert("RGB").save(output, "JPEG", quality=JPEG_QUALITY)

        try:
            await asyncio.to_thread(write)
        except (FootageError, OSError) as error:
            raise ProviderError(UNREADABLE_IN_RENDER) from error
