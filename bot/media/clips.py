"""Video clips as a shot's frames: cover-fitted, then trimmed, or slowed and held, to the slot.

A clip longer than its slot is trimmed; a shorter one is slowed down (at most MAX_SLOWDOWN)
and its last frame held for the rest. ffmpeg decodes, scales and crops straight to I420 at the
output's size and frame rate; frames are read forward one at a time, and the decoder restarts
at a seek when asked for an earlier frame, so memory holds one frame whatever the clip's length.
"""

from __future__ import annotations

import contextlib
import subprocess
from pathlib import Path

import numpy as np

from bot.media.audio import header_duration
from bot.media.encoder import ffmpeg_exe
from bot.media.yuv import Frame

MAX_SLOWDOWN = 1.5
PROBE_TIMEOUT = 30.0


def probe_duration(path: Path) -> float:
    """Duration of a media file in seconds, from ffmpeg's header summary."""
    done = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(path)],
        capture_output=True,
        timeout=PROBE_TIMEOUT,
        check=False,
    )
    duration = header_duration(done.stderr.decode("utf-8", "replace"))
    if duration is None:
        raise ValueError(f"not a readable video: {path.name}")
    return duration


def slowdown(clip_seconds: float, slot_seconds: float) -> float:
    """How much a clip is slowed to fill its slot: 1 (trimmed) up to MAX_SLOWDOWN."""
    if clip_seconds <= 0 or clip_seconds >= slot_seconds:
        return 1.0
    return min(MAX_SLOWDOWN, slot_seconds / clip_seconds)


class ClipSource:
    """The frames of a clip over its slot, as I420 at the output size and frame rate."""

    def __init__(self, path: Path, slot_seconds: float, width: int, height: int, fps: int) -> None:
        self._path = path
        self._size = (width, height)
        self._fps = fps
        self._frames = max(1, round(slot_seconds * fps))
        self._clip_seconds = probe_duration(path)
        self._slow = slowdown(self._clip_seconds, slot_seconds)
        self._bytes = width * height * 3 // 2
        self._process: subprocess.Popen[bytes] | None = None
        self._first = 0
        self._next = 0
        self._last: Frame | None = None
        self._held: tuple[int, Frame] | None = None  # (first missing index, last good frame)

    def frame(self, seconds: float) -> Frame:
        """The frame `seconds` into the slot (clamped to it); a copy the caller may draw on."""
        index = min(self._frames - 1, max(0, round(seconds * self._fps)))
        if self._held is not None and index >= self._held[0]:
            return self._held[1].copy()
        if self._process is None or index < self._next or index - self._next > 2 * self._fps:
            self._open(index)
        self._read_up_to(index)
        if self._last is None and self._first > 0:
            # The seek found nothing: the file ends before its header says (a cut-short
            # download). Read it from the start and hold its last good frame.
            self._open(0)
            self._read_up_to(index)
        if self._last is None:
            raise ValueError(
                f"clip {self._path.name} ({self._clip_seconds:.2f} s) has no frame "
                f"{index} of its {self._frames}-frame slot"
            )
        return self._last.copy()

    def _read_up_to(self, index: int) -> None:
        while self._next <= index:
            frame = self._read()
            if frame is None:  # fewer frames than promised: the last one is held
                if self._last is not None:
                    self._held = (self._next, self._last)
                return
            self._last = frame
            self._next += 1

    def close(self) -> None:
        """Stop the decoder."""
        process, self._process = self._process, None
        if process is None:
            return
        with contextlib.suppress(OSError):
            process.kill()
        if process.stdout is not None:
            process.stdout.close()
        process.wait()

    def _open(self, index: int) -> None:
        self.close()
        width, height = self._size
        chain = ",".join(
            [
                f"setpts=(PTS-STARTPTS)*{self._slow:.6f}",
                f"fps={self._fps}",
                f"scale={width}:{height}:force_original_aspect_ratio=increase"
                ":out_color_matrix=bt709:out_range=tv",
                f"crop={width}:{height}",
                "tpad=stop=-1:stop_mode=clone",
                "format=yuv420p",
            ]
        )
        # A seek past the clip's end (into the held last frame) would yield nothing to hold.
        latest = max(0.0, self._clip_seconds - 1.0)
        first = min(index, int(latest * self._slow * self._fps))
        start = first / self._fps / self._slow
        command = [
            ffmpeg_exe(),
            "-nostdin",
            "-v",
            "error",
            "-ss",
            f"{start:.6f}",
            "-i",
            str(self._path),
            "-an",
            "-vf",
            chain,
            "-frames:v",
            str(self._frames - first),
            "-f",
            "rawvideo",
            "-pix_fmt",
            "yuv420p",
            "pipe:1",
        ]
        self._process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self._first = self._next = first
        self._last = None

    def _read(self) -> Frame | None:
        assert self._process is not None and self._process.stdout is not None
        data = self._process.stdout.read(self._bytes)
        if len(data) < self._bytes:
            return None
        width, height = self._size
        return np.frombuffer(data, dtype=np.uint8).reshape(height * 3 // 2, width).copy()
