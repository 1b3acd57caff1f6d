"""What ffmpeg's header summary (`ffmpeg -i FILE`) says about a file's streams.

imageio-ffmpeg ships no ffprobe, so the summary ffmpeg prints on stderr is our probe: the
container's duration, each stream's codec, size, frame rate and colour tags, and the side data
below a stream (the display matrix that phones write for a portrait recording).
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from bot.media.audio import header_duration
from bot.media.encoder import ffmpeg_exe

HEADER_TIMEOUT = 30.0

_STREAM = re.compile(r"^\s*Stream #0:(\d+)\S*: (Video|Audio|Subtitle|Data|Attachment): (.*)$")
_SIZE = re.compile(r", (\d{1,5})x(\d{1,5})(?=[ ,]|$)")
_SAR = re.compile(r"\[SAR (\d+):(\d+) DAR")
_FPS = re.compile(r", (\d+(?:\.\d+)?)(k?) fps")
_TBR = re.compile(r", (\d+(?:\.\d+)?)(k?) tbr")
_MATRIX_ROTATION = re.compile(r"rotation of (-?\d+(?:\.\d+)?) degrees", re.IGNORECASE)
_ROTATE_TAG = re.compile(r"^\s*rotate\s*:\s*(-?\d+(?:\.\d+)?)\s*$", re.MULTILINE | re.IGNORECASE)
_PIXEL_FORMAT = re.compile(r", ([a-z][a-z0-9_]*)\(([^)]*)\)")
_PLAIN_PIXEL_FORMAT = re.compile(r", ([a-z][a-z0-9_]*)(?:,|$)")
_NOT_COLOUR = {"tv", "pc", "progressive", "tt", "bb", "tb", "bt", "top first", "bottom first"}
_HDR_TRANSFERS = ("smpte2084", "arib-std-b67")  # PQ and HLG
_MISSING_INDEX = ("moov atom not found", "no moov")


@dataclass(frozen=True)
class VideoStream:
    """The first real video stream (cover art is not one), as stored and as displayed."""

    index: int
    codec: str
    stored_width: int
    stored_height: int
    sample_aspect: float
    fps: float | None  # the header's average rate, if it states one
    rotation: int  # clockwise degrees that turn the stored picture upright: 0/90/180/270
    rotation_tag_only: bool  # a `rotate` tag without a display matrix: ffmpeg won't apply it
    pixel_format: str
    colour_matrix: str | None  # as tagged (bt709, bt470bg, bt2020nc...), None if untagged
    transfer: str | None  # an HDR transfer (smpte2084 = PQ, arib-std-b67 = HLG), else None

    @property
    def display_size(self) -> tuple[int, int]:
        """Width and height as a player shows them: pixel aspect and rotation applied."""
        width = self.stored_width
        if abs(self.sample_aspect - 1.0) > 1e-3:  # as footage_filters squares the pixels
            width = max(2, int(self.stored_width * self.sample_aspect / 2) * 2)
        height = self.stored_height
        return (height, width) if self.rotation in (90, 270) else (width, height)

    @property
    def hdr(self) -> bool:
        """The stream is PQ or HLG."""
        return self.transfer is not None


@dataclass(frozen=True)
class MediaHeader:
    """A file's header summary: None where ffmpeg could not say."""

    duration: float | None
    video: VideoStream | None
    audio_index: int | None
    missing_index: bool  # an MP4/MOV whose index (moov) is absent: typically a cut-short copy


def read_header(path: Path) -> MediaHeader | None:
    """The header summary of a media file, or None when ffmpeg cannot open it at all."""
    done = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(path)],
        capture_output=True,
        timeout=HEADER_TIMEOUT,
        check=False,
    )
    return parse_header(done.stderr.decode("utf-8", "replace"))


