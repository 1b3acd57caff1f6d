"""Video clips as a shot's frames: generated clips and the director's footage alike.

A shot shows the clip from `clip_start` on. ffmpeg decodes it upright (display matrix or rotate
tag), crops it to the output's aspect around its subject (found on a few key frames of the
stretch, as for photos: faces, else the most detailed region; the crop stays put for the
shot), scales it, turns its frame rate (variable or not) into the video's, tone-maps HDR to
BT.709 SDR, and hands us I420. A clip longer than its slot is trimmed; a shorter one is slowed
down (at most MAX_SLOWDOWN, with blended in-between frames) and its last frame held for the
rest. Frames are read forward one at a time, and the decoder restarts at a seek when asked for
an earlier frame, so memory holds one frame whatever the clip's length.
"""

from __future__ import annotations

import contextlib
import functools
import io
import logging
import statistics
import subprocess
from pathlib import Path
from typing import cast

import numpy as np

from bot.media.encoder import PIPE_BYTES, ffmpeg_exe
from bot.media.fitting import find_focus
from bot.media.footage_filters import contain_graph, sdr_chain
from bot.media.footage_frames import keyframes_within
from bot.media.media_header import MediaHeader, VideoStream, read_header
from bot.media.motion import Focus, cover_window
from bot.media.pipes import CAN_SPLICE, PipeBroken, read_exactly, splice_exactly, write_all
from bot.media.yuv import Frame, YuvOverlay
from bot.studio.timeline import Fit

logger = logging.getLogger(__name__)

MAX_SLOWDOWN = 2.0
FOCUS_FRAMES = 3
MIN_STRETCH = 0.1  # seconds of a clip a start may leave, however late it is asked for
HOLD_MARGIN = 1.0  # seconds before the clip's end a seek may land and still find frames
KNOWN_CLIPS = 64  # headers and crop focuses remembered (a render's workers share them)


class ClipUnreadable(ValueError):
    """A clip yields no frame at all: the shot falls back to a still."""


def probe_duration(path: Path) -> float:
    """Duration of a media file in seconds, from ffmpeg's header summary."""
    header = read_header(path)
    if header is None or header.duration is None:
        raise ClipUnreadable(f"not a readable video: {path.name}")
    return header.duration


def slowdown(clip_seconds: float, slot_seconds: float) -> float:
    """How much a clip is slowed to fill its slot: 1 (trimmed) up to MAX_SLOWDOWN."""
    if clip_seconds <= 0 or clip_seconds >= slot_seconds:
        return 1.0
    return min(MAX_SLOWDOWN, slot_seconds / clip_seconds)


def stretch_timing(
    clip_seconds: float, clip_start: float, slot_seconds: float
) -> tuple[float, float]:
    """Where a clip's stretch really starts (inside the clip) and how much it is slowed."""
    start = min(max(0.0, clip_start), max(0.0, clip_seconds - MIN_STRETCH))
    return start, slowdown(clip_seconds - start, slot_seconds)


def clip_focus(path: Path, start: float, seconds: float) -> Focus:
    """Where the cover crop of a stretch looks: the median focus of a few of its key frames.

    Remembered per file version and stretch: both render workers, and each again when it
    comes back to a shot, prepare the same shot, and the focus must not move between them.
    """
    stat = path.stat()
    return _clip_focus(str(path), stat.st_size, stat.st_mtime_ns, start, seconds)


@functools.lru_cache(maxsize=KNOWN_CLIPS)
def _clip_focus(path_text: str, size: int, mtime_ns: int, start: float, seconds: float) -> Focus:
    del size, mtime_ns  # part of the key only
    path = Path(path_text)
    frames = keyframes_within(path, start, seconds, limit=FOCUS_FRAMES)
    if not frames:
        return (0.5, 0.5)
    points = [find_focus(frame) for frame in frames]
    return (statistics.median(p[0] for p in points), statistics.median(p[1] for p in points))


