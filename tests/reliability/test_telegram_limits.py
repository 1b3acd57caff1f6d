"""Telegram's limits: 429s are waited out and nothing is lost or reordered, a failed upload is
sent again, and a user who blocked the bot ends their job without a crash."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.app import DirectorApplication
from bot.studio.models import JobState
from tests.conftest import BotStarter, SettingsFactory
from tests.reliability.chat import eventually, say
from tests.support.database import query
from tests.support.synthetic_media import make_song
from tests.support.telegram_emulator import BotApiEmulator, SimulatedUser

pytestmark = [pytest.mark.slow, pytest.mark.timeout(60)]


def scene_numbers(user: SimulatedUser) -> list[int]:
    """The scene numbers of the bot's "Scene N:" replies, in the order they arrived."""
    numbers = []
    for message in user.bot_messages():
        match = re.match(r"✍️ Scene (\d+):", message.text)
        if match:
            numbers.append(int(match.group(1)))
    return numbers


async def test_under_flood_control_every_reply_arrives_in_order(
    emulator: BotApiEmulator, make_settings: SettingsFactory, running_bot: BotStarter
) -> None:
    users = [emulator.user(3301 + index, f"Flood {index}") for index in range(4)]
    ideas = 6
    async with running_bot(make_settings()):
        for user in users:
            await say(user, "/new Flood", "Flood")
        emulator.flood_every(4, retry_after=1, methods=["sendMessage"])
        # Everyone types fast: all ideas go out before any reply is back.
        for index in range(1, ideas + 1):
            for user in users:
                await user.send_text(f"Idea {index} from {user.first_name}")
        await eventually(
            lambda: all(len(scene_numbers(u)) >= ideas for u in users), 45, "every reply"
        )
        emulator.flood_off()
    flooded = [call for call in emulator.failed_calls() if call.error_code == 429]
    assert flooded, "the emulator never answered 429: the test proves nothing"
    for user in users:
        assert scene_numbers(user) == list(range(1, ideas + 1)), user.transcript()
        texts = [m.text for m in user.bot_messages() if m.text.startswith("✍️")]
        assert texts == [
            f"✍️ Scene {i}: Idea {i} from {user.first_name}" for i in range(1, ideas + 1)
        ]
    # Only the flood: no send failed for another reason (getUpdates may see a conflict when a
    # long poll times out on the client while the 429 pause holds every request).
    assert not [
        c for c in emulator.failed_calls() if c.error_code != 429 and c.method != "getUpdates"
    ]


async def test_a_video_upload_that_fails_is_sent_again_and_titles_stay_literal(
    emulator: BotApiEmulator, make_settings: SettingsFactory, running_bot: BotStarter
) -> None:
    settings = make_settings()
    user = emulator.user(3302, "Upload")
    title = "<b>Tom & Jerry's</b> *best* _cut_ [x](y) `z`"
    async with running_bot(settings):
        await say(user, f"/new {title}", "Tom & Jerry")
        await say(user, "A chase through the kitchen", "Scene 1")
        emulator.fail_next("sendVideo", "Internal Server Error", error_code=500)
        await say(user, "/render", "Rendering")
        video = await user.wait_for_video(timeout=40)
    assert video.text.startswith(f"🎬 {title}")
    sends = emulator.calls_to("sendVideo")
    assert [call.response_ok for call in sends] == [False, True]
    assert query(settings.database_path, "select state from jobs") == [(JobState.DONE.value,)]
    assert not [
        c for c in emulator.failed_calls() if c.error_code != 500 and c.method != "getUpdates"
    ]


async def test_a_user_who_blocks_the_bot_mid_render_ends_the_job_quietly(
    emulator: BotApiEmulator, make_settings: SettingsFactory, running_bot: BotStarter
) -> None:
    settings = make_settings()
    leaver, stayer = emulator.user(3303, "Leaver"), emulator.user(3304, "Stayer")
    async with running_bot(settings) as application:
        await say(leaver, "/new Goodbye", "Goodbye")
        await say(leaver, "Waves at night", "Scene 1")
        mark = leaver.mark()
        await leaver.send_audio(make_song(seconds=30, fmt="mp3"), "long.mp3", "audio/mpeg", 30)
        await leaver.wait_for_text("long.mp3", after=mark)
        progress = await say(leaver, "/render", "Rendering")
        await leaver.wait_for(
            lambda m: m.message_id == progress.message_id and bool(m.edits),
            timeout=30,
            what="a progress edit",
        )
        emulator.block_user(leaver.chat_id)
        await _wait_for_state(application, settings.database_path, "failed")
        await say(stayer, "Still there?", "Scene 1")
    assert query(settings.database_path, "select state, error from jobs") == [
        ("failed", "recipient_gone")
    ]
    assert not emulator.calls_to("sendVideo")
    assert not emulator.app_errors


async def _wait_for_state(application: DirectorApplication, database: Path, state: str) -> None:
    await eventually(
        lambda: query(database, "select state from jobs") == [(state,)],
        30,
        f"the job to be {state}",
    )
    await application.bot_data.runner.wait_idle()
