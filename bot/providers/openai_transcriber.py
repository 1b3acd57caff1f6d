"""Voice notes to text with OpenAI's transcription models."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import openai
from openai import omit

from bot.providers.errors_map import openai_errors
from bot.studio.ports import Transcript, Usage

logger = logging.getLogger(__name__)

# US$ per minute of audio.
MINUTE_PRICES = {
    "gpt-4o-mini-transcribe": 0.003,
    "gpt-4o-transcribe": 0.006,
    "whisper-1": 0.006,
}
FALLBACK_MINUTE_PRICE = max(MINUTE_PRICES.values())
# Telegram voice notes are Opus at roughly 16-32 kbit/s; assuming the low end overestimates
# the length (and the cost) when the API does not report it.
ASSUMED_BYTES_PER_SECOND = 2_000
# The API recognises the format by the file name's extension.
ACCEPTED_SUFFIXES = frozenset(
    {".flac", ".m4a", ".mp3", ".mp4", ".mpeg", ".mpga", ".oga", ".ogg", ".wav", ".webm"}
)
_MAGIC = (
    (b"OggS", ".ogg"),
    (b"fLaC", ".flac"),
    (b"RIFF", ".wav"),
    (b"ID3", ".mp3"),
    (b"\x1aE\xdf\xa3", ".webm"),
)


def upload_name(audio: Path, head: bytes) -> str:
    """A file name whose extension the API accepts, from the name or else the content."""
    if audio.suffix.lower() in ACCEPTED_SUFFIXES:
        return audio.name
    if head[4:8] == b"ftyp":
        return audio.stem + ".m4a"
    for magic, suffix in _MAGIC:
        if head.startswith(magic):
            return audio.stem + suffix
    return audio.stem + ".mp3"


def minute_cost(model: str, seconds: float) -> float:
    """US$ for transcribing `seconds` of audio with `model`."""
    return MINUTE_PRICES.get(model, FALLBACK_MINUTE_PRICE) * seconds / 60


class OpenAITranscriber:
    """Transcribes voice notes with an OpenAI speech-to-text model."""

    def __init__(self, client: openai.AsyncOpenAI, model: str = "gpt-4o-mini-transcribe") -> None:
        self._client = client
        self._model = model
        self.name = f"openai-{model}"

    async def transcribe(self, audio: Path, language: str) -> Transcript:
        """Return the text of the voice note, in the user's language."""
        data = await asyncio.to_thread(audio.read_bytes)
        with openai_errors("transcription"):
            result = await self._client.audio.transcriptions.create(
                file=(upload_name(audio, data[:16]), data),
                model=self._model,
                language=language.split("-")[0].lower() or omit,
            )
        usage = result.usage
        if usage is not None and usage.type == "duration":
            seconds = usage.seconds
        else:
            seconds = len(data) / ASSUMED_BYTES_PER_SECOND
        return Transcript(
            text=result.text.strip(),
            usage=Usage(
                provider="openai",
                kind="transcription",
                units=round(seconds, 2),
                cost_usd=minute_cost(self._model, seconds),
            ),
        )
