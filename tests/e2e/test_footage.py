"""The director's own clips through the Bot API emulator: phone videos, files, round video
notes and GIFs become scenes; bad clips get a clear answer and change nothing."""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import Awaitable
from pathlib import Path

import numpy as np
import pytest

from bot.config import Settings
from tests.conftest import BotStarter, SettingsFactory
from tests.e2e.helpers import new_project, say, snapshot
from tests.support.database import query
from tests.support.synthetic_media import (
    cut_short,
    ffmpeg_exe,
    make_clip,
    make_gif,
    make_photo,
    make_song,
    make_vfr_clip,
    write_clip,
)
from tests.support.telegram_emulator import BotApiEmulator, BotMessage, SimulatedUser
from tests.support.video_checks import probe, video_frames

MIB = 1024 * 1024


def footage(settings: Settings, owner_id: int) -> list[tuple[int, str, str, int, int, int]]:
    """(position, idea, ext, width, height, rotation) of every scene showing a clip."""
    return [
        (row[0], row[1], row[2], row[3], row[4], row[5])
        for row in query(
            settings.database_path,
            "select s.position, s.idea, a.ext, a.width, a.height, a.rotation from scenes s "
            "join projects p on p.id = s.project_id join assets a on a.sha = s.footage_sha "
            "where p.owner_id = ? and a.kind = 'footage' order by s.position",
            (owner_id,),
        )
    ]


def footage_assets(settings: Settings) -> int:
    """How many clips the bot stored."""
    return int(
        query(settings.database_path, "select count(*) from assets where kind = 'footage'")[0][0]
    )


def words_only_mp4(folder: Path) -> bytes:
    """A real MP4 that holds neither picture nor sound: one subtitle track."""
    subtitles = folder / "words.srt"
    subtitles.write_text("1\n00:00:00,000 --> 00:00:02,000\nXin chào\n", encoding="utf-8")
    output = folder / "words.mp4"
    command = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-i", str(subtitles)]
    subprocess.run([*command, "-c:s", "mov_text", str(output)], check=True, capture_output=True)
    return output.read_bytes()


async def clip_bytes(path: Path, **clip: object) -> bytes:
    """A real clip made by ffmpeg (off the loop, so the bot keeps answering)."""
    made = await asyncio.to_thread(make_clip, path, **clip)  # type: ignore[arg-type]
    return made.read_bytes()


async def test_phone_media_become_scenes_by_the_photo_rules(
    emulator: BotApiEmulator,
    make_settings: SettingsFactory,
    running_bot: BotStarter,
    tmp_path: Path,
) -> None:
    settings = make_settings()
    user = emulator.user(2201, "Minh")
    rotated = await clip_bytes(tmp_path / "portrait.mp4", seconds=2.0, rotation=90)
    vfr = (await asyncio.to_thread(make_vfr_clip, tmp_path / "vfr.mp4")).read_bytes()
    hevc = await clip_bytes(tmp_path / "iphone.mov", seconds=1.5, codec="hevc", hdr="pq")
    round_note = await clip_bytes(tmp_path / "note.mp4", seconds=1.5, width=240, height=240)
    gif = (await asyncio.to_thread(make_gif, tmp_path / "loop.gif")).read_bytes()
    async with running_bot(settings):
        await new_project(user, "Phone footage")
        mark = user.mark()
        await user.send_video(rotated, caption="Chợ nổi Cái Răng")
        await user.wait_for_text("Scene 1 shows your clip: Chợ nổi Cái Răng", after=mark)
        # no caption: it joins the last scene, which already shows a clip
        mark = user.mark()
        await user.send_video(vfr)
        await user.wait_for_text(
            "Scene 1 already shows a clip, so this one starts scene 2 right after it", after=mark
        )
        mark = user.mark()
        await user.send_document(hevc, "IMG_0042.MOV", "video/quicktime", caption="Bến Ninh Kiều")
        await user.wait_for_text("Scene 3 shows your clip: Bến Ninh Kiều", after=mark)
        # a reply joins the scene replied to: an idea without a clip gets it
        idea = await say(user, "Sunset over the Hậu river", "Scene 4")
        mark = user.mark()
        await user.send_video_note(round_note, reply_to=idea.message_id)
        await user.wait_for_text("Scene 4 now shows your clip", after=mark)
        mark = user.mark()
        await user.send_animation(gif, "loop.gif", "image/gif", caption="A GIF loop")
        await user.wait_for_text("Scene 5 shows your clip: A GIF loop", after=mark)
        assert not emulator.app_errors
    # While a clip is read (probed, its liveliness scored) the chat shows the bot at work.
    actions = {c.params.get("action") for c in emulator.calls_to("sendChatAction")}
    assert "upload_video" in actions
    assert footage(settings, 2201) == [
        (1, "Chợ nổi Cái Răng", "mp4", 240, 320, 90),
        (2, "Chợ nổi Cái Răng", "mp4", 320, 240, 0),
        (3, "Bến Ninh Kiều", "mov", 320, 240, 0),
        (4, "Sunset over the Hậu river", "mp4", 240, 240, 0),
        (5, "A GIF loop", "gif", 160, 120, 0),
    ]


