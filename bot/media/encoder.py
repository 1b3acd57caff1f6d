"""libx264 through the imageio-ffmpeg binary: I420 frames piped into segments, segments joined.

Every segment is encoded with the same settings and `stitchable` headers, starts on an IDR
frame (a closed GOP) and holds a whole number of frames, so the concat demuxer can join them by
stream copy into one smooth H.264 High stream. Colour tags (BT.709, limited range) are given to
the raw input, since ffmpeg takes them from the frames, not from the encoder's options alone.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import NoReturn

import imageio_ffmpeg

from bot.media.pipes import write_all
from bot.media.yuv import Frame

PIPE_BYTES = 1 << 20
JOIN_TIMEOUT = 600.0


@dataclass(frozen=True)
class EncodeSettings:
    """Everything about the encoder that shapes a segment's bytes."""

    width: int
    height: int
    fps: int
    preset: str = "veryfast"
    crf: int = 23
    video_kbps: int | None = None
    threads: int = 1
    keyframe_seconds: int = 4

    def fingerprint(self) -> dict[str, object]:
        """The settings as plain values, for cache keys."""
        return asdict(self)


def partial_of(path: Path) -> Path:
    """A name to write `path` under until it is complete, unique to this process and thread.

    Renders may share a cache folder; two of them writing one segment must not mix bytes.
    """
    tag = f"{os.getpid()}-{threading.get_ident()}"
    return path.with_name(f"{path.stem}.{tag}.part{path.suffix}")


def ffmpeg_exe() -> str:
    """The ffmpeg binary that imageio-ffmpeg ships."""
    return str(imageio_ffmpeg.get_ffmpeg_exe())


def segment_command(settings: EncodeSettings, output: Path) -> list[str]:
    """ffmpeg arguments that encode raw I420 frames from stdin into an MP4 segment."""
    s = settings
    # fmt: off
    command = [
        ffmpeg_exe(), "-nostdin", "-hide_banner", "-v", "error", "-y",
        "-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", f"{s.width}x{s.height}",
        "-r", str(s.fps), "-color_range", "tv", "-colorspace", "bt709",
        "-color_primaries", "bt709", "-color_trc", "bt709", "-i", "pipe:0",
        "-c:v", "libx264", "-preset", s.preset, "-profile:v", "high", "-pix_fmt", "yuv420p",
        "-crf", str(s.crf), "-g", str(s.fps * s.keyframe_seconds), "-flags", "+cgop",
        "-threads", str(s.threads), "-x264-params", "stitchable=1",
    ]
    # fmt: on
    if s.video_kbps:
        # Capped CRF: one pass that stays under a size limit (bot/studio/encoding.py).
        command += ["-maxrate", f"{s.video_kbps}k", "-bufsize", f"{2 * s.video_kbps}k"]
    return [*command, "-an", "-f", "mp4", str(output)]


class SegmentWriter:
    """One segment being encoded: write frames, then `finish` (or `abort`)."""

    def __init__(self, settings: EncodeSettings, output: Path) -> None:
        self.output = output
        self._partial = partial_of(output)
        self._process = subprocess.Popen(
            segment_command(settings, self._partial),
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            bufsize=0,  # frames may also arrive by splice (pipes.py): nothing may wait in a buffer
            pipesize=PIPE_BYTES,
        )

    @property
    def target(self) -> int:
        """The encoder's input pipe, for frames sent by splice."""
        assert self._process.stdin is not None
        return self._process.stdin.fileno()

    def write(self, frame: Frame) -> None:
        """Send one I420 frame to the encoder."""
        try:
            write_all(self.target, memoryview(frame.reshape(-1).data))
        except BrokenPipeError:
            self.died()

    def finish(self) -> Path:
        """Wait for the encoder and move the finished segment into place."""
        try:
            _, errors = self._process.communicate()
        except BrokenPipeError:
            self.died()
        if self._process.returncode != 0:
            self._partial.unlink(missing_ok=True)
            raise RuntimeError(f"x264 segment failed: {errors.decode(errors='replace')[-400:]}")
        self._partial.replace(self.output)
        return self.output

    def abort(self) -> None:
        """Stop the encoder and drop what it wrote."""
        with contextlib.suppress(OSError):
            self._process.kill()
        with contextlib.suppress(OSError, ValueError):
            self._process.communicate()
        self._partial.unlink(missing_ok=True)

    def died(self) -> NoReturn:
        """The encoder stopped taking frames: raise with what it said."""
        self._process.kill()
        _, errors = self._process.communicate()
        self._partial.unlink(missing_ok=True)
        raise RuntimeError(f"x264 segment died: {errors.decode(errors='replace')[-400:]}")


def join(
    segments: list[tuple[Path, int]], fps: int, audio: Path, output: Path, list_path: Path
) -> None:
    """Concatenate (path, frame count) segments by stream copy and mux the soundtrack in."""
    lines = ["ffconcat version 1.0"]
    elapsed_us = 0
    frames = 0
    for path, count in segments:
        # Durations in whole microseconds that add up exactly: the demuxer offsets each file
        # by the sum, so rounding each one alone would drift by a tick per segment.
        frames += count
        end_us = round(frames * 1_000_000 / fps)
        lines += [f"file {_quote(path)}", f"duration {(end_us - elapsed_us) / 1e6:.6f}"]
        elapsed_us = end_us
    list_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    command = [
        ffmpeg_exe(),
        "-nostdin",
        "-hide_banner",
        "-v",
        "error",
        "-y",
        "-f",
        "concat",
        "-safe",
        "0",
        "-i",
        str(list_path),
        "-i",
        str(audio),
        "-map",
        "0:v:0",
        "-map",
        "1:a:0",
        "-c",
        "copy",
        "-movflags",
        "+faststart",
        "-f",
        "mp4",
        str(output),
    ]
    try:
        done = subprocess.run(command, capture_output=True, timeout=JOIN_TIMEOUT, check=False)
    finally:
        list_path.unlink(missing_ok=True)
    if done.returncode != 0:
        raise RuntimeError(f"joining segments failed: {done.stderr.decode(errors='replace')}")


def _quote(path: Path) -> str:
    return "'" + str(path.resolve()).replace("'", "'\\''") + "'"
