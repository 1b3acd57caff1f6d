"""Check uploaded songs with the ffmpeg that imageio-ffmpeg ships."""

from __future__ import annotations

import asyncio
import logging
import re
import subprocess
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from bot.errors import InputRejected
from bot.media.encoder import ffmpeg_exe
from bot.studio.ports import AudioFacts

logger = logging.getLogger(__name__)

_DURATION = re.compile(r"Duration:\s*(\d+):(\d{2}):(\d{2}(?:\.\d+)?)")
_AUDIO_STREAM = re.compile(r"Stream #\d+:\d+.*?: Audio: ")
PROBE_TIMEOUT = 60.0
DECODE_TIMEOUT = 120.0


_TAG = re.compile(r"^\s{4}([A-Za-z_][\w-]*)\s*: (.*)$")


def header_duration(stderr: str) -> float | None:
    """The duration in ffmpeg's header summary (`Duration: h:mm:ss.xx`), if it has one."""
    match = _DURATION.search(stderr)
    if match is None:
        return None
    hours, minutes, seconds = match.groups()
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def decode_mono(
    path: Path, rate: int, *, first_seconds: float | None = None
) -> NDArray[np.float32]:
    """The first audio stream (or its first `first_seconds`) as mono float32 samples at `rate`.

    Raises ValueError when ffmpeg cannot decode it.
    """
    command = [ffmpeg_exe(), "-nostdin", "-v", "error", "-i", str(path), "-map", "0:a:0"]
    if first_seconds is not None:
        command += ["-t", f"{first_seconds:.3f}"]
    command += ["-ac", "1", "-ar", str(rate), "-f", "f32le", "pipe:1"]
    done = subprocess.run(command, capture_output=True, timeout=DECODE_TIMEOUT, check=False)
    if done.returncode != 0:
        raise ValueError(f"cannot decode audio: {done.stderr.decode(errors='replace')[-300:]}")
    return np.frombuffer(done.stdout, dtype=np.float32)


def container_tags(stderr: str) -> dict[str, str]:
    """The input file's own metadata tags (title, artist...) from `ffmpeg -i` output."""
    tags: dict[str, str] = {}
    inside = False
    for line in stderr.splitlines():
        if line.startswith("Input #0"):
            inside = True
            continue
        if not inside:
            continue
        if line.strip().startswith(("Duration:", "Stream #", "Chapters:")) or line.startswith(
            ("Output #", "Input #")
        ):
            break
        found = _TAG.match(line)
        if found and found.group(1).lower() not in tags:
            tags[found.group(1).lower()] = found.group(2).strip()
    return tags


def parse_probe(stderr: str) -> AudioFacts | None:
    """Duration of the first audio stream from `ffmpeg -i` output (with the file's title and
    artist tags), or None if there is none."""
    duration = header_duration(stderr)
    if duration is None or _AUDIO_STREAM.search(stderr) is None:
        return None
    tags = container_tags(stderr)
    artist = tags.get("artist") or tags.get("album_artist") or tags.get("composer")
    return AudioFacts(duration=duration, title=tags.get("title") or None, artist=artist or None)


async def inspect_song(source: Path) -> AudioFacts:
    """Read the song's duration and decode its first seconds; InputRejected if unusable."""
    ffmpeg = ffmpeg_exe()
    # Decoding a few seconds proves the audio is real, not just a plausible header.
    process = await asyncio.create_subprocess_exec(
        ffmpeg,
        "-hide_banner",
        "-nostdin",
        "-i",
        str(source),
        "-map",
        "0:a:0",
        "-t",
        "3",
        "-f",
        "null",
        "-",
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        _, stderr = await asyncio.wait_for(process.communicate(), PROBE_TIMEOUT)
    except TimeoutError as error:
        process.kill()
        await process.wait()
        raise InputRejected("error.bad_audio") from error
    facts = parse_probe(stderr.decode("utf-8", "replace"))
    if process.returncode != 0 or facts is None or facts.duration <= 0.5:
        logger.info("Rejected an audio file (ffmpeg exit %s)", process.returncode)
        raise InputRejected("error.bad_audio")
    return facts
