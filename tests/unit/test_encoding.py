"""Bitrate maths: what fits a byte limit, when to shrink the frame, and the progress ETA."""

from __future__ import annotations

import pytest

from bot.studio.encoding import (
    CONTAINER_OVERHEAD,
    MIN_BITS_PER_PIXEL,
    bits_per_pixel,
    ladder_kbps,
    plan_encode,
    scaled_size,
)
from bot.studio.progress import eta_seconds

CLOUD_LIMIT = 49 * 1024 * 1024


def worst_case_bytes(seconds: float, video_kbps: int, audio_kbps: int) -> float:
    """File size if the encoder spent the whole cap all the time, with the container's share."""
    return (video_kbps + audio_kbps) * 1000 / 8 * seconds / (1 - CONTAINER_OVERHEAD)


def test_no_limit_means_plain_crf_at_the_asked_size() -> None:
    plan = plan_encode(180.0, 1280, 720, 30, None)
    assert (plan.width, plan.height, plan.video_kbps) == (1280, 720, None)
    assert plan.bufsize_kbps is None


def test_three_minutes_fit_the_cloud_limit_at_720p() -> None:
    plan = plan_encode(180.0, 1280, 720, 30, CLOUD_LIMIT)
    assert (plan.width, plan.height) == (1280, 720)
    assert plan.video_kbps is not None and 1700 <= plan.video_kbps <= 2000
    assert plan.audio_kbps == 160
    assert plan.bufsize_kbps == 2 * plan.video_kbps
    assert worst_case_bytes(180.0, plan.video_kbps, plan.audio_kbps) < CLOUD_LIMIT


def test_a_thin_budget_lowers_the_resolution_not_the_picture_quality() -> None:
    vertical = plan_encode(180.0, 1080, 1920, 30, CLOUD_LIMIT)
    assert (vertical.width, vertical.height) == (720, 1280)
    assert vertical.video_kbps is not None
    assert bits_per_pixel(vertical.video_kbps, 720, 1280, 30) >= MIN_BITS_PER_PIXEL
    short = plan_encode(30.0, 1080, 1920, 30, CLOUD_LIMIT)
    assert (short.width, short.height) == (1080, 1920), "a short video keeps full HD"


def test_a_long_song_gets_a_small_frame_and_leaner_audio() -> None:
    plan = plan_encode(15 * 60.0, 1920, 1080, 30, CLOUD_LIMIT)
    assert plan.height < 720 and plan.width % 2 == 0 and plan.height % 2 == 0
    assert plan.audio_kbps < 160
    assert plan.video_kbps is not None
    assert worst_case_bytes(900.0, plan.video_kbps, plan.audio_kbps) < CLOUD_LIMIT


def test_an_impossible_budget_is_an_error() -> None:
    with pytest.raises(ValueError, match="cannot fit"):
        plan_encode(3600.0, 1280, 720, 30, 5 * 1024 * 1024)


def test_a_caller_cap_lowers_the_rate_further() -> None:
    plan = plan_encode(60.0, 1280, 720, 30, CLOUD_LIMIT, max_video_kbps=800)
    assert plan.video_kbps == 800


def test_the_ladder_rounds_down_and_keeps_small_edits_on_one_rung() -> None:
    assert ladder_kbps(1000) <= 1000
    assert ladder_kbps(1000) > 1000 / 2 ** (1 / 8) - 1
    assert ladder_kbps(0.5) == 1
    rungs = {plan_encode(s, 1280, 720, 30, CLOUD_LIMIT).video_kbps for s in (180.0, 181.0, 182.5)}
    assert len(rungs) == 1, "an edit of a second or two keeps every cached segment"


def test_scaled_sizes_stay_even_and_keep_the_aspect() -> None:
    assert scaled_size(1920, 1080, 720) == (1280, 720)
    assert scaled_size(1080, 1920, 540) == (540, 960)
    assert scaled_size(1080, 1080, 480) == (480, 480)
    assert scaled_size(1280, 720, 1080) == (1280, 720), "never scaled up"


def test_eta_follows_the_pace_so_far() -> None:
    assert eta_seconds(0.5, 0.5) is None, "too early to tell"
    assert eta_seconds(10.0, 0.01) is None
    assert eta_seconds(10.0, 0.25) == pytest.approx(30.0)
    assert eta_seconds(10.0, 1.0) == 0.0