@pytest.mark.slow
async def test_an_album_of_videos_and_photos_gets_one_answer(
    emulator: BotApiEmulator,
    make_settings: SettingsFactory,
    running_bot: BotStarter,
    tmp_path: Path,
) -> None:
    settings = make_settings()
    user = emulator.user(2202, "Hà")
    first = await clip_bytes(tmp_path / "a.mp4", seconds=1.0)
    second = await clip_bytes(tmp_path / "b.mp4", seconds=1.0, source="testsrc")
    async with running_bot(settings):
        await new_project(user, "Albums of clips")
        mark = user.mark()
        await user.send_video_album([first, second], caption="Phố cổ Hội An")
        answer = await user.wait_for_text("Scene 1 shows your clip: Phố cổ Hội An", after=mark)
        assert "Scene 2 shows your clip: Phố cổ Hội An" in answer.text  # the same answer
        await asyncio.sleep(2)  # the album is quiet: no second answer follows
        replies = [m for m in user.bot_messages() if m.message_id >= answer.message_id]
        assert len(replies) == 1
        # a photo and a clip in one album: the photo's caption starts scene 3, the clip joins it
        group = "14000000000000999"
        mark = user.mark()
        await user.send_photo(make_photo(640, 480, seed=3), "Cầu Nhật Bản", media_group_id=group)
        await user.send_video(first, media_group_id=group)
        mixed = await user.wait_for_text("Scene 3 gets 1 photo(s) and your clip", after=mark)
        assert "Cầu Nhật Bản" in mixed.text
    assert [row[:2] for row in footage(settings, 2202)] == [
        (1, "Phố cổ Hội An"),
        (2, "Phố cổ Hội An"),
        (3, "Cầu Nhật Bản"),
    ]


def clip_sound(settings: Settings, owner_id: int) -> list[str]:
    """The clip-sound option of the owner's projects."""
    rows = query(
        settings.database_path,
        "select footage_sound from projects where owner_id = ? order by id",
        (owner_id,),
    )
    return [row[0] for row in rows]


async def test_the_clip_sound_is_a_button_and_words_in_both_languages(
    emulator: BotApiEmulator, make_settings: SettingsFactory, running_bot: BotStarter
) -> None:
    settings = make_settings()
    user = emulator.user(2205, "Lộc")
    async with running_bot(settings):
        [created] = [await say(user, "/new Sounds", "Sounds")]
        mark = user.mark()
        await user.press_button(created, "Keep the clips' own sound: off")
        await user.wait_for(lambda m: any("own sound: on" in str(b) for b in m.buttons), after=mark)
        assert clip_sound(settings, 2205) == ["duck"]
        await say(user, "mute the clip sound", "The clips' own sound: off")
        assert clip_sound(settings, 2205) == ["drop"]
        choose = await say(user, "/lang", "Choose your language")
        mark = user.mark()
        await user.press_button(choose, "Tiếng Việt")
        await user.wait_for_text("Đã chọn: Tiếng Việt", after=mark)
        await say(user, "giữ tiếng của clip", "Tiếng của clip: bật")
        assert clip_sound(settings, 2205) == ["duck"]
        await say(user, "/undo", "Tiếng của clip")
        assert clip_sound(settings, 2205) == ["drop"]
        assert not emulator.app_errors


async def refused(
    user: SimulatedUser, settings: Settings, send: Awaitable[int], expect: str
) -> None:
    """Send a bad clip; the answer says `expect` and the project is as it was."""
    before = snapshot(settings, user.user_id)
    assets = footage_assets(settings)
    mark = user.mark()
    await send
    await user.wait_for_text(expect, after=mark)
    assert snapshot(settings, user.user_id) == before
    assert footage_assets(settings) == assets


