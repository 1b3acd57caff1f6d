"""The AI crew end to end: the real openai client and Runway calls against local fakes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from functools import partial

import pytest

from bot.config import Settings
from tests.conftest import BotStarter, SettingsFactory
from tests.e2e.helpers import new_project, say
from tests.support.database import query
from tests.support.fake_openai import FakeOpenAI
from tests.support.fake_runway import FakeRunway
from tests.support.synthetic_media import make_photo, make_song, make_voice_ogg
from tests.support.telegram_emulator import BotApiEmulator, BotMessage, SimulatedUser
from tests.support.video_checks import probe


@pytest.fixture
async def fake_openai(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeOpenAI]:
    """A fake OpenAI server the real client finds through its own environment variables."""
    async with FakeOpenAI() as fake:
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-fake-key-0123456789")
        monkeypatch.setenv("OPENAI_BASE_URL", fake.base_url)
        yield fake


def _ai_settings(make_settings: SettingsFactory, **extra: object) -> Settings:
    return make_settings(provider="openai", openai_max_retries=1, **extra)


def _reference_bytes(settings: Settings, position: int) -> list[bytes]:
    shas = [
        row[0]
        for row in query(
            settings.database_path,
            "select r.asset_sha from scene_refs r join scenes s on s.id = r.scene_id "
            "where s.position = ? order by r.position",
            (position,),
        )
    ]
    media = settings.media_dir
    return [(media / sha[:2] / f"{sha}.jpg").read_bytes() for sha in shas]


@pytest.mark.slow
async def test_storyboard_pictures_and_video_with_openai(
    emulator: BotApiEmulator,
    make_settings: SettingsFactory,
    running_bot: BotStarter,
    fake_openai: FakeOpenAI,
) -> None:
    settings = _ai_settings(make_settings)
    user = emulator.user(4001, "Duc")
    async with running_bot(settings):
        await say(user, "/new Hanoi mornings", "Hanoi mornings")
        await say(user, "Old Quarter streets wake up", "Scene 1")
        mark = user.mark()
        await user.send_photo(make_photo(1200, 900, seed=11))
        await user.wait_for_text("Photo added to scene 1", after=mark)
        mark = user.mark()
        await user.send_photo(make_photo(900, 1200, seed=12), caption="Hoàn Kiếm lake at dawn")
        await user.wait_for_text("Scene 2 starts", after=mark)
        await say(user, "Street food steam in the lamplight", "Scene 3")
        await user.send_audio(make_song(seconds=12, fmt="mp3"), "hanoi.mp3", "audio/mpeg", 12)
        await user.wait_for_text("hanoi.mp3")

        await say(user, "/storyboard", "Scene 1/3")
        # The job ends once its progress message says so (just after the panel is sent).
        await user.wait_for_text("Storyboard ready")
        [plan] = fake_openai.requests_to("responses")
        assert "Old Quarter streets wake up" in str(plan.json)
        edits = fake_openai.requests_to("images/edits")
        generations = fake_openai.requests_to("images/generations")
        assert len(edits) == 2 and len(generations) == 1
        sent = sorted([part.data for part in request.files["image[]"]] for request in edits)
        expected = sorted([_reference_bytes(settings, 1), _reference_bytes(settings, 2)])
        assert sent == expected

        mark = user.mark()
        await user.send_text("/render")
        video = await user.wait_for_video(timeout=120, after=mark)
        assert len(fake_openai.requests_to("images/edits")) == 2
        assert len(fake_openai.requests_to("images/generations")) == 1

        album = [m for m in user.bot_messages() if m.media_kind == "photo"]
        third = next(m for m in album if m.text.startswith("3."))
        mark = user.mark()
        await user.send_text("Pho stalls glowing at 5 a.m.", reply_to=third.message_id)
        await user.wait_for(lambda m: "Storyboard ready" in m.text, after=mark, timeout=60)
        assert len(fake_openai.requests_to("images/generations")) == 2
        assert len(fake_openai.requests_to("images/edits")) == 2

        status = [h for m in user.bot_messages() for h in m.history if "Spent" in h]
        await say(user, "/status", "Spent")
    assert video.file_bytes is not None
    path = settings.data_dir / "ai.mp4"
    path.write_bytes(video.file_bytes)
    assert probe(path).duration == pytest.approx(12.0, abs=0.5)
    spent_lines = [h for m in user.bot_messages() for h in m.history if "Spent: $" in h]
    assert spent_lines and spent_lines[-1] != "Spent: $0.00"
    del status


@pytest.mark.slow
async def test_a_refused_scene_is_named_and_the_others_go_on(
    emulator: BotApiEmulator,
    make_settings: SettingsFactory,
    running_bot: BotStarter,
    fake_openai: FakeOpenAI,
) -> None:
    settings = _ai_settings(make_settings)
    user = emulator.user(4002, "Nga")
    async with running_bot(settings):
        await say(user, "/new Refusals", "Refusals")
        await say(user, "A calm river", "Scene 1")
        fake_openai.fail("images/generations", "refusal", times=1)
        mark = user.mark()
        await user.send_text("/render")
        await user.wait_for_text("refused to make scene 1", after=mark, timeout=60)
        await user.wait_for_video(timeout=120, after=mark)
        [(picture,)] = query(settings.database_path, "select picture_sha from scenes")
        assert picture is None, "a stand-in picture must not be cached as the scene's picture"
        assert len(fake_openai.requests_to("images/generations")) == 1


async def test_a_wrong_key_ends_the_job_with_a_clear_message(
    emulator: BotApiEmulator,
    make_settings: SettingsFactory,
    running_bot: BotStarter,
    fake_openai: FakeOpenAI,
) -> None:
    settings = _ai_settings(make_settings)
    user = emulator.user(4003, "Hieu")
    async with running_bot(settings):
        await say(user, "/new Bad key", "Bad key")
        await say(user, "Anything at all", "Scene 1")
        fake_openai.fail("images/generations", "bad_key", times=None)
        mark = user.mark()
        await user.send_text("/render")
        await user.wait_for_text("rejected the API key", after=mark, timeout=60)
        await say(user, "/status", "Scenes: 1")


async def test_a_voice_note_becomes_a_scene_idea(
    emulator: BotApiEmulator,
    make_settings: SettingsFactory,
    running_bot: BotStarter,
    fake_openai: FakeOpenAI,
) -> None:
    settings = _ai_settings(make_settings)
    user = emulator.user(4004, "Linh", language_code="vi")
    async with running_bot(settings):
        await say(user, "/new Cầu Long Biên", "Cầu Long Biên")
        mark = user.mark()
        await user.send_voice(make_voice_ogg(2.0), duration=2)
        await user.wait_for_text("Mình nghe được", after=mark)
        scene = await user.wait_for_text("Cảnh 1", after=mark)
        [transcription] = fake_openai.requests_to("audio/transcriptions")
        assert transcription.files["file"][0].data[:4] == b"OggS"
        ideas = [row[0] for row in query(settings.database_path, "select idea from scenes")]
        assert ideas == [fake_openai.transcript_text]
        # Misheard? A reply to the scene's message puts it right; no picture is paid for yet.
        mark = user.mark()
        await user.send_text("Cầu Long Biên lúc hoàng hôn", reply_to=scene.message_id)
        await user.wait_for_text("Cảnh 1 giờ là", after=mark)
    ideas = [row[0] for row in query(settings.database_path, "select idea from scenes")]
    assert ideas == ["Cầu Long Biên lúc hoàng hôn"]
    assert not fake_openai.requests_to("images/generations")
    assert not query(settings.database_path, "select id from jobs")


@pytest.fixture
async def fake_runway() -> AsyncIterator[FakeRunway]:
    """A fake Runway API for the bot's clips."""
    async with FakeRunway() as fake:
        yield fake


