"""Facts about a produced video, read with PyAV and by walking the MP4 boxes ourselves."""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import av


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
