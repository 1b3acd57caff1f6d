"""A song's audio for its lyrics: a small mono copy to upload, and where the singing starts.

The transcription API takes files up to 25 MB; a song as sent (a WAV, a FLAC, a 320 kbit/s
MP3) is often bigger. Speech needs little: 16 kHz mono MP3 at 32 kbit/s is 14 MB an hour.
"""

from __future__ import annotations

import asyncio
import logging
import subprocess
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from bot.errors import ProviderError
from bot.media.audio import decode_mono
from bot.media.encoder import ffmpeg_exe

logger = logging.getLogger(__name__)

UPLOAD_LIMIT_BYTES = 25 * 1024 * 1024
SPEECH_RATE = 16_000
SPEECH_KBPS = 32
ENCODE_TIMEOUT = 300.0
# The band where a voice carries its words (and where kick drums and cymbals mostly do not).
VOICE_BAND_HZ = (300.0, 3400.0)
FRAME = 1024
HOP = 512
ONSET_SHARE = 0.35  # of the song's loud level (its 90th percentile) in the voice band
ONSET_HOLD_SECONDS = 0.3
# Singing starts within the first minutes; reading only those keeps a 15-minute song's
# analysis to a few tens of MB.
ONSET_SEARCH_SECONDS = 180


async def speech_copy(song: Path, target: Path) -> Path:
    """The song as small mono MP3 for the transcription API; ProviderError if it cannot fit."""
    command = [
        ffmpeg_exe(),
        "-nostdin",
        "-v",
        "error",
        "-y",
        "-i",
        str(song),
        "-map",
        "0:a:0",
        "-ac",
        "1",
        "-ar",
        str(SPEECH_RATE),
        "-c:a",
        "libmp3lame",
        "-b:a",
        f"{SPEECH_KBPS}k",
        str(target),
    ]
    process = await asyncio.create_subprocess_exec(
        *command, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE
    )
    try:
        _, stderr = await asyncio.wait_for(process.communicate(), ENCODE_TIMEOUT)
    except TimeoutError as error:
        process.kill()
        await process.wait()
        raise ProviderError("provider.failed", service="ffmpeg") from error
    if process.returncode != 0 or not target.exists():
        logger.warning("Could not re-encode a song for transcription: %s", stderr[-300:])
        raise ProviderError("provider.failed", service="ffmpeg")
    if target.stat().st_size > UPLOAD_LIMIT_BYTES:
        logger.warning("Song too long to transcribe (%d bytes as speech)", target.stat().st_size)
        raise ProviderError("provider.failed", service="OpenAI")
    return target


class EnergyVocalOnsets:
    """Finds the first sustained rise of energy in the voice band (implements VocalOnsets).

    Songs are stored by hash, so a path names one song for good: each is analysed once.
    """

    def __init__(self) -> None:
        self._found: dict[Path, float] = {}

    async def first_vocal_onset(self, song: Path) -> float:
        """Seconds to the first vocal-like onset (0 when the song cannot be read)."""
        if song in self._found:
            return self._found[song]
        try:
            samples = await asyncio.to_thread(_decode, song)
        except (OSError, subprocess.SubprocessError, ValueError):
            logger.warning("Could not decode the song to find where the singing starts")
            return 0.0
        onset = await asyncio.to_thread(first_voice_band_onset, samples, SPEECH_RATE)
        self._found[song] = onset
        return onset


def first_voice_band_onset(samples: NDArray[np.float32], rate: int) -> float:
    """When the voice band first stays above a share of its loud level for a moment."""
    if samples.size < FRAME:
        return 0.0
    count = 1 + (samples.size - FRAME) // HOP
    frames = np.lib.stride_tricks.as_strided(
        samples, shape=(count, FRAME), strides=(samples.strides[0] * HOP, samples.strides[0])
    )
    spectrum = np.abs(np.fft.rfft(frames * np.hanning(FRAME), axis=1)) ** 2
    freqs = np.fft.rfftfreq(FRAME, 1.0 / rate)
    band = (freqs >= VOICE_BAND_HZ[0]) & (freqs <= VOICE_BAND_HZ[1])
    energy = spectrum[:, band].sum(axis=1)
    loud = float(np.percentile(energy, 90))
    if loud <= 0.0:
        return 0.0
    above = energy > ONSET_SHARE * loud
    hold = max(1, round(ONSET_HOLD_SECONDS * rate / HOP))
    run = np.convolve(above.astype(np.int32), np.ones(hold, dtype=np.int32), mode="valid")
    starts = np.flatnonzero(run >= hold)
    return float(starts[0] * HOP / rate) if starts.size else 0.0


def _decode(song: Path) -> NDArray[np.float32]:
    return decode_mono(song, SPEECH_RATE, first_seconds=ONSET_SEARCH_SECONDS)