def _clip_settings(make_settings: SettingsFactory, runway: FakeRunway) -> Settings:
    return _ai_settings(
        make_settings,
        runwayml_api_secret=runway.secret,
        runwayml_base_url=runway.base_url,
        runway_poll_interval=0.05,
    )


async def _two_scenes_with(
    user: SimulatedUser, title: str, ideas: tuple[str, str], *switches: str
) -> None:
    """A new project of two scenes, with these switches under /status turned on."""
    await new_project(user, title, *ideas)
    await say(user, "/status", "Spent")
    for switch in switches:
        panel = user.last_bot_message()
        mark = user.mark()
        await user.press_button(panel, f"{switch}: off")
        await user.wait_for(partial(BotMessage.has_button, label=f"{switch}: on"), after=mark)


@pytest.mark.slow
async def test_clips_from_runway_go_into_the_video(
    emulator: BotApiEmulator,
    make_settings: SettingsFactory,
    running_bot: BotStarter,
    fake_openai: FakeOpenAI,
    fake_runway: FakeRunway,
) -> None:
    settings = _clip_settings(make_settings, fake_runway)
    user = emulator.user(4005, "Phong")
    async with running_bot(settings):
        await _two_scenes_with(
            user, "Clips", ("Waves on the shore", "Gulls over the cliffs"), "Clips (Runway)"
        )
        mark = user.mark()
        await user.send_text("/render")
        video = await user.wait_for_video(timeout=180, after=mark)
    assert len(fake_runway.requests_to("image_to_video")) == 2, user.transcript()
    assert video.file_bytes is not None
    clips = query(settings.database_path, "select count(*) from scenes where clip_sha is not null")[
        0
    ]
    kinds = query(settings.database_path, "select count(*) from assets where kind = 'clip'")[0]
    # The fake serves the same MP4 for every task, so the media store keeps it once.
    assert clips == (2,) and kinds == (1,)


