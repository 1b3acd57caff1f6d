"""MediaInspector: the studio's checks on uploads, done with Pillow and ffmpeg."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from pathlib import Path

from bot.media.audio import inspect_song
from bot.media.beats import analyse_song
from bot.media.photos import normalise_photo_async
from bot.studio.ports import AudioFacts, ImageFacts

logger = logging.getLogger(__name__)


class FileInspector:
    """Checks photos and songs on disk, off the event loop."""

    def __init__(self, max_pixels: int, max_side: int, max_song_seconds: float) -> None:
        self.max_pixels = max_pixels
        self.max_side = max_side
        self.max_song_seconds = max_song_seconds

    async def normalise_photo(self, source: Path, output: Path) -> ImageFacts:
        """Validate and normalise an image."""
        return await normalise_photo_async(source, output, self.max_pixels, self.max_side)

    async def inspect_song(self, source: Path) -> AudioFacts:
        """Validate a song, read its duration, and find its tempo, beats and sections."""
        facts = await inspect_song(source)
        if facts.duration > self.max_song_seconds:
            # The caller refuses it; decoding hours of audio for beats would cost gigabytes.
            return facts
        try:
            analysis = await asyncio.to_thread(analyse_song, source)
        except (OSError, ValueError, RuntimeError):
            # A song we cannot analyse still plays; scenes then split it evenly.
            logger.warning("Beat analysis failed", exc_info=True)
            return facts
        return replace(
            facts,
            tempo_bpm=analysis.tempo_bpm,
            beats=tuple(analysis.beats),
            downbeat=analysis.downbeat,
            sections=analysis.sections,
        )
