"""Is a video usable footage? The facts of a director's clip, or the problem that rules it out.

Three looks, cheapest first: ffmpeg's header summary (streams, size, rotation, colour; see
media_header.py); a scan of every packet by stream copy (no decoding, so a whole file takes a
fraction of a second) for the real frame count, frame timing and where the data ends; and a
decode of the clip's last second, which proves the data there is a picture, not just bytes.
A file whose data stops well before the header's duration is a cut-short copy and is refused.

Frames and liveliness of accepted footage live in footage_frames.py; they are re-exported here
so callers meet footage through one module.
"""

from __future__ import annotations

import itertools
import logging
import statistics
import subprocess
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from bot.media.encoder import ffmpeg_exe
from bot.media.footage_errors import FootageError, FootageProblem
from bot.media.footage_frames import first_good_frame, frame_at, liveliness
from bot.media.media_header import MediaHeader, VideoStream, read_header

__all__ = [
    "DEFAULT_MAX_PIXEL_RATE",
    "FootageError",
    "FootageFacts",
    "FootageProblem",
    "first_good_frame",
    "frame_at",
    "liveliness",
    "probe_footage",
]

logger = logging.getLogger(__name__)

DEFAULT_MAX_PIXEL_RATE = 3840 * 2160 * 30.0  # 4K at 30 fps passes, 4K at 60 does not
SCAN_TIMEOUT = 180.0
DECODE_TIMEOUT = 60.0
LENGTH_GRACE = 0.25  # seconds a clip may exceed the limit by: containers round their lengths
TAIL_SECONDS = 1.0  # the stretch at the end that must decode
VARIABLE_SHARE = 0.01  # share of frame gaps off the usual one that makes a clip VFR
_NO_TIMESTAMP = -(2**63)


@dataclass(frozen=True)
class FootageFacts:
    """What the studio and the renderer need to know about accepted footage."""

    duration: float
    width: int  # as displayed: rotation (and pixel aspect) applied
    height: int
    rotation: int  # clockwise degrees the stored picture is turned by: 0/90/180/270
    fps: float  # average frames a second
    variable_fps: bool
    hdr: bool  # PQ (smpte2084) or HLG (arib-std-b67)
    codec: str
    has_audio: bool


def probe_footage(
    path: Path, *, max_seconds: float, max_pixel_rate: float = DEFAULT_MAX_PIXEL_RATE
) -> FootageFacts:
    """The facts of a video clip, or FootageError naming what rules it out."""
    header = read_header(path)
    if header is not None and header.missing_index and _starts_like_mp4(path):
        raise FootageError(FootageProblem.TRUNCATED, "the file has no index: a cut-short copy")
    if header is None or (header.video is None and header.missing_index):
        raise FootageError(FootageProblem.UNREADABLE, "ffmpeg cannot read the file")
    video = header.video
    if video is None:
        raise FootageError(FootageProblem.NO_VIDEO, "the file has no video stream")
    if header.duration is not None and header.duration > max_seconds + LENGTH_GRACE:
        raise _too_long(header.duration, max_seconds)
    if video.fps is not None:
        _check_pixel_rate(video, video.fps, max_pixel_rate)
    scan = _scan_packets(path, header)
    video_seconds = scan.video_seconds()
    if header.duration is not None:
        _check_complete(scan.data_end(), header.duration)
    if scan.video_frames <= 1 or video_seconds <= 0:
        raise FootageError(FootageProblem.ONE_FRAME, "the video holds a single frame")
    if video_seconds > max_seconds + LENGTH_GRACE:
        raise _too_long(video_seconds, max_seconds)
    fps = scan.video_frames / video_seconds
    _check_pixel_rate(video, fps, max_pixel_rate)
    _check_tail_decodes(path, video, scan.video_start() + video_seconds)
    width, height = video.display_size
    return FootageFacts(
        duration=round(video_seconds, 6),
        width=width,
        height=height,
        rotation=video.rotation,
        fps=round(fps, 3),
        variable_fps=scan.variable_rate(),
        hdr=video.hdr,
        codec=video.codec,
        has_audio=header.audio_index is not None,
    )


def _starts_like_mp4(path: Path) -> bool:
    """An MP4/MOV opens with an `ftyp` box (or old QuickTime's `wide`/`mdat`)."""
    with path.open("rb") as file:
        return file.read(12)[4:8] in (b"ftyp", b"wide", b"mdat", b"free")


def _too_long(seconds: float, max_seconds: float) -> FootageError:
    return FootageError(
        FootageProblem.TOO_LONG, f"the clip lasts {seconds:.1f} s, over {max_seconds:g} s"
    )


