"""Encoding the segments a render is missing: frames drawn in threads, piped to x264 processes.

With two workers, one walks the missing segments from the front and one from the back, so each
keeps its shots prepared from one segment to the next and both finish together. Threads are
enough: warping, blending and pipe writes release the GIL, and x264 runs in its own process.
"""

from __future__ import annotations

import collections
import concurrent.futures
import threading
from collections.abc import Callable
from pathlib import Path

from bot.media.encoder import EncodeSettings, SegmentWriter
from bot.media.frames import TimelineFrames
from bot.media.segments import Segment
from bot.media.thumbnail import save_candidate, small_rgb
from bot.studio.timeline import Timeline

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
    ) -> None:
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

    @property
    def fallbacks(self) -> frozenset[int]:
        """Shots whose clip failed to decode in the segments encoded so far (shown as stills)."""
        return frozenset(self._fallbacks)

    def run(self, segments: list[Segment], workers: int = 2) -> None:
        """Encode every segment; raise the first failure after stopping the other worker."""
        self._total = sum(segment.count for segment in segments)
        self._report()
        pending = collections.deque(segments)
        if workers <= 1 or len(segments) < 2:
            self._work(pending, from_back=False)
            return
        with concurrent.futures.ThreadPoolExecutor(2, thread_name_prefix="segment") as pool:
            futures = [pool.submit(self._work, pending, back) for back in (False, True)]
            errors = [f.exception() for f in futures]
        failures = [e for e in errors if e is not None and not isinstance(e, _Stopped)]
        if failures:
            raise failures[0]

    def _work(self, pending: collections.deque[Segment], from_back: bool) -> None:
        frames = TimelineFrames(self._timeline)
        try:
            while not self._failed.is_set():
                with self._lock:
                    if not pending:
                        return
                    segment = pending.pop() if from_back else pending.popleft()
                self._encode(frames, segment)
        except BaseException:
            self._failed.set()
            raise
        finally:
            with self._lock:
                self._fallbacks |= frames.fallbacks
            frames.close()

    def _encode(self, frames: TimelineFrames, segment: Segment) -> None:
        timeline = self._timeline
        size = (timeline.width, timeline.height)
        writer = SegmentWriter(self._settings, segment.path(self._folder))
        try:
            for index in range(segment.first, segment.first + segment.count):
                if self._failed.is_set():
                    raise _Stopped
                frame = frames.i420_at(index / timeline.fps)
                writer.write(frame)
                if index == segment.middle:
                    save_candidate(small_rgb(frame, *size), segment.thumbnail_path(self._folder))
                self._advance()
            writer.finish()
        except BaseException:
            writer.abort()
            raise

    def _advance(self) -> None:
        with self._lock:
            self._done += 1
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
