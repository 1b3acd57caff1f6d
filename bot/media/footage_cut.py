"""A stretch of the director's footage as its own small MP4 (what a video-to-video model takes),
and a model's answer given back the stretch's own sound.

The stretch goes through the same filters as rendered footage (footage_filters.py): upright,
tone-mapped to BT.709 SDR, so the model restyles what the video would have shown.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from bot.media.encoder import ffmpeg_exe
from bot.media.footage_filters import sdr_chain
from bot.media.footage_frames import video_of

CUT_TIMEOUT = 300.0


def cut_stretch(
    footage: Path, start: float, seconds: float, short_side: int, fps: int, output: Path
) -> None:
    """Re-encode `seconds` of `footage` from `start`: H.264 at `fps`, its shorter side
    `short_side`, no sound. Raises ValueError when ffmpeg cannot make it."""
    video, _ = video_of(footage)
    size = f"'if(lte(iw,ih),{short_side},-2)':'if(lte(iw,ih),-2,{short_side})'"
    chain = ",".join(sdr_chain(video, size, timing=[f"fps={fps}"]))
    _run(
        [*_stretch_of(footage, start, seconds), "-an", "-vf", chain],
        ["-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-threads", "2"],
        output,
    )


def with_sound_of(video: Path, footage: Path, start: float, seconds: float, output: Path) -> None:
    """`video` with the sound of the footage's stretch (if it has any), the picture copied."""
    _run(
        ["-i", str(video), *_stretch_of(footage, start, seconds)],
        [
            "-map",
            "0:v:0",
            "-map",
            "1:a:0?",
            "-c:v",
            "copy",
            "-c:a",
            "aac",
            "-b:a",
            "160k",
            "-shortest",
        ],
        output,
    )


def _stretch_of(footage: Path, start: float, seconds: float) -> list[str]:
    """ffmpeg's input arguments for `seconds` of `footage` from `start`."""
    return ["-ss", f"{max(0.0, start):.3f}", "-t", f"{seconds:.3f}", "-i", str(footage)]


def _run(arguments: list[str], encoding: list[str], output: Path) -> None:
    command = [
        ffmpeg_exe(),
        *("-hide_banner", "-loglevel", "error", "-nostdin"),
        *arguments,
        *encoding,
        *("-movflags", "+faststart", "-y", str(output)),
    ]
    try:
        subprocess.run(command, check=True, capture_output=True, timeout=CUT_TIMEOUT)
    except subprocess.CalledProcessError as error:
        raise ValueError(
            f"ffmpeg failed: {error.stderr.decode(errors='replace')[-300:]}"
        ) from error
    except subprocess.TimeoutExpired as error:
        raise ValueError("ffmpeg took too long") from error
    if not output.exists() or output.stat().st_size == 0:
        raise ValueError("ffmpeg wrote nothing")
