"""Encode budgets as arithmetic: the bitrate that fits a byte limit, the size that still looks good.

A single pass of capped CRF (`-crf N -maxrate R -bufsize 2R`) keeps an encode under a size
limit at the speed of a normal encode; R comes from the limit, the duration and the audio.
When R is too thin for the frame size, the picture is made smaller rather than blocky.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

AUDIO_KBPS = 160
CONTAINER_OVERHEAD = 0.015  # mp4 boxes and per-sample tables, as a share of the file
SAFETY = 0.92  # the cap holds on average over the buffer, not per byte
MIN_BITS_PER_PIXEL = 0.045  # per frame: below it H.264 at veryfast looks smeared
SHORT_SIDES = (1080, 720, 540, 480, 360)
LADDER_STEPS_PER_OCTAVE = 8  # bitrates snap down to a ladder so small edits keep segments
MIN_VIDEO_KBPS = 100
MIN_AUDIO_KBPS = 64


@dataclass(frozen=True)
class EncodePlan:
    """Frame size and bitrates of an encode; `video_kbps` None means plain CRF, uncapped."""

    width: int
    height: int
    video_kbps: int | None
    audio_kbps: int

    @property
    def bufsize_kbps(self) -> int | None:
        """The rate-control buffer: two seconds of the cap."""
        return None if self.video_kbps is None else 2 * self.video_kbps


def total_kbps(max_bytes: int, seconds: float) -> float:
    """Average bitrate (kb/s) that fills `max_bytes` over `seconds`, less overhead and margin."""
    return max_bytes * 8 * (1 - CONTAINER_OVERHEAD) * SAFETY / seconds / 1000


def longest_fitting_seconds(max_bytes: int) -> float:
    """The longest video whose thinnest encode (MIN_AUDIO_KBPS + MIN_VIDEO_KBPS) fits."""
    return total_kbps(max_bytes, 1.0) / (MIN_AUDIO_KBPS + MIN_VIDEO_KBPS)


def audio_kbps_for(total: float, preferred: int = AUDIO_KBPS) -> int:
    """Audio bitrate: the preferred one unless it would take more than a sixth of the budget."""
    if total >= 6 * preferred:
        return preferred
    return 96 if total >= 600 else MIN_AUDIO_KBPS


def ladder_kbps(kbps: float) -> int:
    """The highest rung of the bitrate ladder (2^(k/8) kb/s) at or below `kbps`."""
    if kbps < 1:
        return 1
    rung = math.floor(math.log2(kbps) * LADDER_STEPS_PER_OCTAVE + 1e-9)
    return max(1, math.floor(2 ** (rung / LADDER_STEPS_PER_OCTAVE)))


def bits_per_pixel(video_kbps: float, width: int, height: int, fps: float) -> float:
    """Video bits spent on each pixel of each frame."""
    return video_kbps * 1000 / (width * height * fps)


def scaled_size(width: int, height: int, short_side: int) -> tuple[int, int]:
    """The frame scaled so its short side is `short_side`, both sides even."""
    short = min(width, height)
    if short_side >= short:
        return width, height
    ratio = short_side / short
    new_w, new_h = round(width * ratio), round(height * ratio)
    return new_w - new_w % 2, new_h - new_h % 2


def plan_encode(
    seconds: float,
    width: int,
    height: int,
    fps: float,
    max_bytes: int | None,
    *,
    audio_kbps: int = AUDIO_KBPS,
    max_video_kbps: int | None = None,
) -> EncodePlan:
    """Bitrates (and, if the budget is thin, a smaller frame) so the file fits `max_bytes`."""
    if max_bytes is None or seconds <= 0:
        return EncodePlan(width, height, max_video_kbps, audio_kbps)
    total = total_kbps(max_bytes, seconds)
    audio = audio_kbps_for(total, audio_kbps)
    if total - audio < MIN_VIDEO_KBPS:
        raise ValueError(f"{seconds:.0f} s cannot fit in {max_bytes} bytes")
    video = ladder_kbps(total - audio)
    if max_video_kbps is not None:
        video = min(video, max_video_kbps)
    for short in (min(width, height), *SHORT_SIDES):
        if short > min(width, height):
            continue
        size = scaled_size(width, height, short)
        if bits_per_pixel(video, *size, fps) >= MIN_BITS_PER_PIXEL:
            return EncodePlan(*size, video, audio)
    return EncodePlan(*scaled_size(width, height, SHORT_SIDES[-1]), video, audio)