def _check_pixel_rate(video: VideoStream, fps: float, max_pixel_rate: float) -> None:
    width, height = video.display_size
    if width * height * fps > max_pixel_rate * 1.001:  # 29.97 vs 30 is not worth a refusal
        raise FootageError(
            FootageProblem.TOO_DEMANDING, f"{width}x{height} at {fps:.0f} fps is beyond the limit"
        )


def _check_complete(data_end: float, promised: float) -> None:
    if data_end < promised - max(0.3, 0.02 * promised):
        raise FootageError(
            FootageProblem.TRUNCATED,
            f"the data ends at {data_end:.2f} s of the {promised:.2f} s the header promises",
        )


@dataclass
class _StreamPackets:
    time_base: Fraction = Fraction(1, 1)
    times: list[int] = field(default_factory=list)
    end: int = _NO_TIMESTAMP


@dataclass
class _PacketScan:
    video: _StreamPackets
    audio: _StreamPackets | None

    @property
    def video_frames(self) -> int:
        return len(self.video.times)

    def video_start(self) -> float:
        return float(min(self.video.times) * self.video.time_base) if self.video.times else 0.0

    def video_seconds(self) -> float:
        if not self.video.times:
            return 0.0
        return float((self.video.end - min(self.video.times)) * self.video.time_base)

    def data_end(self) -> float:
        ends = [s.end * s.time_base for s in (self.video, self.audio) if s and s.times]
        return float(max(ends)) if ends else 0.0

    def variable_rate(self) -> bool:
        times = sorted(self.video.times)
        gaps = [b - a for a, b in itertools.pairwise(times)]
        if len(gaps) < 2:
            return False
        usual = statistics.median(gaps)
        off = sum(1 for gap in gaps if abs(gap - usual) > max(2, 0.1 * usual))
        return off > VARIABLE_SHARE * len(gaps)


def _scan_packets(path: Path, header: MediaHeader) -> _PacketScan:
    """Every packet's timing of the video (and first audio) stream, by stream copy."""
    assert header.video is not None
    maps = ["-map", f"0:{header.video.index}"]
    if header.audio_index is not None:
        maps += ["-map", f"0:{header.audio_index}"]
    command = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", "-i", str(path)]
    command += [*maps, "-c", "copy", "-f", "framecrc", "-"]
    try:
        done = subprocess.run(command, capture_output=True, timeout=SCAN_TIMEOUT, check=False)
    except subprocess.TimeoutExpired as error:
        raise FootageError(FootageProblem.UNREADABLE, "reading the file took too long") from error
    streams = [_StreamPackets(), _StreamPackets()]
    for line in done.stdout.decode("ascii", "replace").splitlines():
        if line.startswith("#tb "):
            label, _, rate = line[4:].partition(":")
            if label.strip() in ("0", "1"):
                streams[int(label)].time_base = Fraction(rate.strip())
            continue
        fields = line.split(",")
        if line.startswith("#") or len(fields) < 5:
            continue
        number, dts, pts, duration = (int(value) for value in fields[:4])
        if number not in (0, 1) or "F=0x2" in line:  # a corrupt packet is no picture
            continue
        time = pts if pts != _NO_TIMESTAMP else dts
        if time == _NO_TIMESTAMP:
            continue
        stream = streams[number]
        stream.times.append(time)
        stream.end = max(stream.end, time + max(0, duration))
    if not streams[0].times:
        logger.info("A footage scan found no video packet: %s", done.stderr[-300:])
        raise FootageError(FootageProblem.UNREADABLE, "the video stream holds no readable frame")
    return _PacketScan(streams[0], streams[1] if header.audio_index is not None else None)


def _check_tail_decodes(path: Path, video: VideoStream, video_end: float) -> None:
    """Decode the clip's last second: its packets must be pictures, not just bytes."""
    start = max(0.0, video_end - TAIL_SECONDS)
    command = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", "-ss", f"{start:.3f}"]
    command += ["-i", str(path), "-map", f"0:{video.index}", "-vf", "scale=32:32"]
    command += ["-f", "framecrc", "-"]
    try:
        done = subprocess.run(command, capture_output=True, timeout=DECODE_TIMEOUT, check=False)
    except subprocess.TimeoutExpired as error:
        raise FootageError(FootageProblem.UNREADABLE, "decoding the clip took too long") from error
    frames = sum(
        1 for line in done.stdout.decode("ascii", "replace").splitlines() if line[:2] == "0,"
    )
    if frames == 0:
        logger.info("A footage clip's end did not decode: %s", done.stderr[-300:])
        raise FootageError(FootageProblem.UNREADABLE, "the end of the clip does not decode")
