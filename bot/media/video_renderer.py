"""Renderer port over the worker-process renderer."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.errors import JobCancelled, ProviderError
from bot.media.render_worker import RenderCancelled, RenderFailed, render_in_worker
from bot.studio.ports import ProgressCallback, RenderedVideo
from bot.studio.timeline import Timeline


class WorkerRenderer:
    """Renders a timeline in a separate process with our encode settings."""

    def __init__(self, preset: str, crf: int, max_bitrate_kbps: int | None = None) -> None:
        self.preset = preset
        self.crf = crf
        self.max_bitrate_kbps = max_bitrate_kbps

    async def render(self, timeline: Timeline, output: Path, on_progress: ProgressCallback,
                     cancel: asyncio.Event) -> RenderedVideo:
        """Render; stop the worker as soon as `cancel` is set."""
        try:
            result = await render_in_worker(
                timeline, output, on_progress=on_progress, cancel_event=cancel,
                preset=self.preset, crf=self.crf, max_bitrate_kbps=self.max_bitrate_kbps,
            )
        except RenderCancelled as error:
            raise JobCancelled() from error
        except RenderFailed as error:
            raise ProviderError("render.failed") from error
        return RenderedVideo(
            path=result.path, thumbnail_path=result.thumbnail_path, duration=result.duration,
            width=result.width, height=result.height, size_bytes=result.size_bytes,
        )
