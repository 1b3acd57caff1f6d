"""Restyled footage end to end: a video message, "restyle the footage", /render, the cost
question, and the restyle (the fake Runway's red tint) in the probed video."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import BotStarter, SettingsFactory
from tests.e2e.helpers import say
from tests.support.database import query
from tests.support.fake_runway import FakeRunway
from tests.support.synthetic_media import make_clip
from tests.support.telegram_emulator import BotApiEmulator
from tests.support.video_checks import probe, video_frames


@pytest.fixture
async def fake_runway() -> AsyncIterator[FakeRunway]:
    """A fake Runway API for the bot's restyles."""
    async with FakeRunway() as fake:
        yield fake


def _redness(path: Path, second: float) -> float:
    """How much redder than green and blue a frame of the video is (1: grey)."""
    info = probe(path)
    index = round(second * info.fps)
    frame = video_frames(path, {index})[index].reshape(-1, 3).astype(np.float64)
    red, green, blue = frame.mean(axis=0)
    return float(red / max(1.0, (green + blue) / 2))


async def _jobs_settled(database: Path, polls: int = 600) -> None:
    """Wait until no job is queued or running (a video is sent before its job is closed)."""
    busy = "select count(*) from jobs where state in ('queued', 'running')"
    for _ in range(polls):
        if query(database, busy) == [(0,)]:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"a job was still running: {query(database, 'select * from jobs')}")


@pytest.mark.slow
async def test_a_video_message_is_restyled_after_the_cost_question(
    emulator: BotApiEmulator,
    make_settings: SettingsFactory,
    running_bot: BotStarter,
    fake_runway: FakeRunway,
    tmp_path: Path,
) -> None:
    settings = make_settings(
        runwayml_api_secret=fake_runway.secret,
        runwayml_base_url=fake_runway.base_url,
        runway_poll_interval=0.05,
        confirm_cost_above_usd=0.05,
    )
    clip = make_clip(tmp_path / "harbour.mp4", seconds=6.0, width=320, height=568)
    user = emulator.user(4301, "Thao")
    async with running_bot(settings):
        await say(user, "/new Harbour", "Harbour")
        mark = user.mark()
        await user.send_video(clip.read_bytes(), caption="Boats in the harbour")
        await user.wait_for_text("shows your clip", after=mark)
        await say(user, "restyle the footage", "Footage restyled by Runway: on")

        mark = user.mark()
        await user.send_text("/render")
        question = await user.wait_for(lambda m: m.has_button("Go ahead"), after=mark)
        # One scene of 4 s (no song): 4 s at Aleph's 15 credits = $0.60, asked before any call.
        assert "$0.6" in question.text, user.transcript()
        assert not fake_runway.requests_to("video_to_video")
        mark = user.mark()
        await user.press_button(question, "Go ahead")
        video = await user.wait_for_video(timeout=180, after=mark)
        assert video.file_bytes is not None
        first = tmp_path / "first.mp4"
        first.write_bytes(video.file_bytes)

        # Again: the kept restyle, no question (nothing to pay), no second call.
        await _jobs_settled(settings.database_path)
        mark, last = user.mark(), user.last_bot_message().message_id
        await user.send_text("/render")
        again = await user.wait_for_video(timeout=180, after=mark)
        later = [m for m in user.bot_messages() if m.message_id > last]
        assert not any(m.has_button("Go ahead") for m in later), user.transcript()

    (create,) = fake_runway.requests_to("video_to_video")
    assert create.json["model"] == "aleph2" and create.json["ratio"] == "720:1280"
    info = probe(first)
    assert info.video_codec == "h264" and info.duration == pytest.approx(4.0, abs=0.3)
    # The restyle is what the video shows: the fake's tint, not the clip's own colours.
    assert _redness(first, 2.0) > 2.0
    assert _redness(clip, 2.0) < 1.6
    assert again.file_bytes is not None
    rows = query(settings.database_path, "select count(*) from restyles")
    assert rows == [(1,)]
    kinds = query(
        settings.database_path, "select kind from assets where kind in ('footage', 'restyled')"
    )
    assert sorted(kinds) == [("footage",), ("restyled",)]  # the original stays too
