"""Credit where it is due, through the Bot API emulator in a private chat: captions and
forwards name the work, /credits lists it, a reply corrects a line and /undo takes it back,
the switch works, the video ends with the credits card and the export carries the credits."""

from __future__ import annotations

import asyncio
import io
import json
import zipfile
from pathlib import Path

import numpy as np
import pytest

from bot.media.cards import make_credits_card
from bot.providers.styles_file import load_styles
from tests.conftest import BotStarter, SettingsFactory
from tests.e2e.helpers import say
from tests.e2e.test_heic import iphone_heic
from tests.support.database import query
from tests.support.synthetic_media import make_clip, make_photo, make_song
from tests.support.telegram_emulator import (
    BotApiEmulator,
    BotMessage,
    SimulatedUser,
    origin_channel,
)
from tests.support.video_checks import probe, video_frames

SONG_SECONDS = 20.0


async def _material(user: SimulatedUser, tmp_path: Path) -> None:
    """Two captioned photos, a photo forwarded from a channel, and a captioned clip."""
    await say(user, "/new Hà Nội phố", "Hà Nội phố")
    mark = user.mark()
    await user.send_photo(make_photo(640, 480, seed=1), caption="Sông Hồng lúc sớm © Anna Lee")
    await user.wait_for_text("Scene 1", after=mark)
    mark = user.mark()
    await user.send_photo(make_photo(640, 480, seed=2), caption="Phố cổ về đêm\nẢnh: Trần Minh")
    await user.wait_for_text("Scene 2", after=mark)
    mark = user.mark()
    origin = origin_channel(-1001234, "Ảnh Việt", 77, "Hoàng Nam")
    await user.send_forwarded_photo(make_photo(640, 480, seed=3), origin, "Cầu Long Biên")
    await user.wait_for_text("Scene 3", after=mark)
    clip = await asyncio.to_thread(make_clip, tmp_path / "market.mp4", seconds=2.0)
    mark = user.mark()
    await user.send_video(clip.read_bytes(), caption="Chợ đêm © Lan Phạm")
    await user.wait_for_text("Scene 4 shows your clip: Chợ đêm", after=mark)


async def _credits(user: SimulatedUser) -> list[BotMessage]:
    """/credits, and the messages it sent (heading, lines, hint)."""
    mark = user.mark()
    await user.send_text("/credits")
    await user.wait_for_text("Reply to a line", after=mark)
    return [m for m in user.bot_messages() if m.revision > mark and not m.deleted]


def _line(messages: list[BotMessage], text: str) -> BotMessage:
    return next(m for m in messages if text in m.text)


async def test_credits_from_captions_and_forwards_corrected_by_reply_and_undone(
    emulator: BotApiEmulator,
    make_settings: SettingsFactory,
    running_bot: BotStarter,
    tmp_path: Path,
) -> None:
    settings = make_settings()
    user = emulator.user(7301, "Dũng", username="dung_director")
    async with running_bot(settings):
        await _material(user, tmp_path)
        shown = await _credits(user)
        texts = "\n".join(m.text for m in shown)
        assert "Photographs by Anna Lee — scene 1" in texts
        assert "Photographs by Trần Minh — scene 2" in texts
        assert "Photographs by Hoàng Nam (Ảnh Việt) — scene 3" in texts
        assert "Footage by Lan Phạm — scene 4" in texts
        assert "Directed by Dũng" in texts
        assert "ends with a credits card" in texts  # crew work arrived: the card is on

        # The director corrects one line by replying to it; /undo takes it back.
        line = _line(shown, "Trần Minh")
        mark = user.mark()
        await user.send_text("© Trần Văn Minh", reply_to=line.message_id)
        await user.wait_for_text("Credited to: Trần Văn Minh", after=mark)
        assert "Photographs by Trần Văn Minh — scene 2" in "\n".join(
            m.text for m in await _credits(user)
        )
        await say(user, "/undo", "Credited to: Trần Văn Minh")
        again = "\n".join(m.text for m in await _credits(user))
        assert "Photographs by Trần Minh — scene 2" in again and "Văn" not in again

        # The option switch, as a button and in words.
        status = await say(user, "/status", "Hà Nội phố")
        assert status.has_button("🎬 Credits card at the end: on")
        mark = user.mark()
        query_id = await user.press_button(status, "🎬 Credits card at the end: on")
        await user.wait_for_callback_answer(query_id)
        # The answer may come before the keyboard's edit: wait for the edit itself.
        await user.wait_for(
            lambda m: (
                m.message_id == status.message_id
                and m.has_button("🎬 Credits card at the end: off")
            ),
            after=mark,
            what="the switch turned off",
        )
        await say(user, "bật danh đề", "The credits card at the end")
        assert "ends with a credits card" in "\n".join(m.text for m in await _credits(user))
        assert not emulator.app_errors
    ideas = [
        row[0] for row in query(settings.database_path, "select idea from scenes order by position")
    ]
    assert ideas == ["Sông Hồng lúc sớm", "Phố cổ về đêm", "Cầu Long Biên", "Chợ đêm"]
    senders = query(
        settings.database_path,
        "select distinct sender_id, sender_username from credits "
        "where role in ('photo', 'footage')",
    )
    assert senders == [(7301, "dung_director")]


