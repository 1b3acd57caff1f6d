"""The Runway footage restyler (the real runwayml SDK) against the fake Runway server over HTTP."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator
from pathlib import Path

import numpy as np
import pytest

from bot.errors import ProviderError
from bot.providers.prompts import load_templates
from bot.providers.runway_restyle import (
    RunwayFootageRestyler,
    billed_seconds,
    restyle_cost,
)
from bot.providers.runway_tasks import RunwayAccess
from bot.providers.styles_file import load_styles
from bot.studio.ports import RestyleRequest
from tests.support.fake_runway import API_VERSION, FakeRunway
from tests.support.synthetic_media import make_video
from tests.support.video_checks import probe, video_frames

SECRET = "key_test_secret_restyle_0123456789"


@pytest.fixture
async def fake() -> AsyncIterator[FakeRunway]:
    async with FakeRunway(secret=SECRET) as server:
        yield server


@pytest.fixture(scope="module")
def footage_bytes() -> bytes:
    return make_video(seconds=6.0, width=640, height=360, fps=25)


@pytest.fixture
def footage(tmp_path: Path, footage_bytes: bytes) -> Path:
    path = tmp_path / "footage.mp4"
    path.write_bytes(footage_bytes)
    return path


def restyler(
    fake: FakeRunway, timeout: float = 10.0, inline_limit: int | None = None
) -> RunwayFootageRestyler:
    access = RunwayAccess(
        SECRET, fake.base_url, poll_interval=0.01, timeout=timeout, attempts=2, retry_delay=0.01
    )
    if inline_limit is None:
        return RunwayFootageRestyler(access, load_templates())
    return RunwayFootageRestyler(access, load_templates(), inline_limit=inline_limit)


def request(footage: Path, start: float = 1.0, seconds: float = 3.0) -> RestyleRequest:
    return RestyleRequest(
        footage=footage, start=start, seconds=seconds, prompt="oil painting", aspect="9:16"
    )


def mean_rgb(path: Path) -> np.ndarray:
    frame = video_frames(path, {3})[3]
    return np.asarray(frame.reshape(-1, 3).mean(axis=0))


def test_cost_counts_whole_seconds_between_runways_limits() -> None:
    assert billed_seconds(3.0) == 3 and billed_seconds(3.2) == 4 and billed_seconds(0.5) == 2
    assert billed_seconds(45.0) == 30
    credits, usd = restyle_cost("aleph2", 4.0)
    assert credits == 60.0 and usd == pytest.approx(0.6)


def test_the_prompt_is_the_styles_look_from_the_template() -> None:
    style = load_styles()["cinematic"]
    access = RunwayAccess(SECRET)
    text = RunwayFootageRestyler(access, load_templates()).prompt(style)
    assert style.prompt in text and "Keep every person" in text and "{{" not in text


async def test_a_stretch_is_restyled_inline_and_downloaded(
    fake: FakeRunway, footage: Path, tmp_path: Path
) -> None:
    output = tmp_path / "restyled.mp4"
    usage = await restyler(fake).restyle(request(footage), output)

    info = probe(output)
    assert info.video_codec == "h264" and (info.width, info.height) == (180, 320)
    assert info.duration == pytest.approx(3.0, abs=0.15)  # the stretch, not the whole clip
    red, green, blue = mean_rgb(output)
    assert red > 2 * green and red > 2 * blue  # the fake's tint: this is its answer
    assert (usage.provider, usage.kind, usage.units) == ("runway", "restyle", 45.0)
    assert usage.cost_usd == pytest.approx(0.45)

    (create,) = fake.requests_to("video_to_video")
    assert create.headers["Authorization"] == f"Bearer {SECRET}"
    assert create.headers["X-Runway-Version"] == API_VERSION
    body = create.json
    assert (body["model"], body["ratio"], body["promptText"]) == (
        "aleph2",
        "720:1280",
        "oil painting",
    )
    prefix, encoded = body["videoUri"].split(",", 1)
    assert prefix == "data:video/mp4;base64"
    sent = tmp_path / "sent.mp4"
    sent.write_bytes(base64.b64decode(encoded))
    sent_info = probe(sent)
    # What Runway takes: 30 fps, the short side at 720 px, no sound, only the stretch.
    assert (sent_info.width, sent_info.height, sent_info.has_audio) == (1280, 720, False)
    assert sent_info.fps == pytest.approx(30.0)
    assert sent_info.duration == pytest.approx(3.0, abs=0.15)
    assert not fake.requests_to("uploads")
    (download,) = fake.requests_to("output")
    assert "Authorization" not in download.headers  # the secret never leaves for the CDN


async def test_the_restyle_keeps_the_stretchs_own_sound(fake: FakeRunway, tmp_path: Path) -> None:
    loud = tmp_path / "loud.mp4"
    loud.write_bytes(make_video(seconds=6.0, width=320, height=240, with_audio=True))
    output = tmp_path / "restyled.mp4"
    await restyler(fake).restyle(request(loud), output)
    info = probe(output)
    assert info.has_audio and info.audio_codec == "aac"
    assert info.audio_duration == pytest.approx(3.0, abs=0.15)
    body = fake.requests_to("video_to_video")[0].json
    sent = tmp_path / "sent.mp4"
    sent.write_bytes(base64.b64decode(body["videoUri"].split(",", 1)[1]))
    assert not probe(sent).has_audio  # Runway gets the picture only


async def test_an_input_too_large_for_a_data_uri_is_uploaded(
    fake: FakeRunway, footage: Path, tmp_path: Path
) -> None:
    output = tmp_path / "restyled.mp4"
    await restyler(fake, inline_limit=1000).restyle(request(footage), output)

    (slot,) = fake.requests_to("uploads")
    assert slot.json == {"filename": "stretch.mp4", "type": "ephemeral"}
    assert len(fake.requests_to("upload_bucket")) == 1
    (create,) = fake.requests_to("video_to_video")
    assert create.json["videoUri"].startswith("runway://uploads/")
    assert probe(output).duration == pytest.approx(3.0, abs=0.15)


async def test_a_stretch_shorter_than_runways_least_is_sent_at_two_seconds(
    fake: FakeRunway, footage: Path, tmp_path: Path
) -> None:
    usage = await restyler(fake).restyle(request(footage, 0.0, 0.8), tmp_path / "r.mp4")
    assert probe(tmp_path / "r.mp4").duration == pytest.approx(2.0, abs=0.15)
    assert usage.units == 30.0


async def test_a_safety_failure_is_a_refusal(
    fake: FakeRunway, footage: Path, tmp_path: Path
) -> None:
    fake.fail_next_task("Content moderation", code="SAFETY.INPUT.VIDEO")
    output = tmp_path / "restyled.mp4"
    with pytest.raises(ProviderError) as caught:
        await restyler(fake).restyle(request(footage), output)
    assert caught.value.key == "provider.refused"
    assert not output.exists()


async def test_a_failed_task_is_a_restyle_failure(
    fake: FakeRunway, footage: Path, tmp_path: Path
) -> None:
    fake.fail_next_task()
    with pytest.raises(ProviderError) as caught:
        await restyler(fake).restyle(request(footage), tmp_path / "r.mp4")
    assert caught.value.key == "provider.restyle_failed"


async def test_out_of_credits_is_the_accounts_failure(
    fake: FakeRunway, footage: Path, tmp_path: Path
) -> None:
    fake.fail("video_to_video", 403)
    with pytest.raises(ProviderError) as caught:
        await restyler(fake).restyle(request(footage), tmp_path / "r.mp4")
    assert caught.value.key == "provider.forbidden"


async def test_a_wrong_secret_is_a_bad_key(fake: FakeRunway, footage: Path, tmp_path: Path) -> None:
    access = RunwayAccess("key_wrong", fake.base_url, poll_interval=0.01, timeout=5.0)
    with pytest.raises(ProviderError) as caught:
        await RunwayFootageRestyler(access, load_templates()).restyle(
            request(footage), tmp_path / "r.mp4"
        )
    assert caught.value.key == "provider.bad_key"


async def test_a_slow_task_times_out_and_is_cancelled(
    fake: FakeRunway, footage: Path, tmp_path: Path
) -> None:
    fake.hold_tasks = True
    with pytest.raises(ProviderError) as caught:
        await restyler(fake, timeout=1.5).restyle(request(footage), tmp_path / "r.mp4")
    assert caught.value.key == "provider.timeout"
    (task,) = fake.tasks.values()
    assert task.status == "CANCELLED"
    assert any(r.method == "DELETE" for r in fake.requests_to("tasks"))


async def test_a_cancelled_job_cancels_the_task(
    fake: FakeRunway, footage: Path, tmp_path: Path
) -> None:
    fake.hold_tasks = True
    running = asyncio.create_task(restyler(fake).restyle(request(footage), tmp_path / "r.mp4"))
    await fake.polled.wait()
    running.cancel()
    with pytest.raises(asyncio.CancelledError):
        await running
    (task,) = fake.tasks.values()
    assert task.status == "CANCELLED"


async def test_a_file_that_is_not_a_video_fails_before_any_call(
    fake: FakeRunway, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 200)
    with pytest.raises(ProviderError) as caught:
        await restyler(fake).restyle(request(broken), tmp_path / "r.mp4")
    assert caught.value.key == "provider.restyle_failed"
    assert not fake.requests
