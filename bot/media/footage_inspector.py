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
from bot.media.footage_probe import FootageError, first_good_frame, frame_at, liveliness
from bot.media.footage_probe import probe_footage as probe_footage
from bot.studio.ports import FootageFacts
from bot.studio.timing import clock

logger = logging.getLogger(__name__)

JPEG_QUALITY = 90
UNREADABLE_IN_RENDER = "footage.unreadable_scene"
# What each of the probe's problems is called in the catalogs.
PROBLEM_KEYS = {
    "NO_VIDEO": "error.footage_no_video",
    "UNREADABLE": "error.footage_unreadable",
    "TRUNCATED": "error.footage_truncated",
    "ONE_FRAME": "error.footage_one_frame",
    "TOO_DEMANDING": "error.footage_too_demanding",
    "TOO_LONG": "error.footage_too_long",
}


def _problem_name(error: FootageError) -> str:
    problem = error.problem
    return str(getattr(problem, "name", problem)).upper()


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
            name = _problem_name(error)
            logger.info("Footage refused: %s", name)
            key = PROBLEM_KEYS.get(name, "error.footage_unreadable")
            raise InputRejected(key, limit=clock(self.max_seconds)) from error
        return FootageFacts(
            width=int(facts.width),
            height=int(facts.height),
            duration=float(facts.duration),
            fps=float(facts.fps),
            rotation=int(getattr(facts, "rotation", 0) or 0),
            hdr=bool(getattr(facts, "hdr", False)),
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