class ClipSource:
    """The frames of a clip over its slot, as I420 at the output size and frame rate."""

    def __init__(
        self,
        path: Path,
        slot_seconds: float,
        width: int,
        height: int,
        fps: int,
        *,
        clip_start: float = 0.0,
        focus: Focus | None = None,
        fit: Fit = Fit.COVER,
    ) -> None:
        header = _clip_header(path)
        if header is None or header.video is None or not header.duration:
            raise ClipUnreadable(f"clip {path.name} has no readable video stream")
        self._path = path
        self._video = header.video
        self._size = (width, height)
        self._fps = fps
        self._frames = max(1, round(slot_seconds * fps))
        self._clip_seconds = header.duration
        self._start, self._slow = stretch_timing(header.duration, clip_start, slot_seconds)
        available = header.duration - self._start
        used = min(available, slot_seconds / self._slow)
        self._contain = fit is Fit.CONTAIN
        if self._contain:
            self._focus = (0.5, 0.5)  # the whole clip shows: nothing to look for
        else:
            self._focus = focus if focus is not None else clip_focus(path, self._start, used)
        self._crop = _crop_box(self._video, width, height, self._focus)
        self._bytes = width * height * 3 // 2
        self._process: subprocess.Popen[bytes] | None = None
        self._first = 0
        self._next = 0
        self._last: Frame | None = None
        # Frames are read into these two buffers in turn (the last frame stays whole while the
        # next is read): a fresh 1.4 MB buffer a frame costs more in page faults than a copy.
        self._buffers = [np.empty((height * 3 // 2, width), dtype=np.uint8) for _ in range(2)]
        self._held: tuple[int, Frame] | None = None  # (first missing index, last good frame)

    @property
    def focus(self) -> Focus:
        """The point the crop keeps in view, as fractions of the upright clip."""
        return self._focus

    def frame(self, seconds: float) -> Frame:
        """The frame `seconds` into the slot (clamped to it); a copy the caller may draw on."""
        index = min(self._frames - 1, max(0, round(seconds * self._fps)))
        if self._held is not None and index >= self._held[0]:
            return self._held[1].copy()
        if self._last is not None and index == self._next - 1:
            # The same frame again: a transition shows a shot's first or last frame a while.
            return self._last.copy()
        if self._process is None or index < self._next or index - self._next > 2 * self._fps:
            self._open(index)
        self._read_up_to(index)
        if self._last is None and self._next == self._first > 0:
            # The seek found nothing: the file ends before its header says (a cut-short
            # download). Read it from the stretch's start and hold its last good frame.
            self._open(0)
            self._read_up_to(index)
        if self._last is None:
            raise ClipUnreadable(
                f"clip {self._path.name} ({self._clip_seconds:.2f} s) has no frame "
                f"{index} of its {self._frames}-frame slot"
            )
        return self._last.copy()

    def send_frame(self, seconds: float, target: int, overlay: YuvOverlay | None) -> bool:
        """Send the frame `seconds` into the slot straight to pipe `target`, `overlay` drawn on.

        Only the next frame of a decoder that has already given one goes this way (True): the
        bytes move from pipe to pipe in the kernel, but for the rows the overlay covers. Else
        nothing is sent (False) and `frame` is the way. A sent frame is not kept, so asking
        for it again costs a seek. PipeBroken: the decoder ended within the frame.
        """
        index = min(self._frames - 1, max(0, round(seconds * self._fps)))
        process = self._process
        if not CAN_SPLICE or process is None or process.stdout is None or self._held is not None:
            return False
        if self._next == self._first or index != self._next or index == self._frames - 1:
            return False  # the slot's last frame is kept: transitions show it a while
        self._last = None
        try:
            self._send(process.stdout.fileno(), target, overlay)
        except PipeBroken:
            self.close()
            raise
        self._next += 1
        return True

    def _send(self, source: int, target: int, overlay: YuvOverlay | None) -> None:
        width, height = self._size
        if overlay is None:
            splice_exactly(source, target, self._bytes)
            return
        first, last = overlay.rows
        chroma = (width // 2, height // 2, first // 2, last // 2)
        scratch = self._buffers[0].reshape(-1)  # free: a sent frame is not kept
        for plane, (row_bytes, rows, top, bottom) in enumerate(
            ((width, height, first, last), chroma, chroma)
        ):
            band = scratch[: (bottom - top) * row_bytes].reshape(bottom - top, row_bytes)
            splice_exactly(source, target, top * row_bytes)
            read_exactly(source, memoryview(band.reshape(-1).data))
            overlay.blend_plane_rows(plane, band)
            write_all(target, memoryview(band.reshape(-1).data))
            splice_exactly(source, target, (rows - bottom) * row_bytes)

    def _read_up_to(self, index: int) -> None:
        while self._next <= index:
            frame = self._read()
            if frame is None:  # fewer frames than promised: the last one is held
                if self._last is not None:
                    self._held = (self._next, self._last.copy())
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

    def _chain(self) -> str:
        width, height = self._size
        if self._slow > 1.0:
            # Slowed: in-between frames blend their neighbours instead of repeating them.
            timing = [f"setpts=(PTS-STARTPTS)*{self._slow:.6f}", f"framerate=fps={self._fps}"]
        else:
            timing = ["setpts=PTS-STARTPTS", f"fps={self._fps}"]
        if self._contain:
            graph = contain_graph(self._video, width, height, timing=timing)
            return graph + ",tpad=stop=-1:stop_mode=clone"
        size = f"{width}:{height}"
        if self._crop[2] >= width and self._crop[3] >= height:
            # Shrinking: area averaging looks as good as bicubic here (no aliasing; 46 dB
            # PSNR against lanczos on 1080p -> 720p) at a fifth of its cost.
            size += ":flags=area"
        filters = sdr_chain(self._video, size, crop=self._crop, timing=timing)
        return ",".join([*filters, "tpad=stop=-1:stop_mode=clone"])

    def _open(self, index: int) -> None:
        self.close()
        # A seek past the clip's end (into the held last frame) would yield nothing to hold.
        latest = max(0.0, self._clip_seconds - self._start - HOLD_MARGIN)
        first = min(index, int(latest * self._slow * self._fps))
        start = self._start + first / self._fps / self._slow
        command = [ffmpeg_exe(), "-nostdin", "-v", "error", "-threads", "1"]
        command += ["-filter_threads", "1", "-ss", f"{start:.6f}"]
        command += ["-i", str(self._path), "-map", f"0:{self._video.index}", "-an"]
        command += ["-vf", self._chain(), "-frames:v", str(self._frames - first)]
        command += ["-f", "rawvideo", "-pix_fmt", "yuv420p", "pipe:1"]
        self._process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            bufsize=0,  # frames may also leave by splice: no bytes may wait in a Python buffer
            pipesize=PIPE_BYTES,
        )
        self._first = self._next = first
        self._last = None

    def _read(self) -> Frame | None:
        assert self._process is not None and self._process.stdout is not None
        frame = self._buffers[1] if self._last is self._buffers[0] else self._buffers[0]
        stdout = cast(io.BufferedReader, self._process.stdout)
        view = memoryview(frame.reshape(-1).data)
        filled = 0
        while filled < self._bytes:
            count = stdout.readinto(view[filled:])
            if not count:
                return None
            filled += count
        return frame


def _clip_header(path: Path) -> MediaHeader | None:
    """The clip's header, read once per file version (`read_header` starts an ffmpeg)."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return _cached_header(str(path), stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=KNOWN_CLIPS)
def _cached_header(path_text: str, size: int, mtime_ns: int) -> MediaHeader | None:
    del size, mtime_ns  # part of the key only
    return read_header(Path(path_text))


def _crop_box(
    video: VideoStream, width: int, height: int, focus: Focus
) -> tuple[int, int, int, int]:
    """The cover crop (x, y, w, h) of the upright clip, in whole even pixels, around `focus`."""
    clip_w, clip_h = video.display_size
    x, y, w, h = cover_window(clip_w, clip_h, width, height, focus)
    crop_w = min(clip_w, max(2, 2 * round(w / 2)))
    crop_h = min(clip_h, max(2, 2 * round(h / 2)))
    left = min(clip_w - crop_w, max(0, 2 * round(x / 2)))
    top = min(clip_h - crop_h, max(0, 2 * round(y / 2)))
    return (left, top, crop_w, crop_h)
