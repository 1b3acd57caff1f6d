"""The lyrics use case over a real SQLite file, with whisper-1 behind the fake OpenAI server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import openai
import pytest

from bot.errors import InputRejected, NoActiveProject
from bot.media.lyrics_audio import EnergyVocalOnsets
from bot.providers.openai_lyrics import OpenAILyricsTranscriber
from bot.studio.song_lyrics import LyricsSource, SongLyrics
from bot.studio.timeline import CaptionsMode
from tests.studio.helpers import CHAT, OWNER, STRANGER, World, build
from tests.support.database import query
from tests.support.fake_openai import FakeOpenAI
from tests.support.synthetic_media import make_song


@pytest.fixture
async def fake() -> AsyncIterator[FakeOpenAI]:
    async with FakeOpenAI() as server:
        server.transcription_seconds = 8.0
        yield server


@dataclass
class Setup:
    world: World
    lyrics: SongLyrics


def _lyrics(world: World, fake: FakeOpenAI | None, max_chars: int = 2000) -> SongLyrics:
    transcriber = None
    if fake is not None:
        client = openai.AsyncOpenAI(api_key="sk-test", base_url=fake.base_url, max_retries=0)
        transcriber = OpenAILyricsTranscriber(client)
    return SongLyrics(
        projects=world.store,
        assets=world.store,
        media=world.media,
        lyrics=world.store,
        links=world.store,
        spend=world.store,
        budget=world.budget,
        edits=world.edits,
        transcriber=transcriber,
        onsets=EnergyVocalOnsets(),
        max_chars=max_chars,
    )


async def _with_song(world: World, seconds: float = 8.0) -> None:
    world.projects.start_project(OWNER, "River")
    source = world.upload(make_song(seconds=seconds, fmt="wav"), ".wav")
    await world.material.set_song(OWNER, source, "wav", "river.wav", "Untitled")


def _script(fake: FakeOpenAI) -> None:
    fake.song_words = [
        ("Walking", 1.0, 1.4),
        ("down", 1.4, 1.7),
        ("the", 1.7, 1.8),
        ("river", 1.8, 2.3),
        ("Hold", 3.0, 3.3),
        ("the", 3.3, 3.4),
        ("lights", 3.4, 4.0),
    ]
    fake.song_segments = [("Walking down the river", 1.0, 2.3), ("Hold the lights", 3.0, 4.0)]


async def test_the_song_is_heard_once_by_hash_and_charged_once(
    tmp_path: Path, fake: FakeOpenAI
) -> None:
    world = build(tmp_path)
    lyrics = _lyrics(world, fake)
    await _with_song(world)
    project = world.project()
    assert lyrics.pending_cost(OWNER, project) == 0.0, "scene ideas need no lyrics"
    world.projects.configure(OWNER, project.id, next_captions=True)
    project = world.project()
    assert project.captions is CaptionsMode.LYRICS
    assert lyrics.pending_cost(OWNER, project) == pytest.approx(0.006 * 8 / 60, rel=0.05)

    _script(fake)
    sung = await lyrics.for_render(OWNER, project)
    assert sung.notice is None
    assert [line.text for line in sung.lines] == ["Walking down the river", "Hold the lights"]
    again = await lyrics.for_render(OWNER, project)
    assert again == sung
    assert len(fake.requests_to("audio/transcriptions")) == 1
    assert lyrics.pending_cost(OWNER, project) == 0.0
    rows = query(world.path, "select kind, units, cost_usd from usage")
    assert rows == [("lyrics", 8.0, pytest.approx(0.0008))]

    view = await lyrics.show(OWNER)
    assert view.timed.source is LyricsSource.TRANSCRIPT and view.pending_usd is None


async def test_pasted_lines_are_aligned_to_what_was_heard(tmp_path: Path, fake: FakeOpenAI) -> None:
    world = build(tmp_path)
    lyrics = _lyrics(world, fake)
    await _with_song(world)
    _script(fake)
    saved = await lyrics.set_text(OWNER, "Walking down the river\nHold the light\n")
    assert saved.project.captions is CaptionsMode.LYRICS, "pasting lyrics shows them"
    assert saved.timed.source is LyricsSource.PHRASES, "not heard yet: laid on the beat"
    sung = await lyrics.for_render(OWNER, saved.project)
    assert [(line.text, line.start) for line in sung.lines] == [
        ("Walking down the river", 1.0),
        ("Hold the light", 3.0),
    ]
    assert sung.lines[1].words[-1].start == 3.4, "'light' takes the time of the heard 'lights'"
    view = await lyrics.show(OWNER)
    assert view.timed.source is LyricsSource.TEXT
    world.edits.undo(OWNER, saved.project.id)
    assert world.project().captions is CaptionsMode.IDEAS
    assert (await lyrics.for_render(OWNER, world.project())).lines == ()


async def test_an_lrc_needs_no_transcript_and_its_bad_and_late_lines_are_named(
    tmp_path: Path, fake: FakeOpenAI
) -> None:
    world = build(tmp_path)
    lyrics = _lyrics(world, fake)
    await _with_song(world)
    text = "[00:01.00]One\nno time here\n[00:05.00]Two\n[00:09.00]After the end\n"
    saved = await lyrics.set_text(OWNER, text, "song.LRC")
    assert saved.bad_lines == (2,)
    assert [line.text for line in saved.timed.lines] == ["One", "Two"]
    assert saved.timed.overflow == ("After the end",)
    assert saved.timed.lines[-1].end <= 8.0
    assert lyrics.pending_cost(OWNER, saved.project) == 0.0
    sung = await lyrics.for_render(OWNER, saved.project)
    assert [line.start for line in sung.lines] == [1.0, 5.0]
    assert await lyrics.lines_for_planner(saved.project) == ("0:01.0 One", "0:05.0 Two")
    assert fake.requests == []


async def test_an_instrumental_keeps_the_ideas_and_says_so(
    tmp_path: Path, fake: FakeOpenAI
) -> None:
    world = build(tmp_path)
    lyrics = _lyrics(world, fake)
    await _with_song(world)
    world.projects.configure(OWNER, world.project().id, next_captions=True)
    sung = await lyrics.for_render(OWNER, world.project())
    assert sung.lines == () and sung.notice == "lyrics.instrumental"
    view = await lyrics.show(OWNER)
    assert view.instrumental and view.pending_usd is None


async def test_a_refused_transcription_is_told_and_paid_nothing(
    tmp_path: Path, fake: FakeOpenAI
) -> None:
    world = build(tmp_path)
    lyrics = _lyrics(world, fake)
    await _with_song(world)
    world.projects.configure(OWNER, world.project().id, next_captions=True)
    fake.fail("audio/transcriptions", "refusal")
    sung = await lyrics.for_render(OWNER, world.project())
    assert sung.lines == () and sung.notice == "lyrics.failed"
    assert query(world.path, "select count(*) from usage") == [(0,)]
    assert lyrics.pending_cost(OWNER, world.project()) > 0, "it may be heard next time"


async def test_offline_pasted_lines_follow_the_beat_grid(tmp_path: Path) -> None:
    world = build(tmp_path)
    lyrics = _lyrics(world, None)
    await _with_song(world, seconds=12.0)
    saved = await lyrics.set_text(OWNER, "one line\nanother line\na third\na fourth")
    assert saved.timed.source is LyricsSource.PHRASES
    starts = [line.start for line in saved.timed.lines]
    assert starts[1] - starts[0] == pytest.approx(4.0, abs=0.05), "two bars at 120 BPM"
    assert saved.timed.overflow == ("a fourth",), "it would start as the song ends"
    sung = await lyrics.for_render(OWNER, saved.project)
    assert sung.lines == saved.timed.lines and sung.notice is None
    assert (await lyrics.show(OWNER)).pending_usd is None


async def test_bad_input_is_refused_and_loses_nothing(tmp_path: Path) -> None:
    world = build(tmp_path)
    lyrics = _lyrics(world, None, max_chars=100)
    with pytest.raises(NoActiveProject):
        await lyrics.set_text(OWNER, "a\nb")
    await _with_song(world)
    await lyrics.set_text(OWNER, "first\nsecond")
    for text, key in (("x" * 101, "lyrics.too_long"), ("\n \n[Chorus]\n", "lyrics.empty")):
        with pytest.raises(InputRejected) as refused:
            await lyrics.set_text(OWNER, text)
        assert refused.value.key == key
    binary = world.upload(b"\xff\xd8\xff\xe0 a jpeg", ".txt")
    with pytest.raises(InputRejected) as refused:
        await lyrics.set_file(OWNER, binary, "x.txt")
    assert refused.value.key == "lyrics.bad_file" and not binary.exists()
    utf16 = world.upload("Một\nhai".encode("utf-16"), ".txt")
    saved = await lyrics.set_file(OWNER, utf16, "vi.txt")
    assert [line.text for line in saved.timed.lines] == ["Một", "hai"]
    assert world.store.project_lyrics(STRANGER, world.project().id) is None


async def test_the_next_message_answers_only_as_lines_or_a_reply(tmp_path: Path) -> None:
    world = build(tmp_path)
    lyrics = _lyrics(world, None)
    await _with_song(world)
    lyrics.ask(OWNER, CHAT, 55)
    assert lyrics.is_answer(OWNER, CHAT, None, "line one\nline two")
    assert not lyrics.is_answer(OWNER, CHAT, None, "a scene idea")
    assert lyrics.is_answer(OWNER, CHAT, 55, "one line as a reply")
    assert not lyrics.is_answer(OWNER, CHAT + 1, None, "line one\nline two")
    assert not lyrics.is_answer(STRANGER, CHAT, 55, "line one\nline two")
