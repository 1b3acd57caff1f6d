"""SIGKILL the real bot in the middle of work, start it again: the work resumes by itself,
nothing finished is made (or paid for) twice, and no process is left behind."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest

from tests.reliability.bot_process import (
    bot_environment,
    bot_process,
    wait_for_row,
    wait_until_gone,
)
from tests.reliability.chat import say, set_up_project
from tests.support.database import query
from tests.support.fake_openai import FakeOpenAI
from tests.support.synthetic_media import make_photo, make_song
from tests.support.telegram_emulator import BotApiEmulator, SimulatedUser

pytestmark = [pytest.mark.slow, pytest.mark.timeout(120)]

SCENE_PICTURES = "select s.id, s.picture_sha, s.picture_key from scenes s order by s.id"


def picture_files(data_dir: Path, rows: list[tuple[Any, ...]]) -> dict[str, tuple[int, int]]:
    """(inode, mtime) of every scene picture file: a remade picture would be a new file."""
    stats = {}
    for _, sha, _ in rows:
        path = data_dir / "media" / sha[:2] / f"{sha}.jpg"
        stat = path.stat()
        stats[sha] = (stat.st_ino, stat.st_mtime_ns)
    return stats


async def _add_song(user: SimulatedUser, seconds: int) -> None:
    mark = user.mark()
    await user.send_audio(make_song(seconds=seconds, fmt="mp3"), "song.mp3", "audio/mpeg", seconds)
    await user.wait_for_text("song.mp3", after=mark)


async def test_a_render_killed_mid_encode_resumes_and_keeps_its_pictures(
    emulator: BotApiEmulator, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    database = data_dir / "pocket_director.db"
    # Long enough that the kill lands mid-encode, whatever the progress store interval.
    env = bot_environment(emulator, data_dir, RENDER_SHORT_SIDE="540")
    user = emulator.user(3101, "Kim")
    async with bot_process(env, tmp_path / "first.log") as first:
        await set_up_project(user, "Crash test", ideas=3)
        mark = user.mark()
        await user.send_photo(make_photo(800, 600, seed=3), caption="A photo of the coast")
        await user.wait_for_text("Scene 4 starts with this photo", after=mark)
        await _add_song(user, 90)
        await say(user, "/render", "Rendering")
        await wait_for_row(
            database,
            "select step, progress from jobs",
            lambda row: row[0] == "render" and row[1] >= 0.3,
            60,
            "the render to be encoding",
        )
        pictures = query(database, SCENE_PICTURES)
        assert len(pictures) == 4 and all(sha for _, sha, _ in pictures)
        files = picture_files(data_dir, pictures)
        assets = query(database, "select count(*) from assets where kind = 'picture'")
        killed_at = time.monotonic()
        first.kill()
    # The render worker and its ffmpeg lead their own process group: they must notice.
    orphans_gone_in = await wait_until_gone(f"DATA_DIR={data_dir}", timeout=15)
    assert query(database, "select state from jobs") == [("running",)]

    mark = user.mark()
    async with bot_process(env, tmp_path / "second.log") as second:
        video = await user.wait_for_video(timeout=90, after=mark)
        resumed_in = time.monotonic() - killed_at
    assert "resumed after a restart" in video.text, second.log()
    assert query(database, SCENE_PICTURES) == pictures
    assert picture_files(data_dir, pictures) == files
    assert query(database, "select count(*) from assets where kind = 'picture'") == assets
    assert query(database, "select state, attempts, error from jobs") == [("done", 2, None)]
    assert len(emulator.calls_to("sendVideo")) == 1
    print(
        f"workers gone {orphans_gone_in:.1f} s after the SIGKILL; "
        f"resumed video {resumed_in:.1f} s after it"
    )


async def _until_quiet(fake: FakeOpenAI, quiet_seconds: float = 0.5) -> None:
    """Wait until the fake has received no new request for `quiet_seconds`."""
    seen = -1
    while seen != len(fake.requests):
        seen = len(fake.requests)
        await asyncio.sleep(quiet_seconds)


async def test_a_batch_of_paid_pictures_killed_midway_is_not_paid_twice(
    emulator: BotApiEmulator, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    database = data_dir / "pocket_director.db"
    async with FakeOpenAI() as fake:
        # One picture at a time, each taking a while: the kill lands between pictures.
        fake.slow("images/generations", 0.6, times=None)
        env = bot_environment(
            emulator,
            data_dir,
            POCKET_DIRECTOR_PROVIDER="openai",
            OPENAI_API_KEY="sk-test-0123456789abcdef",
            OPENAI_BASE_URL=fake.base_url,
            PROVIDER_CONCURRENCY="1",
            OPENAI_MAX_RETRIES="0",
        )
        user = emulator.user(3102, "Lam")
        async with bot_process(env, tmp_path / "first.log") as first:
            await set_up_project(user, "Paid pictures", ideas=6)
            await say(user, "/render", "Rendering")
            made = "select count(*) from scenes where picture_sha is not null"
            await wait_for_row(
                database, made, lambda row: row[0] >= 2, 60, "two pictures to be made"
            )
            first.kill()
        await wait_until_gone(f"DATA_DIR={data_dir}", timeout=15)
        # A request the killed bot had already written may still sit unread in the fake's
        # socket: let it arrive (and count as "before") until the fake's log stands still.
        await _until_quiet(fake)
        finished = {
            row[0]
            for row in query(database, "select idea from scenes where picture_sha is not null")
        }
        calls_before = len(fake.requests_to("images/generations"))
        paid_before = query(database, "select count(*) from usage")[0][0]

        mark = user.mark()
        async with bot_process(env, tmp_path / "second.log") as second:
            video = await user.wait_for_video(timeout=90, after=mark)
        assert "resumed after a restart" in video.text, second.log()

    calls_after = fake.requests_to("images/generations")[calls_before:]
    prompts_after = [str(call.json) for call in calls_after]
    # No finished picture is asked for again; each missing one exactly once.
    for idea in finished:
        assert not any(idea in prompt for prompt in prompts_after), idea
    # On failure the second run's log says which picture was asked for again, and why.
    assert len(calls_after) == 6 - len(finished), (prompts_after, second.log())
    assert query(database, "select count(*) from usage")[0][0] == paid_before + len(calls_after)
    assert query(database, "select count(*) from scenes where picture_sha is null") == [(0,)]
