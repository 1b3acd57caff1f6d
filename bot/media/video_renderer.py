"""Renderer port over the worker-process renderer."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from bot.errors import JobCancelled, ProviderError
from bot.media.render_worker import RenderCancelled, RenderFailed, render_in_worker
from bot.media.renderer import CACHE_MAX_BYTES
from bot.studio.ports import NoticeCallback, ProgressCallback, VideoFile
from bot.studio.timeline import Timeline


class WorkerRenderer:
    """Renders a timeline in a separate process with our encode settings.

    `segment_dir` keeps encoded segments between renders (e.g. DATA_DIR/media/segments), so a
    re-render encodes only the scenes that changed; `max_bytes` is the upload limit the video
    must fit; `loudness_lufs` the EBU R128 target of the soundtrack.
    """

    def __init__(
        self,
        preset: str,
        crf: int,
        max_bitrate_kbps: int | None = None,
        *,
        segment_dir: Path | None = None,
        max_bytes: int | None = None,
        loudness_lufs: float = -14.0,
        workers: int = 2,
        threads: int = 1,
        cache_max_bytes: int = CACHE_MAX_BYTES,
    ) -> None:
        self.preset = preset
        self.crf = crf
        self.max_bitrate_kbps = max_bitrate_kbps
        self.segment_dir = segment_dir
        self.max_bytes = max_bytes
        self.loudness_lufs = loudness_lufs
        self.workers = workers
        self.threads = threads
        self.cache_max_bytes = cache_max_bytes

    def encode_options(self) -> dict[str, Any]:
        """The keyword arguments the worker passes to `render_timeline`."""
        return {
            "preset": self.preset,
            "crf": self.crf,
            "max_bitrate_kbps": self.max_bitrate_kbps,
            "segment_dir": self.segment_dir,
            "max_bytes": self.max_bytes,
            "loudness_lufs": self.loudness_lufs,
            "workers": self.workers,
            "threads": self.threads,
            "cache_max_bytes": self.cache_max_bytes,
        }

    async def render(
        self,
        timeline: Timeline,
        output: Path,
        on_progress: ProgressCallback,
        cancel: asyncio.Event,
        *,
        on_notice: NoticeCallback | None = None,
    ) -> VideoFile:
        """Render; stop the worker as soon as `cancel` is set (nothing here needs a notice)."""
        try:
            result = await render_in_worker(
                timeline,
                output,
                on_progress=on_progress,
                cancel_event=cancel,
                **self.encode_options(),
            )
        except RenderCancelled as error:
            raise JobCancelled() from error
        except RenderFailed as error:
            raise ProviderError("render.failed") from error
        return VideoFile(
            path=result.path,
            thumbnail_path=result.thumbnail_path,
            duration=result.duration,
            width=result.width,
            height=result.height,
            size_bytes=result.size_bytes,
            fallback_shots=result.fallback_shots,
        )