async def test_bad_clips_get_a_clear_answer_and_change_nothing(
    emulator: BotApiEmulator,
    make_settings: SettingsFactory,
    running_bot: BotStarter,
    tmp_path: Path,
) -> None:
    settings = make_settings(max_footage_seconds=3.0)
    user = emulator.user(2203, "Tâm")
    whole = await asyncio.to_thread(make_clip, tmp_path / "whole.mp4", 2.0)
    truncated = cut_short(whole, tmp_path / "truncated.mp4").read_bytes()
    one_frame = await clip_bytes(tmp_path / "one.mp4", seconds=0.04)
    flat = "color=c=gray"  # cheap to encode at 4K
    uhd60 = await clip_bytes(
        tmp_path / "uhd60.mp4", seconds=0.5, width=3840, height=2160, fps=60, source=flat
    )
    too_long = await clip_bytes(tmp_path / "long.mp4", seconds=4.0, width=160, height=120)
    nothing = await asyncio.to_thread(words_only_mp4, tmp_path)
    async with running_bot(settings):
        await new_project(user, "Bad clips", "The harbour at dawn")
        await refused(user, settings, user.send_video(truncated), "cut off part way")
        await refused(user, settings, user.send_video(one_frame), "a single frame")
        await refused(user, settings, user.send_video(uhd60), "send it as 4K 30 fps or 1080p")
        await refused(user, settings, user.send_video(too_long), "the limit is 0:03")
        await refused(
            user,
            settings,
            user.send_document(nothing, "empty.mp4", "video/mp4"),
            "That file holds no video",
        )
        downloads = len(emulator.calls_to("getFile"))
        await refused(
            user,
            settings,
            user.send_file_too_big("video", "huge.mp4", "video/mp4", size=25 * MIB),
            "over 20 MB",
        )
        assert len(emulator.calls_to("getFile")) == downloads  # refused before downloading
        # An .mp4 of sound alone is what a song saved from the phone looks like.
        mark = user.mark()
        await user.send_document(make_song(seconds=5.0, fmt="m4a"), "voice memo.mp4", "video/mp4")
        await user.wait_for_text("sound but no picture, so I took it as the song", after=mark)
        await user.wait_for_text("Song of", after=mark)
        assert not emulator.app_errors
    [(_, _, song_sha)] = snapshot(settings, 2203).projects
    assert song_sha is not None and footage_assets(settings) == 0


