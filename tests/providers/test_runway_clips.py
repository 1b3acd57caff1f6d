"""The Runway clip maker against the fake Runway server: tasks, polling, retries, failures."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.errors import ProviderError
from bot.providers.runway_clips import RunwayClipMaker, clip_cost, clip_seconds
from bot.studio.ports import ClipRequest
from tests.support.fake_runway import API_VERSION, FakeRunway
from tests.support.synthetic_media import make_photo
from tests.support.video_checks import probe

SECRET = "key_test_secret_0123456789"


@pytest.fixture
async def fake() -> AsyncIterator[FakeRunway]:
    async with FakeRunway(secret=SECRET) as server:
        yield server


def maker(fake: FakeRunway, secret: str = SECRET, timeout: float = 10.0) -> RunwayClipMaker:
    return RunwayClipMaker(
        secret,
        base_url=fake.base_url,
        poll_interval=0.01,
        timeout=timeout,
        attempts=3,
        retry_delay=0.01,
    )


@pytest.fixture
def still(tmp_path: Path) -> Path:
    path = tmp_path / "still.jpg"
    path.write_bytes(make_photo(360, 640))
    return path


def clip_request(still: Path, seconds: float = 4.0, aspect: str = "9:16") -> ClipRequest:
    return ClipRequest(
        image=still, prompt="slow push in, hair moving in the wind", seconds=seconds, aspect=aspect
    )


def test_clip_length_and_cost() -> None:
    assert clip_seconds(3.2) == 5 and clip_seconds(5.0) == 5 and clip_seconds(5.1) == 10
    assert clip_cost("gen4_turbo", 5) == (25.0, 0.25)
    assert clip_cost("gen4_turbo", 10) == (50.0, 0.5)


async def test_a_clip_is_made_and_downloaded(fake: FakeRunway, still: Path, tmp_path: Path) -> None:
    output = tmp_path / "clip.mp4"
    usage = await maker(fake).make_clip(clip_request(still), output)

    info = probe(output)
    assert info.video_codec == "h264" and (info.width, info.height) == (320, 568)
    assert info.duration == pytest.approx(5.0, abs=0.2)
    assert (usage.provider, usage.kind, usage.units) == ("runway", "clip", 25.0)
    assert usage.cost_usd == pytest.approx(0.25)

    (create,) = fake.requests_to("image_to_video")
    assert create.headers["Authorization"] == f"Bearer {SECRET}"
    assert create.headers["X-Runway-Version"] == API_VERSION
    body = create.json
    assert (body["model"], body["ratio"], body["duration"]) == ("gen4_turbo", "720:1280", 5)
    assert body["promptText"].startswith("slow push in")
    prefix, encoded = body["promptImage"].split(",", 1)
    assert prefix == "data:image/jpeg;base64"
    assert base64.b64decode(encoded) == still.read_bytes()
    assert len(fake.requests_to("tasks")) >= 2  # polled until it finished
    (download,) = fake.requests_to("output")
    assert "Authorization" not in download.headers  # the secret never leaves for the CDN


async def test_a_long_landscape_scene_asks_for_ten_seconds(
    fake: FakeRunway, still: Path, tmp_path: Path
) -> None:
    usage = await maker(fake).make_clip(
        clip_request(still, seconds=7.5, aspect="16:9"), tmp_path / "clip.mp4"
    )
    body = fake.requests_to("image_to_video")[0].json
    assert (body["ratio"], body["duration"]) == ("1280:720", 10)
    assert usage.cost_usd == pytest.approx(0.5)


async def test_a_failed_task_is_a_clip_failure(
    fake: FakeRunway, still: Path, tmp_path: Path
) -> None:
    fake.fail_next_task()
    output = tmp_path / "clip.mp4"
    with pytest.raises(ProviderError) as caught:
        await maker(fake).make_clip(clip_request(still), output)
    assert caught.value.key == "provider.clip_failed"
    assert caught.value.params == {"service": "Runway"}
    assert not output.exists()


async def test_a_safety_failure_is_a_refusal(fake: FakeRunway, still: Path, tmp_path: Path) -> None:
    fake.fail_next_task("Content moderation", code="SAFETY.INPUT.IMAGE")
    with pytest.raises(ProviderError) as caught:
        await maker(fake).make_clip(clip_request(still), tmp_path / "clip.mp4")
    assert caught.value.key == "provider.refused"


async def test_rate_limits_and_server_errors_are_retried(
    fake: FakeRunway, still: Path, tmp_path: Path
) -> None:
    fake.fail("image_to_video", 429)
    fake.fail("tasks", 502, times=2)
    output = tmp_path / "clip.mp4"
    await maker(fake).make_clip(clip_request(still), output)
    assert len(fake.requests_to("image_to_video")) == 2
    assert len(fake.tasks) == 1
    assert probe(output).frames > 0


async def test_server_errors_exhaust_the_attempts(
    fake: FakeRunway, still: Path, tmp_path: Path
) -> None:
    fake.fail("image_to_video", 500, times=None)
    with pytest.raises(ProviderError) as caught:
        await maker(fake).make_clip(clip_request(still), tmp_path / "clip.mp4")
    assert caught.value.key == "provider.failed"
    assert len(fake.requests_to("image_to_video")) == 3


async def test_a_bad_secret_is_not_retried(fake: FakeRunway, still: Path, tmp_path: Path) -> None:
    with pytest.raises(ProviderError) as caught:
        await maker(fake, secret="wrong").make_clip(clip_request(still), tmp_path / "clip.mp4")
    assert caught.value.key == "provider.bad_key"
    assert len(fake.requests) == 1


async def test_a_task_that_never_ends_times_out_and_is_cancelled(
    fake: FakeRunway, still: Path, tmp_path: Path
) -> None:
    fake.hold_tasks = True
    with pytest.raises(ProviderError) as caught:
        await maker(fake, timeout=0.3).make_clip(clip_request(still), tmp_path / "clip.mp4")
    assert caught.value.key == "provider.timeout"
    assert [r.method for r in fake.requests].count("DELETE") == 1
    assert [t.status for t in fake.tasks.values()] == ["CANCELLED"]
