"""The three ways `render.py` renders a project, each run alone in a child process.

Every variant returns: seconds (wall time of the render itself), frames, video_seconds.
"""

from __future__ import annotations

import importlib.util
import resource
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.media.encoder import EncodeSettings, segment_command
from bot.media.frames import TimelineFrames
from bot.media.renderer import render_timeline
from bot.studio.timeline import Timeline

PRESET, CRF = "veryfast", 23


def ours(timeline: Timeline, folder: Path, cache: str = "") -> dict[str, float]:
    """Our renderer, with a segment cache (empty on a first render)."""
    output = folder / f"ours-{timeline.width}x{timeline.height}-{time.monotonic_ns()}.mp4"
    cpu = cpu_seconds()
    started = time.perf_counter()
    result = render_timeline(
        timeline, output, preset=PRESET, crf=CRF, segment_dir=Path(cache) if cache else None
    )
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "cpu_seconds": cpu_seconds() - cpu,
        "frames": round(result.duration * result.fps),
        "video_seconds": result.duration,
        "encoded": result.encoded_segments,
        "bytes": result.size_bytes,
    }


def ceiling(timeline: Timeline, folder: Path) -> dict[str, float]:
    """The encoder alone: the same x264 settings fed ready-made frames, as fast as it goes.

    The frames are two seconds of a real Ken Burns shot, computed before the clock starts and
    played back and forth, so x264 sees the kind of picture it sees in a real render. Both
    layouts are timed, one encoder with two threads and two with one each (ours), and the
    faster counts.
    """
    frames = TimelineFrames(timeline)
    shot = timeline.shots[1] if len(timeline.shots) > 1 else timeline.shots[0]
    loop = [
        frames.i420_at(shot.start + shot.duration / 4 + i / timeline.fps).tobytes()
        for i in range(2 * timeline.fps)
    ]
    frames.close()
    count = round(timeline.duration * timeline.fps)
    cpu = cpu_seconds()
    best = _encode_split(timeline, folder, loop, count, 1, 2)
    one_encoder_cpu = cpu_seconds() - cpu
    best = min(best, _encode_split(timeline, folder, loop, count, 2, 1))
    two_encoders_cpu = cpu_seconds() - cpu - one_encoder_cpu
    return {
        "seconds": best,
        "cpu_seconds": min(one_encoder_cpu, two_encoders_cpu),
        "frames": count,
        "video_seconds": count / timeline.fps,
    }


def cpu_seconds() -> float:
    """CPU time of this process and of its children that have ended (the ffmpeg processes).

    Counted alongside wall time because on a shared machine the wall clock measures the
    neighbours too; CPU time is what the work itself costs.
    """
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _encode_split(
    timeline: Timeline, folder: Path, loop: list[bytes], count: int, parts: int, threads: int
) -> float:
    settings = EncodeSettings(
        timeline.width, timeline.height, timeline.fps, PRESET, CRF, threads=threads
    )

    def feed(part: int) -> None:
        output = folder / f"ceiling-{parts}-{part}.mp4"
        process = subprocess.Popen(
            segment_command(settings, output), stdin=subprocess.PIPE, pipesize=1 << 20
        )
        assert process.stdin is not None
        for index in range(part * count // parts, (part + 1) * count // parts):
            cycle = index % (2 * len(loop))
            process.stdin.write(loop[cycle if cycle < len(loop) else 2 * len(loop) - 1 - cycle])
        process.stdin.close()
        process.wait()

    started = time.perf_counter()
    workers = [threading.Thread(target=feed, args=(part,)) for part in range(parts)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return time.perf_counter() - started


MOVIEPY_MISSING = (
    "The naive baseline needs moviepy, which the bot does not install: run "
    "`bash scripts/setup.sh bench` (or `.venv/bin/pip install -e '.[bench]'`), "
    "or pass --skip-naive."
)


def moviepy_installed() -> bool:
    """True when the naive variant can run."""
    return importlib.util.find_spec("moviepy") is not None


def naive(timeline: Timeline, folder: Path) -> dict[str, float]:
    """The moviepy recipe peers use: a per-frame resize lambda, CrossFadeIn, one composite."""
    if not moviepy_installed():
        raise SystemExit(MOVIEPY_MISSING)
    from moviepy import AudioFileClip, CompositeVideoClip, ImageClip, vfx

    width, height = timeline.width, timeline.height
    clips: list[Any] = []
    for index, shot in enumerate(timeline.shots):
        fade = shot.transition_seconds if index else 0.0
        length = shot.duration + fade
        clip = ImageClip(shot.image_path).with_duration(length)
        cover = max(width / clip.w, height / clip.h)
        clip = clip.resized(cover)
        clip = clip.resized(_zoom(length))
        clip = clip.with_position("center").with_start(max(0.0, shot.start - fade))
        if fade:
            clip = clip.with_effects([vfx.CrossFadeIn(fade)])
        clips.append(clip)
    video = CompositeVideoClip(clips, size=(width, height)).with_duration(timeline.duration)
    song = AudioFileClip(timeline.audio_path) if timeline.audio_path else None
    if song is not None:
        video = video.with_audio(song.subclipped(0, min(song.duration, timeline.duration)))
    output = folder / "naive.mp4"
    started = time.perf_counter()
    video.write_videofile(
        str(output),
        fps=timeline.fps,
        codec="libx264",
        audio_codec="aac",
        preset=PRESET,
        threads=2,
        logger=None,
        temp_audiofile_path=str(folder),
        ffmpeg_params=["-crf", str(CRF), "-pix_fmt", "yuv420p"],
    )
    seconds = time.perf_counter() - started
    for clip in [*clips, video, song]:
        if clip is not None:
            clip.close()
    count = round(timeline.duration * timeline.fps)
    return {"seconds": seconds, "frames": count, "video_seconds": timeline.duration}


def _zoom(length: float) -> Callable[[float], float]:
    return lambda t: 1.0 + 0.15 * t / length


VARIANTS: dict[str, Callable[..., dict[str, float]]] = {
    "ours": ours,
    "ceiling": ceiling,
    "naive": naive,
}