def red_top(width: int, height: int, count: int) -> list[np.ndarray]:
    """Frames with a red band along the top that moves across them (the footage moves)."""
    frames = []
    for n in range(count):
        frame = np.full((height, width, 3), 40, dtype=np.uint8)
        frame[: height // 5] = (230, 20, 20)
        x = (n * 7) % (width - 20)
        frame[height // 2 : height // 2 + 20, x : x + 20] = 255
        frames.append(frame)
    return frames


async def render_when_free(user: SimulatedUser) -> BotMessage:
    """/render once the storyboard job the taps started has let go of the project (it says
    "ready" a moment before its row is done)."""
    for _ in range(20):
        mark = user.mark()
        await user.send_text("/render")
        answer = await user.wait_for(
            lambda m: (
                "still being prepared" in m.text or "Rendering" in m.text or m.media_kind == "video"
            ),
            after=mark,
            timeout=60,
        )
        if "still being prepared" not in answer.text:
            return await user.wait_for_video(timeout=180, after=mark)
        await asyncio.sleep(0.5)
    raise AssertionError(user.transcript())


def panel_with(user: SimulatedUser, text: str) -> BotMessage:
    """The newest storyboard panel that says `text`."""
    return next(m for m in reversed(user.bot_messages()) if "Scene 1/" in m.text and text in m.text)


@pytest.mark.slow
async def test_a_rendered_footage_scene_moves_upright_at_the_projects_size_and_fps(
    emulator: BotApiEmulator,
    make_settings: SettingsFactory,
    running_bot: BotStarter,
    tmp_path: Path,
) -> None:
    settings = make_settings()
    user = emulator.user(2204, "Quân")
    # Stored turned a quarter to the left, with metadata to turn it back: upright, red on top.
    stored = [np.ascontiguousarray(np.rot90(f)) for f in red_top(180, 320, 60)]
    clip = await asyncio.to_thread(write_clip, tmp_path / "phone.mov", stored, 10, rotation=90)
    async with running_bot(settings):
        await new_project(user, "Rendered footage")
        mark = user.mark()
        await user.send_document(
            clip.read_bytes(), "phone.mov", "video/quicktime", caption="Street"
        )
        await user.wait_for_text("Scene 1 shows your clip: Street", after=mark)
        await say(user, "start scene 1 at 0:02", "starts at 0:02")
        mark = user.mark()
        await user.send_text("/storyboard")
        await user.wait_for(lambda m: "Scene 1/1" in m.text, after=mark, timeout=60)
        clip_text = "clip 0:02–0:06 of 0:06"
        panel = panel_with(user, clip_text)
        preview = next(m for m in user.bot_messages() if m.text == "1. Street")
        shown = [preview.file_bytes]
        for button, stretch in (("◀ Clip", "clip 0:01–0:05 of 0:06"), ("Clip ▶", clip_text)):
            mark = user.mark()
            await user.press_button(panel, button)
            await user.wait_for(lambda m, text=stretch: text in m.text, after=mark)  # type: ignore[misc]
            # the preview is remade from the moved stretch, in place
            await user.wait_for(
                lambda m, was=shown[-1]: (
                    m.message_id == preview.message_id  # type: ignore[misc]
                    and m.file_bytes != was
                ),
                after=mark,
                timeout=60,
            )
            await user.wait_for(lambda m: "Storyboard ready" in m.text, after=mark, timeout=60)
            shown.append(user.bot_message(preview.message_id).file_bytes)
        assert len(set(shown)) == 2 and shown[0] == shown[2]  # back where it was
        video = await render_when_free(user)
        data = video.file_bytes
        assert data is not None
        assert not emulator.app_errors
    output = tmp_path / "out.mp4"
    output.write_bytes(data)
    info = probe(output)
    assert (info.width, info.height, round(info.fps)) == (360, 640, 24)
    frames = video_frames(output, {24, 30, 31, 60})
    # 1 s into the video is 3 s into the clip (its stretch starts at 0:02): the white square
    # the clip moves 7 px a frame (10 fps) begins at x = 50 of 180, twice that here (from 0:00
    # it would begin at 140)
    square = frames[24][info.height // 2 + 12 : info.height // 2 + 36].min(axis=(0, 2))
    square_x = int(np.flatnonzero(square > 200)[0])  # below the title, which is white too
    assert 90 <= square_x <= 110, square_x
    # the footage moves: consecutive frames differ
    assert np.abs(frames[30].astype(int) - frames[31].astype(int)).mean() > 0.5
    # upright: the red band is at the top of the picture, not down a side
    top = frames[60][: info.height // 8].reshape(-1, 3).mean(axis=0)
    side = frames[60][info.height // 3 :, : info.width // 6].reshape(-1, 3).mean(axis=0)
    assert top[0] > 150 > top[2] and side[0] < 120


def fits(settings: Settings, owner_id: int) -> list[str]:
    """Each scene's fit, in order."""
    return [
        str(row[0])
        for row in query(
            settings.database_path,
            "select s.fit from scenes s join projects p on p.id = s.project_id "
            "where p.owner_id = ? order by s.position",
            (owner_id,),
        )
    ]


@pytest.mark.slow
async def test_a_landscape_clip_shown_whole_in_a_vertical_video(
    emulator: BotApiEmulator,
    make_settings: SettingsFactory,
    running_bot: BotStarter,
    tmp_path: Path,
) -> None:
    settings = make_settings()
    user = emulator.user(2205, "Hạnh", language_code="vi")
    # A wide clip, red along its left edge and blue along its right: a 9:16 crop loses both.
    frames = red_top(320, 180, 40)
    for frame in frames:
        frame[:, :32], frame[:, -32:] = (230, 20, 20), (20, 20, 230)
    clip = await asyncio.to_thread(write_clip, tmp_path / "wide.mp4", frames, 10)
    async with running_bot(settings):
        await new_project(user, "Toàn cảnh")
        mark = user.mark()
        await user.send_video(clip.read_bytes(), caption="Cánh đồng lúa")
        await user.wait_for(lambda m: "Cánh đồng lúa" in m.text, after=mark)
        answer = await say(user, "đừng cắt cảnh 1", "nguyên khung hình")
        assert answer.has_button("Hoàn tác") and fits(settings, 2205) == ["contain"]
        await say(user, "hoàn tác", "Đã hoàn tác")
        assert fits(settings, 2205) == ["cover"]
        await say(user, "show the whole clip in scene 1", "nguyên khung hình")
        assert fits(settings, 2205) == ["contain"]
        video = await render_when_free(user)
        data = video.file_bytes
        assert data is not None and not emulator.app_errors
    output = tmp_path / "out.mp4"
    output.write_bytes(data)
    info = probe(output)
    assert (info.width, info.height) == (360, 640)
    frame = video_frames(output, {36})[36].astype(np.float32)
    inner = 2 * round(360 * 180 / 320 / 2)  # the whole clip: 202 rows across the middle
    band = frame[(640 - inner) // 2 + 50 : (640 + inner) // 2 - 50]
    left, right = band[:, 3:12].mean(axis=(0, 1)), band[:, -12:-3].mean(axis=(0, 1))
    assert left[0] > 150 > left[2] and right[2] > 150 > right[0], (left, right)
    above = frame[40 : (640 - inner) // 2 - 40]
    assert above.mean() < 0.7 * band.mean(), "above the clip: its darkened, blurred cover"
