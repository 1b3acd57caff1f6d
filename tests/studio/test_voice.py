"""VoiceNotes on a real SQLite file with a scripted transcriber that keeps its requests."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import InputRejected, ProviderError
from bot.studio.ports import Transcript, Usage
from bot.studio.voice import MAX_VOICE_SECONDS
from tests.studio.helpers import OWNER, STRANGER, build, with_ideas
from tests.support.synthetic_media import make_voice_ogg


def test_voice_notes_need_a_transcriber_and_a_short_note(tmp_path: Path) -> None:
    world = build(tmp_path)
    world.voice.check(None)
    world.voice.check(MAX_VOICE_SECONDS)
    with pytest.raises(InputRejected) as long:
        world.voice.check(MAX_VOICE_SECONDS + 1)
    assert long.value.key == "voice.too_long" and long.value.params == {"limit": 5}
    offline = build(tmp_path / "offline", with_transcriber=False)
    with pytest.raises(InputRejected) as needs:
        offline.voice.check(3)
    assert needs.value.key == "voice.needs_openai"


async def test_without_a_transcriber_nothing_is_transcribed(tmp_path: Path) -> None:
    world = build(tmp_path, with_transcriber=False)
    note = world.upload(make_voice_ogg(0.5), ".ogg")
    with pytest.raises(InputRejected) as raised:
        await world.voice.transcribe(OWNER, note, "en")
    assert raised.value.key == "voice.needs_openai"


async def test_a_note_becomes_text_and_its_cost_goes_to_the_active_project(
    tmp_path: Path,
) -> None:
    world = build(tmp_path)
    project = with_ideas(world, "a")
    audio = make_voice_ogg(0.5)
    note = world.upload(audio, ".ogg")
    world.transcriber.answers = [Transcript("  Thuyền ra khơi  ", Usage("test", "audio", 1, 0.01))]
    text = await world.voice.transcribe(OWNER, note, "vi")
    assert text == "Thuyền ra khơi"
    assert world.transcriber.requests == [(note, "vi", audio)]
    assert not note.exists()  # the note is deleted once heard
    assert world.store.spend(OWNER, project.id) == pytest.approx(0.01)
    assert world.store.spend(STRANGER) == 0.0


async def test_a_note_without_a_project_is_heard_but_charged_to_none(tmp_path: Path) -> None:
    world = build(tmp_path)
    world.transcriber.answers = [Transcript("a boat", Usage("test", "audio", 1, 0.01))]
    assert await world.voice.transcribe(OWNER, world.upload(b"ogg", ".ogg"), "en") == "a boat"
    assert world.store.spend(OWNER) == 0.0
    assert world.store.list_projects(OWNER) == []  # hearing a note starts no project


async def test_silence_is_refused_but_still_paid_for(tmp_path: Path) -> None:
    world = build(tmp_path)
    project = with_ideas(world, "a")
    world.transcriber.answers = [Transcript("   ", Usage("test", "audio", 1, 0.02))]
    note = world.upload(b"ogg", ".ogg")
    with pytest.raises(InputRejected) as raised:
        await world.voice.transcribe(OWNER, note, "en")
    assert raised.value.key == "voice.empty"
    assert not note.exists()
    assert world.store.spend(OWNER, project.id) == pytest.approx(0.02)


async def test_a_failing_transcriber_deletes_the_note_and_charges_nothing(
    tmp_path: Path,
) -> None:
    world = build(tmp_path)
    with_ideas(world, "a")
    world.transcriber.answers = [ProviderError("provider.unavailable")]
    note = world.upload(b"ogg", ".ogg")
    with pytest.raises(ProviderError):
        await world.voice.transcribe(OWNER, note, "en")
    assert not note.exists() and len(world.transcriber.requests) == 1
    assert world.store.spend(OWNER) == 0.0