async def test_an_albums_credit_a_heic_file_and_the_songs_telegram_tags(
    emulator: BotApiEmulator,
    make_settings: SettingsFactory,
    running_bot: BotStarter,
) -> None:
    settings = make_settings()
    user = emulator.user(7303, "Dũng")
    photos = [make_photo(480, 360, seed=seed) for seed in (11, 12, 13)]
    async with running_bot(settings):
        await say(user, "/new Tây Bắc", "Tây Bắc")
        mark = user.mark()
        await user.send_album(photos, caption="Mù Cang Chải mùa lúa chín © Hoàng Nam")
        await user.wait_for_text("Scene 1", after=mark)
        mark = user.mark()
        await user.send_document(
            iphone_heic(320, 240), "IMG_4033.HEIC", "image/heic", caption="Sa Pa\nẢnh của Lê Hoa"
        )
        await user.wait_for_text("Scene 2", after=mark)
        mark = user.mark()
        await user.send_audio(
            make_song(seconds=6), "track01.mp3", "audio/mpeg", 6, "Tây Bắc", "Trần Tiến"
        )
        await user.wait_for_text("track01.mp3", after=mark)
        texts = "\n".join(m.text for m in await _credits(user))
        assert not emulator.app_errors
    assert "Photographs by Hoàng Nam — scene 1" in texts
    assert "Photographs by Lê Hoa — scene 2" in texts
    assert "Music: Trần Tiến – Tây Bắc" in texts
    assert "Photographs by Dũng" not in texts  # every item of the album is Hoàng Nam's
    ideas = [row[0] for row in query(settings.database_path, "select idea from scenes")]
    assert ideas == ["Mù Cang Chải mùa lúa chín", "Sa Pa"]


@pytest.mark.slow
async def test_the_video_ends_with_the_credits_card_and_the_export_carries_the_credits(
    emulator: BotApiEmulator,
    make_settings: SettingsFactory,
    running_bot: BotStarter,
    tmp_path: Path,
) -> None:
    settings = make_settings()
    user = emulator.user(7302, "Dũng")
    song = make_song(seconds=SONG_SECONDS)
    async with running_bot(settings):
        await _material(user, tmp_path)
        mark = user.mark()
        await user.send_audio(
            song, "song.mp3", "audio/mpeg", int(SONG_SECONDS), "Hà Nội mùa thu", "Trần Tiến"
        )
        await user.wait_for_text("song.mp3", after=mark)
        await say(user, "music: Trần Tiến - Nhớ về Hà Nội", "Music: Trần Tiến - Nhớ về Hà Nội")
        mark = user.mark()
        await user.send_text("/render")
        video = await user.wait_for_video(timeout=300, after=mark)
        mark = user.mark()
        await user.press_button(video, "Export project")
        document = await user.wait_for_document(timeout=60, after=mark)
        assert not emulator.app_errors
    assert video.file_bytes is not None and document.file_bytes is not None
    path = tmp_path / "credits.mp4"
    path.write_bytes(video.file_bytes)
    info = probe(path)
    assert info.duration == pytest.approx(SONG_SECONDS, abs=0.5)  # the card is within the song

    # The card holds the video's last seconds: a frame of it is the card as drawn.
    style = load_styles()[settings.default_style]
    expected = np.asarray(
        make_credits_card(
            [
                ("Photographs by", ["Anna Lee", "Trần Minh", "Hoàng Nam (Ảnh Việt)"]),
                ("Footage by", ["Lan Phạm"]),
                ("Music", ["Trần Tiến - Nhớ về Hà Nội"]),
                ("Directed by", ["Dũng"]),
            ],
            style,
            info.width,
            info.height,
        ),
        dtype=np.int16,
    )
    on_card = round((SONG_SECONDS - 2.5) * info.fps)
    in_scene_four = round((SONG_SECONDS - 5.5) * info.fps)
    frames = video_frames(path, {on_card, in_scene_four})

    def distance(frame: np.ndarray) -> float:
        return float(np.abs(frame.astype(np.int16) - expected).mean())

    assert distance(frames[on_card]) < 8.0
    assert distance(frames[in_scene_four]) > 3 * distance(frames[on_card])

    with zipfile.ZipFile(io.BytesIO(document.file_bytes)) as archive:
        credits_txt = archive.read("credits.txt").decode("utf-8")
        storyboard = json.loads(archive.read("storyboard.json"))
    assert "Photographs by\n  Anna Lee (1)\n  Trần Minh (2)" in credits_txt
    assert "Footage by\n  Lan Phạm (4)" in credits_txt
    assert "Music\n  Trần Tiến - Nhớ về Hà Nội" in credits_txt
    scene_credits = [
        [(c["role"], c["name"], c["source"]) for c in s["credits"]] for s in storyboard["scenes"]
    ]
    assert scene_credits == [
        [("photo", "Anna Lee", "caption")],
        [("photo", "Trần Minh", "caption")],
        [("photo", "Hoàng Nam (Ảnh Việt)", "forward")],
        [("footage", "Lan Phạm", "caption")],
    ]
