"""Facts about a produced video, read with PyAV and by walking the MP4 boxes ourselves."""

from __future__ import annotations

import itertools
import re
import struct
import subprocess
from dataclasses import dataclass
from pathlib import Path

import av
import imageio_ffmpeg
import numpy as np

BT709 = 1  # the ITU-T H.273 code shared by colour primaries, transfer and matrix


@dataclass(frozen=True)
class VideoInfo:
    """What a test asserts about a video file."""

    video_codec: str
    profile: str | None
    pix_fmt: str | None
    width: int
    height: int
    duration: float
    video_duration: float
    fps: float
    frames: int
    has_audio: bool
    audio_codec: str | None
    audio_duration: float | None
    colour: tuple[int, int, int]  # primaries, transfer, matrix (H.273 codes)
    limited_range: bool


def probe(path: Path) -> VideoInfo:
    """Probe the first video and audio streams of a media file."""
    with av.open(str(path)) as container:
        video = container.streams.video[0]
        context = video.codec_context
        audio = container.streams.audio[0] if container.streams.audio else None
        return VideoInfo(
            video_codec=context.name,
            profile=context.profile,
            pix_fmt=context.format.name if context.format else None,
            width=context.width,
            height=context.height,
            duration=(container.duration or 0) / av.time_base,
            video_duration=_stream_seconds(video),
            fps=float(video.average_rate or 0),
            frames=video.frames,
            has_audio=audio is not None,
            audio_codec=audio.codec_context.name if audio is not None else None,
            audio_duration=_stream_seconds(audio) if audio is not None else None,
            colour=(int(context.color_primaries), int(context.color_trc), int(context.colorspace)),
            limited_range=int(context.color_range) == 1,
        )


def _stream_seconds(stream: av.stream.Stream) -> float:
    if stream.duration is None or stream.time_base is None:
        return 0.0
    return float(stream.duration * stream.time_base)


def top_level_boxes(path: Path) -> list[str]:
    """Types of the top-level MP4 boxes, in file order."""
    boxes: list[str] = []
    with path.open("rb") as file:
        file_size = path.stat().st_size
        offset = 0
        while offset + 8 <= file_size:
            file.seek(offset)
            size, kind = struct.unpack(">I4s", file.read(8))
            header = 8
            if size == 1:  # 64-bit size follows the type
                (size,) = struct.unpack(">Q", file.read(8))
                header = 16
            elif size == 0:  # box runs to the end of the file
                size = file_size - offset
            if size < header:
                raise ValueError(f"corrupt box at offset {offset}")
            boxes.append(kind.decode("latin-1"))
            offset += size
    return boxes


def moov_before_mdat(path: Path) -> bool:
    """True when the movie header precedes the media data (playback can start while downloading)."""
    boxes = top_level_boxes(path)
    return "moov" in boxes and "mdat" in boxes and boxes.index("moov") < boxes.index("mdat")


def frame_steps(path: Path) -> set[float]:
    """The distinct gaps (s) between consecutive video frames' presentation times."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        time_base = stream.time_base
        assert time_base is not None, "a video stream without a time base"
        times = sorted(float(_pts(frame) * time_base) for frame in container.decode(stream))
    return {round(b - a, 6) for a, b in itertools.pairwise(times)}


def _pts(frame: av.VideoFrame) -> int:
    assert frame.pts is not None, "a decoded frame without a presentation time"
    return frame.pts


def video_frames(path: Path, indices: set[int]) -> dict[int, np.ndarray]:
    """Decoded RGB frames of a video at the given frame numbers."""
    found: dict[int, np.ndarray] = {}
    with av.open(str(path)) as container:
        for number, frame in enumerate(container.decode(video=0)):
            if number in indices:
                found[number] = frame.to_ndarray(format="rgb24")
    return found


def integrated_loudness(path: Path) -> float:
    """EBU R128 integrated loudness (LUFS) of a file's audio, by ffmpeg's ebur128 meter."""
    done = subprocess.run(
        [
            imageio_ffmpeg.get_ffmpeg_exe(),
            "-nostdin",
            "-hide_banner",
            "-i",
            str(path),
            "-map",
            "0:a:0",
            "-af",
            "ebur128",
            "-f",
            "null",
            "-",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    summary = done.stderr[done.stderr.rfind("Summary:") :]
    match = re.search(r"I:\s+(-?[\d.]+|-inf) LUFS", summary)
    assert match is not None, done.stderr[-500:]
    return float(match.group(1))
