"""Hearing a song's lyrics with whisper-1 against the fake server: the request, the answer."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import numpy as np
import openai
import pytest

from bot.errors import ProviderError
from bot.media.lyrics_audio import (
    SPEECH_RATE,
    UPLOAD_LIMIT_BYTES,
    EnergyVocalOnsets,
    first_voice_band_onset,
)
from bot.providers.openai_lyrics import OpenAILyricsTranscriber
from bot.providers.openai_transcriber import minute_cost
from tests.media.helpers import write_stereo_wav
from tests.support.fake_openai import FakeOpenAI
from tests.support.synthetic_media import make_song


@pytest.fixture
async def fake() -> AsyncIterator[FakeOpenAI]:
    async with FakeOpenAI() as server:
        yield server


@pytest.fixture
def client(fake: FakeOpenAI) -> openai.AsyncOpenAI:
    return openai.AsyncOpenAI(api_key="sk-test", base_url=fake.base_url, max_retries=0)


async def test_a_song_is_sent_small_and_its_words_and_lines_come_back_timed(
    fake: FakeOpenAI, client: openai.AsyncOpenAI, tmp_path: Path
) -> None:
    song = tmp_path / "song.wav"
    make_song(song, seconds=6.0, fmt="wav")
    fake.song_words = [("Walking", 0.5, 0.9), ("down", 0.9, 1.2), (" ", 1.2, 1.3)]
    fake.song_segments = [("Walking down", 0.5, 1.2)]
    fake.transcription_seconds = 6.0
    heard = await OpenAILyricsTranscriber(client).transcribe_song(song, 6.0)

    (sent,) = fake.requests
    assert sent.fields["model"] == ["whisper-1"]
    assert sent.fields["response_format"] == ["verbose_json"]
    assert sent.fields["timestamp_granularities[]"] == ["word", "segment"]
    (upload,) = sent.files["file"]
    assert upload.filename == "song.mp3" and upload.data[:3] in (b"ID3", b"\xff\xfb", b"\xff\xf3")
    assert len(upload.data) < song.stat().st_size / 10, "re-encoded to small mono speech"
    transcript = heard.transcript
    assert [(w.text, w.start, w.end) for w in transcript.words] == [
        ("Walking", 0.5, 0.9),
        ("down", 0.9, 1.2),
    ]
    assert [(s.text, s.start, s.end) for s in transcript.segments] == [("Walking down", 0.5, 1.2)]
    assert heard.usage.kind == "lyrics" and heard.usage.units == 6.0
    assert heard.usage.cost_usd == pytest.approx(minute_cost("whisper-1", 6.0))
    assert OpenAILyricsTranscriber(client).estimate_cost(60.0) == pytest.approx(0.006)


async def test_an_instrumental_song_comes_back_without_words(
    fake: FakeOpenAI, client: openai.AsyncOpenAI, tmp_path: Path
) -> None:
    song = tmp_path / "song.mp3"
    make_song(song, seconds=3.0)
    heard = await OpenAILyricsTranscriber(client).transcribe_song(song, 3.0)
    assert heard.transcript.instrumental


async def test_the_fake_refuses_timestamps_as_the_api_does(
    fake: FakeOpenAI, client: openai.AsyncOpenAI, tmp_path: Path
) -> None:
    song = tmp_path / "song.mp3"
    make_song(song, seconds=2.0)
    with pytest.raises(ProviderError) as refused:
        await OpenAILyricsTranscriber(client, model="gpt-4o-mini-transcribe").transcribe_song(
            song, 2.0
        )
    assert refused.value.key == "provider.failed"
    assert fake.requests[-1].fields["model"] == ["gpt-4o-mini-transcribe"]
    with pytest.raises(openai.BadRequestError, match="requires response_format"):
        await client.audio.transcriptions.create(
            file=("a.mp3", song.read_bytes()),
            model="whisper-1",
            timestamp_granularities=["word"],
        )


async def test_a_refused_transcription_is_a_provider_error(
    fake: FakeOpenAI, client: openai.AsyncOpenAI, tmp_path: Path
) -> None:
    song = tmp_path / "song.mp3"
    make_song(song, seconds=2.0)
    fake.fail("audio/transcriptions", "refusal")
    with pytest.raises(ProviderError) as refused:
        await OpenAILyricsTranscriber(client).transcribe_song(song, 2.0)
    assert refused.value.key == "provider.refused"


async def test_an_unreadable_song_fails_before_any_upload(
    fake: FakeOpenAI, client: openai.AsyncOpenAI, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.mp3"
    bad.write_bytes(b"not audio at all" * 10)
    with pytest.raises(ProviderError):
        await OpenAILyricsTranscriber(client).transcribe_song(bad, None)
    assert fake.requests == []
    assert UPLOAD_LIMIT_BYTES == 25 * 1024 * 1024


async def test_the_singing_starts_where_the_voice_band_wakes_up(tmp_path: Path) -> None:
    rate = 44100
    t = np.arange(int(6.0 * rate)) / rate
    bass = 0.3 * np.sin(2 * np.pi * 60 * t)  # a bass line from the start
    voice = np.where(t >= 2.5, 0.3 * np.sin(2 * np.pi * 440 * t) * (1 + 0.3 * np.sin(5 * t)), 0)
    song = write_stereo_wav(tmp_path / "voice.wav", bass + voice, rate)
    onset = await EnergyVocalOnsets().first_vocal_onset(song)
    assert onset == pytest.approx(2.5, abs=0.1)
    assert first_voice_band_onset(np.zeros(10, dtype=np.float32), SPEECH_RATE) == 0.0
    assert await EnergyVocalOnsets().first_vocal_onset(tmp_path / "missing.wav") == 0.0
