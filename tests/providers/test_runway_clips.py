"""The Runway clip maker (the real runwayml SDK) against the fake Runway server over HTTP."""

from __future__ import annotations

import asyncio
import base64
import io
import logging
import socket
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import aiohttp
import numpy as np
import pytest
from PIL import Image
from pydantic import TypeAdapter
from runwayml.types import TaskRetrieveResponse

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


async def test_a_safety_failure_is_read_from_a_task_the_sdk_mistypes(
    fake: FakeRunway, still: Path, tmp_path: Path
) -> None:
    """Without its `cost` the SDK parses a FAILED task as a Pending; the code still counts."""
    fake.omit_costs = True
    fake.fail_next_task("Content moderation", code="SAFETY.INPUT.TEXT")
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


# ---------------------------------------------------------------- what the runwayml SDK adds


async def test_the_fake_answers_tasks_as_the_sdk_types_them(fake: FakeRunway) -> None:
    """Every task answer validates against the SDK's TaskRetrieveResponse union, strictly."""
    adapter: TypeAdapter[TaskRetrieveResponse] = TypeAdapter(TaskRetrieveResponse)
    headers = {"Authorization": f"Bearer {SECRET}", "X-Runway-Version": API_VERSION}
    body = {
        "model": "gen4_turbo",
        "promptImage": "data:image/jpeg;base64,AAAA",
        "ratio": "720:1280",
        "duration": 5,
    }
    fake.throttled_polls = 1
    seen: list[str] = []
    async with aiohttp.ClientSession(fake.base_url, headers=headers) as session:

        async def statuses_of_a_task(prepare: Callable[[], None]) -> None:
            prepare()
            async with session.post("/v1/image_to_video", json=body) as created:
                task_id = (await created.json())["id"]
            status = ""
            while status not in ("SUCCEEDED", "FAILED", "CANCELLED"):
                async with session.get(f"/v1/tasks/{task_id}") as answer:
                    status = adapter.validate_python(await answer.json()).status
                seen.append(status)

        await statuses_of_a_task(lambda: None)
        await statuses_of_a_task(fake.fail_next_task)
        await statuses_of_a_task(fake.cancel_next_task)
    assert seen == [
        *("THROTTLED", "PENDING", "SUCCEEDED"),
        *("THROTTLED", "PENDING", "FAILED"),
        *("THROTTLED", "PENDING", "CANCELLED"),
    ]


async def test_a_throttled_task_is_waited_for(
    fake: FakeRunway, still: Path, tmp_path: Path
) -> None:
    fake.throttled_polls = 2
    output = tmp_path / "clip.mp4"
    await maker(fake).make_clip(clip_request(still), output)
    assert probe(output).frames > 0
    assert len(fake.requests_to("tasks")) == 4


async def test_a_task_cancelled_at_runway_is_a_clip_failure(
    fake: FakeRunway, still: Path, tmp_path: Path
) -> None:
    """The async client's rule: CANCELLED ends the wait like FAILED."""
    fake.cancel_next_task()
    output = tmp_path / "clip.mp4"
    with pytest.raises(ProviderError) as caught:
        await maker(fake).make_clip(clip_request(still), output)
    assert caught.value.key == "provider.clip_failed"
    assert not output.exists() and not fake.requests_to("output")


async def test_a_rate_limit_that_lasts_is_reported_after_the_sdk_retries(
    fake: FakeRunway, still: Path, tmp_path: Path
) -> None:
    fake.fail("image_to_video", 429, times=None)
    with pytest.raises(ProviderError) as caught:
        await maker(fake).make_clip(clip_request(still), tmp_path / "clip.mp4")
    assert caught.value.key == "provider.rate_limited"
    creates = fake.requests_to("image_to_video")
    assert [r.headers.get("x-stainless-retry-count") for r in creates] == ["0", "1", "2"]
    assert not fake.tasks


@pytest.mark.parametrize(("status", "key"), [(403, "provider.forbidden"), (400, "provider.failed")])
async def test_client_errors_are_not_retried(
    fake: FakeRunway, still: Path, tmp_path: Path, status: int, key: str
) -> None:
    fake.fail("image_to_video", status)
    with pytest.raises(ProviderError) as caught:
        await maker(fake).make_clip(clip_request(still), tmp_path / "clip.mp4")
    assert caught.value.key == key
    assert len(fake.requests_to("image_to_video")) == 1


