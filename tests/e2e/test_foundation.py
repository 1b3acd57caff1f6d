"""A director's whole first session, through the real Application and the Bot API emulator."""

from __future__ import annotations

import json

import pytest

from tests.conftest import BotStarter, SettingsFactory
from tests.support.database import query
from tests.support.synthetic_media import make_photo, make_song
from tests.support.telegram_emulator import BotApiEmulator
from tests.support.video_checks import moov_before_mdat, probe

pytestmark = pytest.mark.slow


async def test_chat_in_music_video_out(
    emulator: BotApiEmulator, make_settings: SettingsFactory, running_bot: BotStarter
) -> None:
    settings = make_settings(render_short_side=720, render_fps=24)
    linh = emulator.user(1001, "Linh", language_code="en")
    async with running_bot(settings):
        await linh.send_text("/new Ha Long at dawn")
        await linh.wait_for_text("Ha Long at dawn")
        for idea in (
            "Fishing boats leave the harbour in the mist",
            "Karst islands glow as the sun rises",
            "A kayak glides into a hidden lagoon",
        ):
            mark = linh.mark()
            await linh.send_text(idea)
            await linh.wait_for_text(idea[:20], after=mark)
        mark = linh.mark()
        await linh.send_photo(make_photo(1600, 1200, seed=1))
        attached = await linh.wait_for_text("Photo added to scene 3", after=mark)
        assert "kayak" in attached.text
        mark = linh.mark()
        await linh.send_photo(make_photo(1200, 1600, seed=2), caption="Vịnh Hạ Long lúc bình minh")
        await linh.wait_for_text("Scene 4 starts with this photo", after=mark)
        mark = linh.mark()
        await linh.send_audio(
            make_song(seconds=20.0, bpm=120.0, fmt="mp3"), "dawn.mp3", "audio/mpeg", duration=20
        )
        await linh.wait_for_text("dawn.mp3", after=mark)

        mark = linh.mark()
        await linh.send_text("/render")
        progress = await linh.wait_for_text("Rendering", after=mark)
        video_message = await linh.wait_for_video(timeout=180)

    assert any(
        call.method == "sendVideo" and call.params.get("supports_streaming")
        for call in emulator.calls
    )
    send_video = emulator.last_call("sendVideo")
    assert int(send_video.params["width"]) == 720
    assert int(send_video.params["height"]) == 1280
    assert abs(int(send_video.params["duration"]) - 20) <= 1
    assert video_message.thumbnail_bytes is not None
    assert len(progress.edits) >= 1, "the progress message was never edited"
    assert "Done" in progress.text
    actions = [action for _, action in linh.chat_actions]
    assert {"upload_photo", "record_video", "upload_video"} <= set(actions), actions
    assert actions.index("record_video") < actions.index("upload_video")

    video_file = settings.data_dir / "received.mp4"
    assert video_message.file_bytes is not None
    video_file.write_bytes(video_message.file_bytes)
    info = probe(video_file)
    assert info.video_codec == "h264"
    assert info.audio_codec == "aac"
    assert (info.width, info.height) == (720, 1280)
    assert info.duration == pytest.approx(20.0, abs=0.5)
    assert moov_before_mdat(video_file)
    [(tempo, beats)] = query(
        settings.database_path, "select tempo_bpm, beats_json from assets where kind = 'song'"
    )
    assert tempo == pytest.approx(120.0, rel=0.02)
    assert len(json.loads(beats)) >= 35


async def test_a_video_over_the_upload_limit_is_sized_down_and_says_so(
    emulator: BotApiEmulator, make_settings: SettingsFactory, running_bot: BotStarter
) -> None:
    settings = make_settings(render_short_side=720, render_fps=24, upload_limit_mb=1)
    user = emulator.user(1002, "Tuan", language_code="en")
    async with running_bot(settings):
        await user.send_text("/new Tight limit")
        await user.wait_for_text("Tight limit")
        for seed in (3, 4):
            mark = user.mark()
            await user.send_photo(make_photo(1600, 1200, seed=seed), caption=f"Hillside {seed}")
            await user.wait_for_text("starts with this photo", after=mark)
        mark = user.mark()
        await user.send_audio(
            make_song(seconds=20.0, fmt="mp3"), "hills.mp3", "audio/mpeg", duration=20
        )
        await user.wait_for_text("hills.mp3", after=mark)
        mark = user.mark()
        await user.send_text("/render")
        video_message = await user.wait_for_video(timeout=180, after=mark)

    assert video_message.file_bytes is not None
    assert len(video_message.file_bytes) <= settings.upload_limit < 1024 * 1024
    video_file = settings.data_dir / "received.mp4"
    video_file.write_bytes(video_message.file_bytes)
    info = probe(video_file)
    assert min(info.width, info.height) < 720
    assert info.duration == pytest.approx(20.0, abs=0.5)
    assert f"Sized down to {info.width}×{info.height}" in video_message.text


async def test_a_song_whose_video_cannot_fit_the_upload_limit_is_refused(
    emulator: BotApiEmulator, make_settings: SettingsFactory, running_bot: BotStarter
) -> None:
    settings = make_settings(upload_limit_mb=1)  # a 1 MB video holds at most 0:44
    user = emulator.user(1003, "Hoa", language_code="en")
    async with running_bot(settings):
        await user.send_text("/new Too long")
        await user.wait_for_text("Too long")
        mark = user.mark()
        await user.send_audio(
            make_song(seconds=60.0, fmt="mp3"), "long.mp3", "audio/mpeg", duration=60
        )
        await user.wait_for_text("That song is too long: the limit is 0:44", after=mark)
        mark = user.mark()
        await user.send_audio(
            make_song(seconds=30.0, fmt="mp3"), "short.mp3", "audio/mpeg", duration=30
        )
        await user.wait_for_text("short.mp3", after=mark)
    assert query(settings.database_path, "select count(*) from assets where kind = 'song'") == [
        (1,)
    ]
