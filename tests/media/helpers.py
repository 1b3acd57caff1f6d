"""Shared helpers of the media tests: stills and songs to render, and checks of the results."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from bot.media.renderer import RenderResult
from tests.support.video_checks import BT709, frame_steps, moov_before_mdat, probe


def make_still(path: Path, colour: tuple[int, int, int], size: tuple[int, int]) -> Path:
    """A still with a colour wash, a gradient and a few bars (so motion and contrast show)."""
    w, h = size
    ramp = np.linspace(0.6, 1.0, w, dtype=np.float32)[None, :, None]
    pixels = (np.array(colour, dtype=np.float32) * ramp * np.ones((h, 1, 1))).astype(np.uint8)
    for x in range(0, w, max(1, w // 8)):
        pixels[:, x : x + max(1, w // 40)] = 255
    Image.fromarray(pixels).save(path, quality=90)
    return path


def write_stereo_wav(path: Path, signal: np.ndarray, rate: int = 44100) -> Path:
    """A 16-bit stereo WAV with `signal` (-1..1, mono) on both channels."""
    samples = (np.clip(signal, -1, 1) * 32767).astype(np.int16)
    with wave.open(str(path), "wb") as song:
        song.setnchannels(2)
        song.setsampwidth(2)
        song.setframerate(rate)
        song.writeframes(np.repeat(samples, 2).tobytes())
    return path


def make_song(path: Path, seconds: float, rate: int = 44100) -> Path:
    """A stereo 16-bit WAV: a 220 Hz tone with a click every half second."""
    t = np.arange(int(seconds * rate)) / rate
    tone = 0.3 * np.sin(2 * np.pi * 220 * t) + 0.3 * (np.mod(t, 0.5) < 0.01)
    return write_stereo_wav(path, tone, rate)


def assert_probed_video(
    result: RenderResult, seconds: float, size: tuple[int, int], fps: int
) -> None:
    """The file is what phones want: H.264 High yuv420p BT.709, AAC, faststart, exact length."""
    info = probe(result.path)
    assert info.video_codec == "h264"
    assert info.profile == "High"
    assert info.pix_fmt == "yuv420p"
    assert info.colour == (BT709, BT709, BT709) and info.limited_range
    assert (info.width, info.height) == size
    assert info.fps == pytest.approx(fps)
    assert info.frames == round(seconds * fps)
    assert info.video_duration == pytest.approx(seconds, abs=1 / fps)
    assert info.duration == pytest.approx(seconds, abs=0.1)  # AAC priming may add a little
    assert info.has_audio and info.audio_codec == "aac"
    assert info.audio_duration == pytest.approx(seconds, abs=0.1)
    assert frame_steps(result.path) == {round(1 / fps, 6)}, "frames evenly spaced, no seams"
    assert moov_before_mdat(result.path)
    assert result.size_bytes == result.path.stat().st_size
    assert (result.width, result.height, result.fps) == (*size, fps)
    assert result.duration == pytest.approx(seconds)


def assert_good_thumbnail(path: Path) -> None:
    """A JPEG within Telegram's thumbnail limits."""
    assert path.stat().st_size <= 200_000
    with Image.open(path) as thumbnail:
        assert thumbnail.format == "JPEG"
        assert max(thumbnail.size) <= 320