async def test_no_connection_is_a_failure(still: Path, tmp_path: Path) -> None:
    with socket.socket() as closed:  # a free port that nothing listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    clips = RunwayClipMaker(SECRET, base_url=f"http://127.0.0.1:{port}", attempts=2)
    with pytest.raises(ProviderError) as caught:
        await clips.make_clip(clip_request(still), tmp_path / "clip.mp4")
    assert caught.value.key == "provider.failed"


async def test_a_slow_answer_is_a_time_out(fake: FakeRunway, still: Path, tmp_path: Path) -> None:
    fake.task_answer_delay = 1.0
    clips = RunwayClipMaker(
        SECRET, base_url=fake.base_url, poll_interval=0.01, attempts=2, request_timeout=0.2
    )
    with pytest.raises(ProviderError) as caught:
        await clips.make_clip(clip_request(still), tmp_path / "clip.mp4")
    assert caught.value.key == "provider.timeout"
    assert len(fake.requests_to("tasks")) == 2


async def test_a_cancelled_job_cancels_the_task(
    fake: FakeRunway, still: Path, tmp_path: Path
) -> None:
    fake.hold_tasks = True
    job = asyncio.create_task(maker(fake).make_clip(clip_request(still), tmp_path / "clip.mp4"))
    await asyncio.wait_for(fake.polled.wait(), timeout=10)
    job.cancel()
    with pytest.raises(asyncio.CancelledError):
        await job
    assert [r.method for r in fake.requests].count("DELETE") == 1
    assert [t.status for t in fake.tasks.values()] == ["CANCELLED"]


async def test_a_png_still_goes_as_it_is(fake: FakeRunway, tmp_path: Path) -> None:
    still = tmp_path / "still.png"
    still.write_bytes(make_photo(360, 640, fmt="PNG"))
    await maker(fake).make_clip(clip_request(still), tmp_path / "clip.mp4")
    prefix, encoded = fake.requests_to("image_to_video")[0].json["promptImage"].split(",", 1)
    assert prefix == "data:image/png;base64"
    assert base64.b64decode(encoded) == still.read_bytes()


async def test_a_still_too_big_for_a_data_uri_is_recompressed(
    fake: FakeRunway, tmp_path: Path
) -> None:
    still = tmp_path / "still.png"
    noise = np.random.default_rng(7).integers(0, 256, (2400, 1600, 3), dtype=np.uint8)
    Image.fromarray(noise).save(still, "PNG")  # ~11 MB: 15 MB as a data URI
    await maker(fake).make_clip(clip_request(still), tmp_path / "clip.mp4")
    uri = fake.requests_to("image_to_video")[0].json["promptImage"]
    prefix, encoded = uri.split(",", 1)
    assert prefix == "data:image/jpeg;base64" and len(uri) <= 5_000_000
    with Image.open(io.BytesIO(base64.b64decode(encoded))) as sent:
        assert sent.format == "JPEG" and sent.height <= 2048
        assert sent.width / sent.height == pytest.approx(1600 / 2400, abs=0.01)


async def test_an_unreadable_still_is_a_clip_failure(fake: FakeRunway, tmp_path: Path) -> None:
    still = tmp_path / "still.jpg"
    still.write_bytes(b"not an image at all")
    with pytest.raises(ProviderError) as caught:
        await maker(fake).make_clip(clip_request(still), tmp_path / "clip.mp4")
    assert caught.value.key == "provider.clip_failed"
    assert not fake.requests


async def test_the_prompt_is_cut_to_runways_length(
    fake: FakeRunway, still: Path, tmp_path: Path
) -> None:
    """1000 UTF-16 code units: an emoji counts two and is not cut in half."""
    request = ClipRequest(image=still, prompt="a" * 999 + "😀" + "b" * 10, seconds=4, aspect="9:16")
    await maker(fake).make_clip(request, tmp_path / "clip.mp4")
    assert fake.requests_to("image_to_video")[0].json["promptText"] == "a" * 999


async def test_the_secret_is_in_no_log_record(
    fake: FakeRunway, still: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    # The bot keeps runwayml at WARNING (bot/logs.py); its DEBUG records are checked all the same.
    caplog.set_level(logging.DEBUG, logger="runwayml")
    fake.fail("image_to_video", 429)
    fake.fail("tasks", 500)
    await maker(fake).make_clip(clip_request(still), tmp_path / "clip.mp4")
    with pytest.raises(ProviderError):
        await maker(fake, secret="key_wrong_0123456789abcdef").make_clip(
            clip_request(still), tmp_path / "other.mp4"
        )
    assert caplog.records and "runwayml" in {r.name.split(".")[0] for r in caplog.records}
    assert SECRET not in caplog.text and "key_wrong" not in caplog.text
