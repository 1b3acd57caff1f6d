"""Timeline to MP4 for phones: H.264 High/yuv420p (BT.709), AAC, +faststart, within a byte limit.

The video is encoded as segments (see segments.py) cached by the hash of their inputs, so a
re-render encodes only what changed; segments are joined by stream copy and the soundtrack is
muxed in once. Two encoders run at a time, each fed by its own thread, walking the segment list
from both ends: each keeps its shots prepared across neighbouring segments.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import ctypes
import ctypes.util
import dataclasses
import functools
import logging
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from bot.media.encoder import EncodeSettings, join
from bot.media.frames import TimelineFrames
from bot.media.segment_encoding import SegmentJobs
from bot.media.segments import Segment, plan_segments, prune, touch
from bot.media.soundtrack import make_soundtrack, soundtrack_key
from bot.media.thumbnail import choose_thumbnail, save_thumbnail, small_rgb
from bot.studio.encoding import AUDIO_KBPS, plan_encode
from bot.studio.timeline import Timeline

logger = logging.getLogger(__name__)

CACHE_MAX_BYTES = 2 * 1024**3
JOIN_SHARE = 0.02  # of the progress bar, for joining and muxing
SHRINK_RETRIES = 2
M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter number
MMAP_THRESHOLD_BYTES = 256 * 1024


@dataclass(frozen=True)
class RenderResult:
    """A rendered video, its thumbnail, and how much of it was encoded afresh."""

    path: Path
    duration: float
    width: int
    height: int
    size_bytes: int
    thumbnail_path: Path
    fps: int
    encoded_segments: int = 0
    reused_segments: int = 0
    fallback_shots: tuple[int, ...] = ()  # shots whose clip failed to decode: shown as stills
    spliced_frames: int = 0  # footage frames sent from decoder to encoder without Python


def partial_path(output: Path) -> Path:
    """Where the video is written before it is complete (then renamed to `output`)."""
    return output.with_name(f"{output.stem}.part{output.suffix or '.mp4'}")


def thumbnail_path(output: Path) -> Path:
    """Where the thumbnail of `output` is written."""
    return output.with_name(f"{output.stem}.thumb.jpg")


def render_timeline(
    timeline: Timeline,
    output: Path,
    *,
    on_progress: Callable[[float], None] | None = None,
    preset: str = "veryfast",
    crf: int = 23,
    max_bitrate_kbps: int | None = None,
    max_bytes: int | None = None,
    loudness_lufs: float = -14.0,
    audio_kbps: int = AUDIO_KBPS,
    threads: int = 1,
    workers: int = 2,
    pass_through: bool = True,
    work_dir: Path | None = None,
    segment_dir: Path | None = None,
    cache_max_bytes: int = CACHE_MAX_BYTES,
) -> RenderResult:
    """Render the timeline to an MP4 at `output`, reporting progress as 0..1.

    `max_bytes` caps the file size (the bitrate, and if need be the frame size, follow from
    it); `segment_dir` keeps encoded segments between renders; `threads` is per encoder;
    `pass_through` lets footage frames with nothing but a caption go from decoder to encoder
    by splice (off: every frame through Python, the same pictures; for comparisons).
    """
    _check(timeline)
    _release_frames_promptly()
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    frame_count = max(1, round(timeline.duration * timeline.fps))
    seconds = frame_count / timeline.fps
    plan = plan_encode(
        seconds,
        timeline.width,
        timeline.height,
        timeline.fps,
        max_bytes,
        audio_kbps=audio_kbps,
        max_video_kbps=max_bitrate_kbps,
    )
    started = time.monotonic()
    with ExitStack() as stack:
        if work_dir is None:
            work_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="render-")))
        if segment_dir is None:
            segment_dir = Path(
                stack.enter_context(tempfile.TemporaryDirectory(prefix="segments-", dir=work_dir))
            )
        segment_dir.mkdir(parents=True, exist_ok=True)
        for attempt in range(SHRINK_RETRIES + 1):
            sized = dataclasses.replace(timeline, width=plan.width, height=plan.height)
            settings = EncodeSettings(
                plan.width, plan.height, timeline.fps, preset, crf, plan.video_kbps, threads
            )
            encoded, reused, fallbacks, spliced = _render_once(
                sized,
                settings,
                plan.audio_kbps,
                output,
                seconds,
                on_progress,
                workers,
                pass_through,
                work_dir,
                segment_dir,
                loudness_lufs,
            )
            size = output.stat().st_size
            if max_bytes is None or size <= max_bytes or plan.video_kbps is None:
                break
            logger.warning(
                "render of %d bytes is over the %d-byte limit (attempt %d)",
                size,
                max_bytes,
                attempt + 1,
            )
            shrink = 0.9 * max_bytes / size
            plan = dataclasses.replace(plan, video_kbps=max(50, int(plan.video_kbps * shrink)))
        prune(segment_dir, cache_max_bytes)
    elapsed = time.monotonic() - started
    logger.info(
        "rendered %d frames (%.1f s; %d segments encoded, %d reused) in %.1f s",
        frame_count,
        seconds,
        encoded,
        reused,
        elapsed,
    )
    return RenderResult(
        path=output,
        duration=seconds,
        width=plan.width,
        height=plan.height,
        size_bytes=output.stat().st_size,
        thumbnail_path=thumbnail_path(output),
        fps=timeline.fps,
        encoded_segments=encoded,
        reused_segments=reused,
        fallback_shots=tuple(sorted(fallbacks)),
        spliced_frames=spliced,
    )


def _render_once(
    timeline: Timeline,
    settings: EncodeSettings,
    audio_kbps: int,
    output: Path,
    seconds: float,
    on_progress: Callable[[float], None] | None,
    workers: int,
    pass_through: bool,
    work_dir: Path,
    segment_dir: Path,
    loudness_lufs: float,
) -> tuple[int, int, frozenset[int], int]:
    """Encode the missing segments and the soundtrack, join them, choose the thumbnail.

    Returns the segments encoded and reused, the shots that fell back to a still, and the
    frames spliced from decoder to encoder.
    """
    segments = plan_segments(timeline, settings.fingerprint())
    missing = [s for s in segments if not s.path(segment_dir).exists()]
    touch([p for s in segments for p in (s.path(segment_dir), s.thumbnail_path(segment_dir))])
    audio = segment_dir / f"{soundtrack_key(timeline, seconds, loudness_lufs, audio_kbps)}.m4a"
    touch([audio])
    partial = partial_path(output)
    with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="soundtrack") as pool:
        sound = (
            None
            if audio.exists()
            else pool.submit(
                make_soundtrack,
                timeline,
                seconds,
                audio,
                loudness_lufs=loudness_lufs,
                audio_kbps=audio_kbps,
            )
        )
        jobs = SegmentJobs(
            timeline, settings, segment_dir, on_progress, 1.0 - JOIN_SHARE, pass_through
        )
        jobs.run(missing, workers)
        if sound is not None:
            sound.result()
    try:
        join(
            [(s.path(segment_dir), s.count) for s in segments],
            timeline.fps,
            audio,
            partial,
            work_dir / "segments.txt",
        )
        partial.replace(output)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    _thumbnail(timeline, segments, segment_dir, thumbnail_path(output))
    fallbacks = jobs.fallbacks
    for segment in segments:
        if fallbacks.intersection(segment.shots):
            # Not kept: the next render tries the clip again (and says so again if it fails).
            segment.path(segment_dir).unlink(missing_ok=True)
    if on_progress is not None:
        on_progress(1.0)
    return len(missing), len(segments) - len(missing), fallbacks, jobs.spliced


def _thumbnail(timeline: Timeline, segments: list[Segment], folder: Path, output: Path) -> None:
    if choose_thumbnail([s.thumbnail_path(folder) for s in segments], output) is not None:
        return
    frames = TimelineFrames(timeline)  # every candidate was pruned: draw one frame afresh
    try:
        shot = timeline.shots[0]
        frame = frames.i420_at(shot.start + shot.duration / 2)
        save_thumbnail(small_rgb(frame, timeline.width, timeline.height), output)
    finally:
        frames.close()


@functools.cache
def _release_frames_promptly() -> None:
    """Make glibc give frame-sized buffers back to the system as soon as they are freed.

    glibc raises its mmap threshold each time a large block is freed, after which frames come
    from the heap and fragment it: the renderer's memory then grows with the video's length.
    A fixed threshold keeps it flat. (A no-op where the C library is not glibc.)
    """
    name = ctypes.util.find_library("c")
    if name is None:
        return
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(name).mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)


def _check(timeline: Timeline) -> None:
    if not timeline.shots or timeline.duration <= 0:
        raise ValueError("the timeline has no shots")
    if timeline.width <= 0 or timeline.height <= 0 or timeline.width % 2 or timeline.height % 2:
        raise ValueError("width and height must be positive and even (yuv420p)")
    if timeline.fps <= 0:
        raise ValueError("fps must be positive")