@pytest.mark.slow
async def test_each_clip_arrives_as_it_is_made_when_the_director_asks(
    emulator: BotApiEmulator,
    make_settings: SettingsFactory,
    running_bot: BotStarter,
    fake_openai: FakeOpenAI,
    fake_runway: FakeRunway,
) -> None:
    settings = _clip_settings(make_settings, fake_runway)
    user = emulator.user(4009, "Hien")
    async with running_bot(settings):
        await _two_scenes_with(
            user,
            "Previews",
            ("Mist over the mountains", "A river ferry at noon"),
            "Clips (Runway)",
            "Send each picture when made",
        )
        mark = user.mark()
        await user.send_text("/render")
        final = await user.wait_for(
            lambda m: m.media_kind == "video" and m.has_button("Re-render"),
            after=mark,
            timeout=180,
            what="the finished video",
        )
    shown = [
        m
        for m in user.bot_messages()
        if m.media_kind in ("photo", "video") and m.message_id != final.message_id
    ]
    # Each scene's picture, then its clip, came on its own before the video.
    assert sorted((m.media_kind, m.text) for m in shown) == [
        ("photo", "1. Mist over the mountains"),
        ("photo", "2. A river ferry at noon"),
        ("video", "1. Mist over the mountains"),
        ("video", "2. A river ferry at noon"),
    ]
    assert all(m.message_id < final.message_id for m in shown)
    clip_sends = [
        c
        for c in emulator.calls_to("sendVideo")
        if c.response_ok and c.params.get("caption", "").startswith(("1.", "2."))
    ]
    assert len(clip_sends) == 2 and len(fake_runway.requests_to("image_to_video")) == 2
    assert all(c.params.get("supports_streaming") in (True, "true") for c in clip_sends)


@pytest.mark.slow
async def test_costly_work_waits_for_a_tap_and_the_budget_caps_spend(
    emulator: BotApiEmulator,
    make_settings: SettingsFactory,
    running_bot: BotStarter,
    fake_openai: FakeOpenAI,
) -> None:
    settings = _ai_settings(make_settings, confirm_cost_above_usd=0.05, budget_usd_per_user=0.06)
    user = emulator.user(4006, "Binh")
    async with running_bot(settings):
        await say(user, "/new Costly", "Costly")
        for idea in ("One", "Two", "Three"):
            await say(user, f"Scene idea {idea}", f"Scene idea {idea}")
        mark = user.mark()
        await user.send_text("/render")
        question = await user.wait_for(lambda m: m.has_button("Go ahead"), after=mark)
        assert "$0.12" in question.text
        assert not fake_openai.requests_to("images/generations")
        mark = user.mark()
        await user.press_button(question, "Go ahead")
        await user.wait_for_text("reached your budget", after=mark, timeout=60)
        await user.wait_for_video(timeout=120, after=mark)
    assert len(fake_openai.requests_to("images/generations")) == 1


@pytest.mark.slow
async def test_a_kept_picture_guides_the_scenes_after_it(
    emulator: BotApiEmulator,
    make_settings: SettingsFactory,
    running_bot: BotStarter,
    fake_openai: FakeOpenAI,
) -> None:
    settings = _ai_settings(make_settings)
    user = emulator.user(4007, "Yen")
    async with running_bot(settings):
        await say(user, "/new One look", "One look")
        await say(user, "A red lantern", "Scene 1")
        await say(user, "A blue boat", "Scene 2")
        await say(user, "/storyboard", "Scene 1/2")
        await user.wait_for_text("Storyboard ready")
        panel = next(m for m in user.bot_messages() if m.has_button("Keep this look"))
        mark = user.mark()
        await user.press_button(panel, "Keep this look")
        await user.wait_for(lambda m: m.has_button("Kept (tap to release)"), after=mark)
        [(kept_sha,)] = query(
            settings.database_path, "select picture_sha from scenes where position = 1"
        )
        kept = (settings.media_dir / kept_sha[:2] / f"{kept_sha}.jpg").read_bytes()
        album = [m for m in user.bot_messages() if m.media_kind == "photo"]
        second = next(m for m in album if m.text.startswith("2."))
        mark = user.mark()
        await user.send_text("A blue boat at dusk", reply_to=second.message_id)
        await user.wait_for(lambda m: "Storyboard ready" in m.text, after=mark, timeout=60)
    last_edit = fake_openai.requests_to("images/edits")[-1]
    assert [part.data for part in last_edit.files["image[]"]] == [kept]
    assert len(fake_openai.requests_to("images/generations")) == 2


async def test_cancel_stops_a_storyboard_and_says_so(
    emulator: BotApiEmulator,
    make_settings: SettingsFactory,
    running_bot: BotStarter,
    fake_openai: FakeOpenAI,
) -> None:
    fake_openai.slow("images/generations", 1.0, times=None)
    settings = _ai_settings(make_settings, provider_concurrency=1)
    user = emulator.user(4010, "Khoa")
    async with running_bot(settings):
        await new_project(user, "Slow pictures", "Temple bells", "Incense smoke", "Monks at dawn")
        progress = await say(user, "/storyboard", "Preparing the storyboard")
        await say(user, "/cancel", "Stopping")
        await user.wait_for(
            lambda m: m.message_id == progress.message_id and "Storyboard stopped" in m.text,
            timeout=30,
        )
    assert len(fake_openai.requests_to("images/generations")) < 3
    assert query(settings.database_path, "select state from jobs") == [("cancelled",)]
