"""Small things the timeline app shows: scene thumbnails and the song's waveform peaks.

Both are slow enough (an image decode, a whole-song decode) to run in a thread; both are
cached by content hash, since a stored file never changes.
"""

from __future__ import annotations

import asyncio
import io
from collections import OrderedDict
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

from bot.media.audio import decode_mono

THUMBNAIL_HEIGHT = 240
PEAKS_SAMPLE_RATE = 8000
PEAKS_PER_SECOND = 40
MAX_PEAKS = 6000


def thumbnail_jpeg(source: Path, height: int = THUMBNAIL_HEIGHT) -> bytes:
    """A small upright JPEG of a picture, `height` pixels high."""
    with Image.open(source) as image:
        upright = ImageOps.exif_transpose(image).convert("RGB")
    width = max(1, round(upright.width * height / max(1, upright.height)))
    small = upright.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=2.0)
    output = io.BytesIO()
    small.save(output, "JPEG", quality=82, optimize=True)
    return output.getvalue()


def song_peaks(source: Path, duration: float) -> list[float]:
    """The loudest sample in each slice of the song (0..1), about PEAKS_PER_SECOND a second."""
    try:
        samples = np.abs(decode_mono(source, PEAKS_SAMPLE_RATE))
    except ValueError as error:
        raise ValueError("cannot decode the song for its waveform") from error
    count = max(1, min(MAX_PEAKS, round(duration * PEAKS_PER_SECOND)))
    if samples.size == 0:
        return [0.0] * count
    edges = np.linspace(0, samples.size, count + 1).astype(np.int64)
    peaks = np.maximum.reduceat(samples, np.minimum(edges[:-1], samples.size - 1))
    loudest = float(peaks.max()) or 1.0
    return [round(float(p) / loudest, 3) for p in peaks]


class PreviewCache:
    """Thumbnails and peaks made off the event loop, kept for the most recent few hundred."""

    def __init__(self, capacity: int = 512) -> None:
        self.capacity = capacity
        self._thumbnails: OrderedDict[str, bytes] = OrderedDict()
        self._peaks: OrderedDict[str, list[float]] = OrderedDict()

    async def thumbnail(self, source: Path) -> bytes:
        """The thumbnail of a stored picture (its file name is its hash)."""
        key = source.name
        if key not in self._thumbnails:
            self._thumbnails[key] = await asyncio.to_thread(thumbnail_jpeg, source)
        self._thumbnails.move_to_end(key)
        self._trim(self._thumbnails)
        return self._thumbnails[key]

    async def peaks(self, source: Path, duration: float) -> list[float]:
        """The waveform peaks of a stored song."""
        key = source.name
        if key not in self._peaks:
            self._peaks[key] = await asyncio.to_thread(song_peaks, source, duration)
        self._peaks.move_to_end(key)
        self._trim(self._peaks)
        return self._peaks[key]

    def _trim(self, cache: OrderedDict[str, bytes] | OrderedDict[str, list[float]]) -> None:
        while len(cache) > self.capacity:
            cache.popitem(last=False)