def parse_header(stderr: str) -> MediaHeader | None:
    """Parse the `Input #0` part of ffmpeg's stderr; None when there is no such part."""
    missing_index = any(marker in stderr for marker in _MISSING_INDEX)
    start = stderr.find("Input #0")
    if start < 0:
        return MediaHeader(None, None, None, True) if missing_index else None
    text = stderr[start:]
    for end_marker in ("Stream mapping:", "Output #0", "At least one output file"):
        end = text.find(end_marker)
        if end > 0:
            text = text[:end]
    video: VideoStream | None = None
    audio_index: int | None = None
    for index, kind, line, block in _stream_blocks(text):
        if kind == "Video" and video is None and "(attached pic)" not in line:
            video = _video_stream(index, line, block)
        elif kind == "Audio" and audio_index is None:
            audio_index = index
    duration = header_duration(text)
    return MediaHeader(duration, video, audio_index, missing_index)


def _stream_blocks(text: str) -> list[tuple[int, str, str, str]]:
    """(index, kind, stream line, the indented lines below it) for every stream."""
    lines = text.splitlines()
    blocks: list[tuple[int, str, str, str]] = []
    for number, line in enumerate(lines):
        match = _STREAM.match(line)
        if match is None:
            continue
        below: list[str] = []
        for following in lines[number + 1 :]:
            if _STREAM.match(following) or not following.startswith("    "):
                break
            below.append(following)
        blocks.append((int(match.group(1)), match.group(2), match.group(3), "\n".join(below)))
    return blocks


def _video_stream(index: int, line: str, block: str) -> VideoStream | None:
    size = _SIZE.search(line)
    if size is None:
        return None
    sar = _SAR.search(line)
    sample_aspect = 1.0
    if sar is not None and int(sar.group(1)) > 0 and int(sar.group(2)) > 0:
        sample_aspect = int(sar.group(1)) / int(sar.group(2))
    pixel_format, matrix, transfer = _colour(line)
    return VideoStream(
        index=index,
        codec=line.split()[0].strip(","),
        stored_width=int(size.group(1)),
        stored_height=int(size.group(2)),
        sample_aspect=sample_aspect,
        fps=_rate(_FPS, line) or _rate(_TBR, line),
        rotation=_rotation(block),
        rotation_tag_only=_MATRIX_ROTATION.search(block) is None
        and _ROTATE_TAG.search(block) is not None,
        pixel_format=pixel_format,
        colour_matrix=matrix,
        transfer=transfer if transfer in _HDR_TRANSFERS else None,
    )


def _colour(line: str) -> tuple[str, str | None, str | None]:
    """Pixel format, matrix and transfer from `yuv420p10le(tv, bt2020nc/bt2020/smpte2084)`."""
    match = _PIXEL_FORMAT.search(line)
    if match is None:
        plain = _PLAIN_PIXEL_FORMAT.search(line)
        return (plain.group(1) if plain else "", None, None)
    for part in (token.strip() for token in match.group(2).split(",")):
        names = part.split("/")
        if len(names) == 3:
            matrix = names[0] if names[0] != "unknown" else None
            return match.group(1), matrix, names[2]
        if part not in _NOT_COLOUR and part.replace("-", "").isalnum() and part[:1].isalpha():
            return match.group(1), part, part
    return match.group(1), None, None


def _rate(pattern: re.Pattern[str], line: str) -> float | None:
    match = pattern.search(line)
    if match is None:
        return None
    value = float(match.group(1)) * (1000 if match.group(2) else 1)
    return value if value > 0 else None


def _rotation(block: str) -> int:
    """Clockwise degrees to turn the picture upright, from the display matrix or a rotate tag."""
    matrix = _MATRIX_ROTATION.search(block)
    if matrix is not None:
        # ffmpeg prints the matrix's angle counter-clockwise: an iPhone portrait clip is -90.
        degrees = -float(matrix.group(1))
    else:
        tag = _ROTATE_TAG.search(block)
        degrees = float(tag.group(1)) if tag is not None else 0.0
    return (round(degrees / 90) * 90) % 360
