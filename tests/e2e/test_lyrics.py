"""/lyrics and the captions mode end to end, through the Bot API emulator (and fake OpenAI)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.media.captions import render_lyric_overlays
from tests.conftest import BotStarter, SettingsFactory
from tests.e2e.helpers import say
from tests.support.database import query
from tests.support.fake_openai import FakeOpenAI
from tests.support.synthetic_media import make_song
from tests.support.telegram_emulator import BotApiEmulator, SimulatedUser
from tests.support.video_checks import probe, video_frames

LRC = """[ti:Test]
[00:01.00]Walking down the river
[00:02.50]Hold the light
[0x:99]broken line
[00:04.00]Under the bridge
[00:30.00]Far after the end
"""


async def _song(user: SimulatedUser, seconds: int = 6) -> None:
    mark = user.mark()
    await user.send_audio(make_song(seconds=seconds, fmt="mp3"), "river.mp3", "audio/mpeg", seconds)
    await user.wait_for_text("river.mp3", after=mark)


async def test_lyrics_are_shown_pasted_and_read_from_an_lrc_file_offline(
    emulator: BotApiEmulator, make_settings: SettingsFactory, running_bot: BotStarter
) -> None:
    user = emulator.user(6101, "Linh")
    async with running_bot(make_settings()):
        await say(user, "/new River", "River")
        await say(user, "/lyrics", "no song yet")
        await _song(user, seconds=20)
        asked = await say(user, "/lyrics", "No lyrics yet")
        assert "beat" in asked.text, "offline, pasted lines are laid on the beat"

        pasted = await say(
            user, "Walking down the river\nHold the light\n\nUnder the bridge", "Saved 3"
        )
        assert "Captions: lyrics" in pasted.text
        shown = await say(user, "/lyrics", "Lyrics")
        assert "a line per phrase of the beat" in shown.text
        assert "Walking down the river" in shown.text and "Under the bridge" in shown.text
        times = [line.split()[0] for line in shown.text.splitlines() if line[:1].isdigit()]
        assert len(times) == 3 and times == sorted(times)
        # The question is answered: the next text is a scene idea again.
        await say(user, "Boats in the morning mist", "Scene 1")

        mark = user.mark()
        await user.send_document(LRC.encode(), "river.lrc", "application/octet-stream")
        saved = await user.wait_for_text("Saved 3", after=mark)
        assert "line(s) 4 of the file" in saved.text
        assert "start after the song ends" in saved.text and "Far after the end" in saved.text
        shown = await say(user, "/lyrics", "your .lrc times")
        assert "0:01.00" in shown.text and "0:02.50" in shown.text and "0:04.00" in shown.text

        mark = user.mark()
        await user.send_document("\n".join(["la"] * 6000).encode(), "huge.txt", "text/plain")
        await user.wait_for_text("too long", after=mark)
        mark = user.mark()
        await user.send_document(b"\xff\x00\xc3\x28 binary", "x.txt", "text/plain")
        await user.wait_for_text("UTF-8", after=mark)
        still = await say(user, "/lyrics", "your .lrc times")
        assert "Hold the light" in still.text, "bad input loses nothing already there"


async def test_captions_mode_by_words_by_button_and_undo(
    emulator: BotApiEmulator, make_settings: SettingsFactory, running_bot: BotStarter
) -> None:
    settings = make_settings()
    user = emulator.user(6102, "Minh", language_code="vi")
    async with running_bot(settings):
        await say(user, "/new Sông", "Sông")
        await say(user, "phụ đề: lời bài hát", "Phụ đề: lời bài hát")
        status = await say(user, "/status", "Sông")
        await user.press_button(status, "Phụ đề: lời bài hát")
        again = await say(user, "/status", "Sông")
        assert again.has_button("Phụ đề: lời bài hát và ý tưởng")
        await say(user, "/undo", "Đã hoàn tác:\n💬 Phụ đề: lời bài hát và ý tưởng")
        await say(user, "/undo", "Đã hoàn tác:\n💬 Phụ đề: lời bài hát")
    assert query(settings.database_path, "select captions_mode from projects") == [("ideas",)]


@pytest.fixture
async def fake_openai(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeOpenAI]:
    """A fake OpenAI server the real client finds through its own environment variables."""
    async with FakeOpenAI() as fake:
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-fake-key-0123456789")
        monkeypatch.setenv("OPENAI_BASE_URL", fake.base_url)
        yield fake


@pytest.mark.slow
async def test_the_song_is_heard_once_paid_once_and_a_refusal_keeps_the_render_going(
    emulator: BotApiEmulator,
    make_settings: SettingsFactory,
    running_bot: BotStarter,
    fake_openai: FakeOpenAI,
) -> None:
    settings = make_settings(provider="openai", openai_max_retries=0, confirm_cost_above_usd=5.0)
    fake_openai.song_words = [
        ("walking", 1.0, 1.4),
        ("down", 1.4, 1.7),
        ("the", 1.7, 1.8),
        ("river", 1.8, 2.3),
        ("hold", 3.0, 3.3),
        ("the", 3.3, 3.4),
        ("light", 3.4, 4.0),
    ]
    fake_openai.song_segments = [("walking down the river", 1.0, 2.3), ("hold the light", 3, 4)]
    fake_openai.transcription_seconds = 6.0
    user = emulator.user(6103, "Hoa")
    async with running_bot(settings):
        await say(user, "/new Night river", "Night river")
        await say(user, "Lanterns on the water", "Scene 1")
        await _song(user)
        await say(user, "/lyrics", "have not listened")
        await say(user, "Walking down the river\nHold the light", "Saved 2")

        fake_openai.fail("audio/transcriptions", "refusal")
        mark = user.mark()
        await user.send_text("/render")
        first = await user.wait_for_text("cost about", after=mark)
        await user.wait_for_text("could not transcribe the song", after=mark, timeout=120)
        await user.wait_for_text("laid on its beat", after=mark)
        await user.wait_for_video(timeout=180, after=mark)

        mark = user.mark()
        await user.send_text("/render")
        second = await user.wait_for_text("cost about", after=mark)
        assert "$0.00" in second.text or "$0.01" in second.text, "only the song is left to pay"
        await user.wait_for_video(timeout=180, after=mark)
        shown = await say(user, "/lyrics", "your words, timed on the song")
        assert "0:01.00" in shown.text and "0:03.00" in shown.text

        mark = user.mark()
        await user.send_text("/render")
        video = await user.wait_for_video(timeout=180, after=mark)
        texts = [m.text for m in user.bot_messages() if m.revision > mark]
        assert not any("cost about" in text for text in texts), "the song is never paid twice"
    assert len(fake_openai.requests_to("audio/transcriptions")) == 2  # refused, then heard
    rows = query(
        settings.database_path,
        "select count(*), sum(units) from usage where kind = ?",
        ("lyrics",),
    )
    assert rows == [(1, 6.0)]
    assert "cost about" in first.text
    assert video.file_bytes is not None
    path = settings.data_dir / "lyrics.mp4"
    path.write_bytes(video.file_bytes)
    info = probe(path)
    assert info.duration == pytest.approx(6.0, abs=0.5)
    # The first line is on screen while it is sung (from 1.0 s), not before it.
    band, top = render_lyric_overlays("Walking down the river", 4, info.width, info.height).line
    before, during = round(0.5 * info.fps), round(1.6 * info.fps)
    frames = video_frames(path, {before, during})

    def white_share(index: int) -> float:
        rows = frames[index][top : top + band.shape[0]].astype(int)
        return float((rows.min(axis=2) > 230).mean())

    assert white_share(during) > white_share(before) + 0.02
