"""Encoding the segments a render is missing: frames drawn in threads, piped to x264 processes.

With two workers, each walks its own run of the missing segments forward (the first half and
the second), so each keeps its shots prepared from one segment to the next and reads its clips
forward: a clip read backwards (a segment's crossfade shows the end of the shot before it)
costs a second decoder and a seek per shot. A worker whose run is done takes the back half of
the other's, so both finish together. Threads are enough: warping, blending and pipe writes
release the GIL, and x264 runs in its own process.
"""

from __future__ import annotations

import collections
import concurrent.futures
import logging
import threading
from collections.abc import Callable
from pathlib import Path

from bot.media.encoder import EncodeSettings, SegmentWriter
from bot.media.frames import TimelineFrames
from bot.media.pipes import PipeBroken
from bot.media.segments import Segment
from bot.media.thumbnail import save_candidate, small_rgb
from bot.studio.timeline import Timeline

logger = logging.getLogger(__name__)

PROGRESS_STEP = 0.01


class _Stopped(Exception):
    """Another worker failed: stop this one too."""


class SegmentJobs:
    """Encodes segments of one timeline into a folder, reporting frame progress."""

    def __init__(
        self,
        timeline: Timeline,
        settings: EncodeSettings,
        folder: Path,
        on_progress: Callable[[float], None] | None,
        share: float = 1.0,
        pass_through: bool = True,
    ) -> None:
        self._pass_through = pass_through
        self._timeline = timeline
        self._settings = settings
        self._folder = folder
        self._on_progress = on_progress
        self._share = share
        self._lock = threading.Lock()
        self._failed = threading.Event()
        self._total = 0
        self._done = 0
        self._reported = -1.0
        self._fallbacks: set[int] = set()
        self._spliced = 0

    @property
    def spliced(self) -> int:
        """Frames that went from a clip's decoder to the encoder by splice, not through Python."""
        return self._spliced

    @property
    def fallbacks(self) -> frozenset[int]:
        """Shots whose clip failed to decode in the segments encoded so far (shown as stills)."""
        return frozenset(self._fallbacks)

    def run(self, segments: list[Segment], workers: int = 2) -> None:
        """Encode every segment; raise the first failure after stopping the other worker."""
        self._total = sum(segment.count for segment in segments)
        self._report()
        if workers <= 1 or len(segments) < 2:
            self._work([collections.deque(segments)], 0)
            return
        half = _half_by_frames(segments)
        runs = [collections.deque(segments[:half]), collections.deque(segments[half:])]
        with concurrent.futures.ThreadPoolExecutor(2, thread_name_prefix="segment") as pool:
            futures = [pool.submit(self._work, runs, own) for own in (0, 1)]
            errors = [f.exception() for f in futures]
        failures = [e for e in errors if e is not None and not isinstance(e, _Stopped)]
        if failures:
            raise failures[0]

    def _work(self, runs: list[collections.deque[Segment]], own: int) -> None:
        frames = TimelineFrames(self._timeline)
        try:
            while not self._failed.is_set():
                with self._lock:
                    segment = _next_segment(runs, own)
                if segment is None:
                    return
                self._encode(frames, segment, splice=self._pass_through)
        except BaseException:
            self._failed.set()
            raise
        finally:
            with self._lock:
                self._fallbacks |= frames.fallbacks
            frames.close()

    def _encode(self, frames: TimelineFrames, segment: Segment, *, splice: bool = True) -> None:
        timeline = self._timeline
        size = (timeline.width, timeline.height)
        writer = SegmentWriter(self._settings, segment.path(self._folder))
        counted = spliced = 0
        try:
            for index in range(segment.first, segment.first + segment.count):
                if self._failed.is_set():
                    raise _Stopped
                t = index / timeline.fps
                try:
                    sent = (
                        splice and index != segment.middle and frames.send_frame(t, writer.target)
                    )
                except BrokenPipeError:
                    writer.died()
                if not sent:
                    frame = frames.i420_at(t)
                    writer.write(frame)
                    if index == segment.middle:
                        thumbnail = segment.thumbnail_path(self._folder)
                        save_candidate(small_rgb(frame, *size), thumbnail)
                self._advance(1)
                counted += 1
                spliced += sent
            writer.finish()
            with self._lock:
                self._spliced += spliced
        except PipeBroken:
            # A clip ended within a frame sent straight through: encode the segment again the
            # ordinary way, which shows a still where the clip gives no frames.
            writer.abort()
            self._advance(-counted)
            logger.warning(
                "Segment at frame %d: a clip broke off; encoding it again", segment.first
            )
            self._encode(frames, segment, splice=False)
        except BaseException:
            writer.abort()
            raise

    def _advance(self, frames: int) -> None:
        with self._lock:
            self._done += frames
            self._report()

    def _report(self) -> None:
        """Call back with the fraction done, in steps of 1% (the lock is held)."""
        if self._on_progress is None or self._total <= 0:
            return
        fraction = self._share * self._done / self._total
        due = fraction - self._reported >= PROGRESS_STEP or self._done == self._total
        if due and fraction > self._reported:
            self._reported = fraction
            self._on_progress(fraction)


def _half_by_frames(segments: list[Segment]) -> int:
    """Where to split the segments so both runs hold about as many frames (at least one each)."""
    total = sum(segment.count for segment in segments)
    done = 0
    for index, segment in enumerate(segments[:-1]):
        done += segment.count
        if 2 * done >= total:
            return index + 1
    return len(segments) - 1


def _next_segment(runs: list[collections.deque[Segment]], own: int) -> Segment | None:
    """The next segment of a worker's run; when it is done, it takes the back half of another's."""
    mine = runs[own]
    if not mine:
        other = max((run for index, run in enumerate(runs) if index != own), key=len, default=None)
        if other is None or len(other) < 2:
            return None
        taken = [other.pop() for _ in range(len(other) // 2)]
        mine.extend(reversed(taken))
    return mine.popleft()
