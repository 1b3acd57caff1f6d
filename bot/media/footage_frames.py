"""Pictures from footage: a frame at a time (upright, SDR, RGB) and a liveliness curve.

Frames go through the render's own filters (tone_mapping.py), so a preview or a fallback still
looks like the rendered shot. Liveliness decodes a small grey copy of the clip (reference
frames only, a few a second): motion is the mean difference between neighbouring samples,
sharpness the variance of their Laplacian, and a stretch scores their product, so a still
shot and a blurry whip-pan both lose to a sharp moving one.
"""

from __future__ import annotations

import contextlib
import logging
import subprocess
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from bot.media.encoder import ffmpeg_exe
from bot.media.footage_errors import FootageError, FootageProblem
from bot.media.footage_filters import sdr_chain
from bot.media.media_header import VideoStream, read_header

logger = logging.getLogger(__name__)

FRAME_TIMEOUT = 60.0
LIVELINESS_SIDE = 256
SAMPLES_PER_STEP = 2
MOTION_FLOOR = 0.5  # grey levels: keeps a sharp still stretch ahead of a blurry still one
FLAT_FRAME = 4.0  # luma standard deviation below which a frame is blank (a black first frame)
GOOD_FRAME_TRIES = 8


def frame_at(path: Path, seconds: float, *, max_side: int = 1920) -> Image.Image:
    """The frame `seconds` into a clip, upright, tone-mapped to SDR, at most `max_side` px."""
    video, duration = video_of(path)
    latest = max(0.0, duration - 1.0 / (video.fps or 25.0)) if duration else seconds
    at = min(max(0.0, seconds), latest)
    for frame in _rgb_frames(path, video, max_side, start=at, limit=1):
        return frame
    raise FootageError(FootageProblem.UNREADABLE, f"no frame decodes at {at:.2f} s")


def keyframes_within(
    path: Path, start: float, seconds: float, *, limit: int = 5, max_side: int = 480
) -> list[Image.Image]:
    """Up to `limit` key frames of the stretch [start, start + seconds), decoding nothing else.

    Falls back to the frame in the middle of the stretch when no key frame lies inside it.
    """
    try:
        video, _ = video_of(path)
        frames = list(_rgb_frames(path, video, max_side, start=start, limit=limit, within=seconds))
        if not frames:
            middle = _rgb_frames(path, video, max_side, start=start + seconds / 2, limit=1)
            frames = list(middle)
    except (FootageError, OSError, subprocess.SubprocessError):
        logger.warning("Reading key frames of a clip failed", exc_info=True)
        return []
    return frames


def first_good_frame(path: Path, *, max_side: int = 1920) -> Image.Image | None:
    """The first frame that decodes and is not blank, else the first that decodes, else None."""
    try:
        video, _ = video_of(path)
    except FootageError:
        return None
    first: Image.Image | None = None
    try:
        for frame in _rgb_frames(path, video, max_side, start=0.0, limit=GOOD_FRAME_TRIES, rate=4):
            if float(np.asarray(frame.convert("L"), dtype=np.float32).std()) > FLAT_FRAME:
                return frame
            first = first or frame
    except (OSError, subprocess.SubprocessError):
        logger.warning("Decoding a clip's first frames failed", exc_info=True)
    return first


def liveliness(path: Path, *, step: float = 0.5) -> tuple[float, ...]:
    """One score per `step` seconds of the clip: motion times sharpness (higher is livelier)."""
    if step <= 0:
        raise ValueError("step must be positive")
    video, _ = video_of(path)
    width, height = _fit_within(video.display_size, LIVELINESS_SIDE)
    rate = Fraction(SAMPLES_PER_STEP) / Fraction(step).limit_denominator(1000)
    chain = f"fps={rate},scale={width}:{height}:flags=area,format=gray"
    # Non-reference frames are skipped: half the decoding, and a few samples a second are all
    # the score needs (the fps filter repeats a neighbour where one is missing).
    command = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", "-skip_frame", "noref"]
    command += ["-i", str(path), "-map", f"0:{video.index}", "-vf", chain]
    command += ["-f", "rawvideo", "-pix_fmt", "gray", "-"]
    motions: list[float] = []  # sample n against sample n-1, from the second sample on
    sharpness: list[float] = []
    previous: np.ndarray | None = None
    for data in _raw_frames(command, width * height):
        grey = np.frombuffer(data, dtype=np.uint8).reshape(height, width)
        sharpness.append(float(cv2.Laplacian(grey, cv2.CV_32F).var()))
        if previous is not None:
            motions.append(float(cv2.absdiff(grey, previous).mean()))
        previous = grey
    if not sharpness:
        raise FootageError(FootageProblem.UNREADABLE, "no frame of the clip decodes")
    motions.insert(0, motions[0] if motions else 0.0)  # the first sample has no one before it
    scores = []
    for first in range(0, len(motions), SAMPLES_PER_STEP):
        motion = float(np.mean(motions[first : first + SAMPLES_PER_STEP]))
        sharp = float(np.mean(sharpness[first : first + SAMPLES_PER_STEP]))
        scores.append(round((motion + MOTION_FLOOR) * sharp, 3))
    return tuple(scores)


def video_of(path: Path) -> tuple[VideoStream, float]:
    header = read_header(path)
    if header is None:
        raise FootageError(FootageProblem.UNREADABLE, "ffmpeg cannot read the file")
    if header.video is None:
        raise FootageError(FootageProblem.NO_VIDEO, "the file has no video stream")
    return header.video, header.duration or 0.0


def _fit_within(size: tuple[int, int], side: int) -> tuple[int, int]:
    """`size` shrunk (never grown) so its longer side is at most `side`, both sides even."""
    width, height = size
    scale = min(1.0, side / max(width, height))
    return max(2, 2 * round(width * scale / 2)), max(2, 2 * round(height * scale / 2))


def _rgb_frames(
    path: Path,
    video: VideoStream,
    max_side: int,
    *,
    start: float,
    limit: int,
    rate: int = 0,
    within: float | None = None,
) -> Iterator[Image.Image]:
    """Frames from `start` on; with `within`, only the key frames of that many seconds."""
    width, height = _fit_within(video.display_size, max_side)
    filters = [f"fps={rate}"] if rate else []
    filters += sdr_chain(video, f"{width}:{height}")
    filters += ["scale=in_color_matrix=bt709:in_range=tv", "format=rgb24"]
    command = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error"]
    if within is not None:
        command += ["-skip_frame", "nokey", "-t", f"{within:.3f}"]
    if start > 0:
        command += ["-ss", f"{start:.3f}"]
    command += ["-i", str(path), "-map", f"0:{video.index}", "-vf", ",".join(filters)]
    if within is not None:
        command += ["-fps_mode", "passthrough"]  # the key frames only, never repeated
    command += ["-frames:v", str(limit), "-f", "rawvideo", "-pix_fmt", "rgb24", "-"]
    for data in _raw_frames(command, width * height * 3):
        yield Image.frombytes("RGB", (width, height), data)


def _raw_frames(command: list[str], frame_bytes: int) -> Iterator[bytes]:
    """Raw frames from an ffmpeg command writing to stdout, one at a time; reaped at the end."""
    process = subprocess.Popen(
        command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    assert process.stdout is not None
    try:
        while True:
            data = process.stdout.read(frame_bytes)
            if len(data) < frame_bytes:
                return
            yield data
    finally:
        with contextlib.suppress(OSError):
            process.kill()
        process.stdout.close()
        process.wait()
