"""The OpenAI transcriber against the fake server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import openai
import pytest

from bot.errors import ProviderError
from bot.providers.openai_transcriber import OpenAITranscriber, minute_cost, upload_name
from tests.support.fake_openai import FakeOpenAI
from tests.support.synthetic_media import make_voice_ogg


@pytest.fixture
async def fake() -> AsyncIterator[FakeOpenAI]:
    async with FakeOpenAI() as server:
        yield server


@pytest.fixture
def client(fake: FakeOpenAI) -> openai.AsyncOpenAI:
    return openai.AsyncOpenAI(api_key="sk-test", base_url=fake.base_url, max_retries=1)


def test_upload_name_gives_an_extension_the_api_accepts() -> None:
    assert upload_name(Path("voice.oga"), b"OggS") == "voice.oga"
    assert upload_name(Path("ab12cd"), b"OggS\x00") == "ab12cd.ogg"
    assert upload_name(Path("song.bin"), b"\x00\x00\x00\x20ftypM4A ") == "song.m4a"
    assert upload_name(Path("x.opus"), b"OggS") == "x.ogg"


async def test_transcribes_a_voice_note(
    fake: FakeOpenAI, client: openai.AsyncOpenAI, tmp_path: Path
) -> None:
    voice = tmp_path / "0f3a9c"
    voice.write_bytes(make_voice_ogg(1.0))
    fake.transcription_seconds = 61.0
    transcript = await OpenAITranscriber(client).transcribe(voice, "vi-VN")

    assert transcript.text == fake.transcript_text
    assert transcript.usage.units == 61.0
    assert transcript.usage.cost_usd == pytest.approx(minute_cost("gpt-4o-mini-transcribe", 61))
    (sent,) = fake.requests
    assert sent.endpoint == "audio/transcriptions"
    assert sent.fields["model"] == ["gpt-4o-mini-transcribe"]
    assert sent.fields["language"] == ["vi"]
    (upload,) = sent.files["file"]
    assert upload.filename == "0f3a9c.ogg" and upload.data == voice.read_bytes()


async def test_without_a_reported_duration_the_size_estimates_it(
    fake: FakeOpenAI, client: openai.AsyncOpenAI, tmp_path: Path
) -> None:
    voice = tmp_path / "voice.ogg"
    voice.write_bytes(b"OggS" + bytes(19_996))
    transcript = await OpenAITranscriber(client, model="whisper-1").transcribe(voice, "en")
    assert transcript.usage.units == 10.0
    assert transcript.usage.cost_usd == pytest.approx(0.001)


async def test_a_bad_key_maps_to_its_key(
    fake: FakeOpenAI, client: openai.AsyncOpenAI, tmp_path: Path
) -> None:
    voice = tmp_path / "voice.ogg"
    voice.write_bytes(make_voice_ogg(0.5))
    fake.fail("audio/transcriptions", "bad_key")
    with pytest.raises(ProviderError) as caught:
        await OpenAITranscriber(client).transcribe(voice, "en")
    assert caught.value.key == "provider.bad_key"
