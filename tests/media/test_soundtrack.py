"""The soundtrack: trimmed to the video, faded, at the loudness target; silence without a song."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest

from bot.media.soundtrack import make_soundtrack
from bot.studio.timeline import Shot, Timeline
from tests.media.helpers import write_stereo_wav
from tests.support.video_checks import integrated_loudness


def song(path: Path, seconds: float, level: float) -> Path:
    """A stereo WAV of a chord with a pulse, at a peak level (0..1)."""
    rate = 44100
    t = np.arange(round(seconds * rate)) / rate
    chord = sum(np.sin(2 * np.pi * f * t) for f in (220.0, 277.2, 329.6)) / 3
    pulse = 0.6 + 0.4 * (np.mod(t, 0.5) < 0.25)
    return write_stereo_wav(path, level * chord * pulse, rate)


def video_of(seconds: float, audio: Path | None, offset: float = 0.0) -> Timeline:
    return Timeline(
        640,
        360,
        30,
        (Shot("unused.jpg", 0.0, seconds),),
        audio_path=str(audio) if audio else None,
        audio_offset=offset,
    )


@pytest.mark.parametrize(("level", "target"), [(0.05, -14.0), (0.9, -14.0), (0.3, -20.0)])
def test_loudness_reaches_the_target(tmp_path: Path, level: float, target: float) -> None:
    source = song(tmp_path / "song.wav", 14.0, level)
    track = make_soundtrack(
        video_of(10.0, source, offset=2.0), 10.0, tmp_path / "a.m4a", loudness_lufs=target
    )
    assert integrated_loudness(track) == pytest.approx(target, abs=1.0)
    assert probe_audio(track) == pytest.approx(10.0, abs=0.05)


def test_a_short_song_is_padded_and_faded(tmp_path: Path) -> None:
    source = song(tmp_path / "song.wav", 4.0, 0.5)
    track = make_soundtrack(video_of(6.0, source), 6.0, tmp_path / "a.m4a")
    assert probe_audio(track) == pytest.approx(6.0, abs=0.05)


def test_without_a_song_the_track_is_silence(tmp_path: Path) -> None:
    track = make_soundtrack(video_of(3.0, None), 3.0, tmp_path / "silence.m4a")
    assert probe_audio(track) == pytest.approx(3.0, abs=0.05)
    assert integrated_loudness(track) < -60


def probe_audio(path: Path) -> float:
    """Duration of the file's AAC stream."""
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        assert stream.codec_context.name == "aac"
        assert stream.duration is not None and stream.time_base is not None
        return float(stream.duration * stream.time_base)
