"""A song's lyrics with word and segment times, from OpenAI's whisper-1 (verbose_json)."""

from __future__ import annotations

import asyncio
import logging
import tempfile
from pathlib import Path

import openai

from bot.media.lyrics_audio import speech_copy
from bot.providers.errors_map import openai_errors
from bot.providers.openai_transcriber import minute_cost
from bot.studio.lyrics_timing import SongTranscript
from bot.studio.ports import SongTranscription, Usage
from bot.studio.timeline import LyricLine, LyricWord

logger = logging.getLogger(__name__)


class OpenAILyricsTranscriber:
    """Hears a song once: its words and lines with times (implements SongTranscriber)."""

    def __init__(self, client: openai.AsyncOpenAI, model: str = "whisper-1") -> None:
        self._client = client
        self.model = model

    def estimate_cost(self, seconds: float) -> float:
        """US$ for transcribing `seconds` of song (priced per minute)."""
        return minute_cost(self.model, seconds)

    async def transcribe_song(self, song: Path, seconds: float | None) -> SongTranscription:
        """The song's words and segments with times; ProviderError when the API says no."""
        with tempfile.TemporaryDirectory(prefix="lyrics-") as folder:
            small = await speech_copy(song, Path(folder) / "song.mp3")
            data = await asyncio.to_thread(small.read_bytes)
        with openai_errors("lyrics transcription"):
            result = await self._client.audio.transcriptions.create(
                file=("song.mp3", data),
                model=self.model,
                response_format="verbose_json",
                timestamp_granularities=["word", "segment"],
            )
        words = tuple(
            LyricWord(" ".join(w.word.split()), float(w.start), float(w.end))
            for w in result.words or ()
            if w.word.strip()
        )
        segments = tuple(
            LyricLine(" ".join(s.text.split()), float(s.start), float(s.end))
            for s in result.segments or ()
        )
        heard = result.usage.seconds if result.usage is not None else result.duration
        heard = heard or seconds or 0.0
        logger.info("Song transcribed: %d words, %d segments", len(words), len(segments))
        return SongTranscription(
            SongTranscript(result.text.strip(), words, segments),
            Usage(
                provider="openai",
                kind="lyrics",
                units=round(heard, 2),
                cost_usd=minute_cost(self.model, heard),
            ),
        )
