"""Use case: make whatever pictures are missing, lay out the timeline, render the video."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from pathlib import Path

from bot.errors import JobCancelled, ProjectNotFound
from bot.studio.limits import Limits
from bot.studio.models import Asset, AssetKind, Job, Project, Scene
from bot.studio.ports import (
    ImageMaker,
    MediaStore,
    PictureRequest,
    Planner,
    PlanRequest,
    ProjectStore,
    RenderedVideo,
    Renderer,
)
from bot.studio.styles import StylePreset
from bot.studio.timeline import Timeline
from bot.studio.timing import ShotSource, build_timeline, output_size

logger = logging.getLogger(__name__)

StepCallback = Callable[[float, str], Awaitable[None]]
PICTURES_SHARE = 0.25


def picture_key(maker: str, request: PictureRequest, reference_shas: list[str]) -> str:
    """Hash of everything that shapes a picture: same key, same picture, no second call."""
    payload = {
        "maker": maker, "idea": request.idea, "caption": request.caption,
        "style": request.style.key, "grade": asdict(request.style.grade),
        "prompt": request.style.prompt, "references": reference_shas,
        "size": [request.width, request.height],
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


class RenderProject:
    """Turns a stored project into a stored video."""

    def __init__(self, store: ProjectStore, media: MediaStore, planner: Planner,
                 image_maker: ImageMaker, renderer: Renderer, styles: dict[str, StylePreset],
                 limits: Limits, font_path: str | None) -> None:
        self.store = store
        self.media = media
        self.planner = planner
        self.image_maker = image_maker
        self.renderer = renderer
        self.styles = styles
        self.limits = limits
        self.font_path = font_path

    def _style(self, project: Project) -> StylePreset:
        return self.styles.get(project.style) or next(iter(self.styles.values()))

    async def run(self, job: Job, on_step: StepCallback,
                  cancelled: asyncio.Event) -> RenderedVideo:
        """Render the job's project; raise JobCancelled if the user stops it."""
        project = self.store.get_project(job.owner_id, job.project_id)
        if project is None:
            raise ProjectNotFound()
        width, height = output_size(project.aspect, self.limits.short_side)
        await on_step(0.0, "pictures")
        sources = await self._shot_sources(job, project, width, height, on_step, cancelled)
        timeline = self._timeline(project, sources, width, height)
        output = self.media.scratch_path(".mp4")

        async def on_render_progress(fraction: float) -> None:
            await on_step(PICTURES_SHARE + (1 - PICTURES_SHARE) * fraction, "render")

        rendered = await self.renderer.render(timeline, output, on_render_progress, cancelled)
        return self._keep(rendered)

    async def _shot_sources(self, job: Job, project: Project, width: int, height: int,
                            on_step: StepCallback,
                            cancelled: asyncio.Event) -> list[ShotSource]:
        scenes = self.store.scenes(job.owner_id, project.id)
        if not scenes:
            return [await self._title_source(project, width, height)]
        sources = []
        for index, scene in enumerate(scenes):
            if cancelled.is_set():
                raise JobCancelled()
            path = await self._picture(job.owner_id, project, scene, width, height)
            sources.append(ShotSource(
                image_path=str(path), caption=scene.caption, motion=scene.motion,
                transition=scene.transition, wished_seconds=scene.duration,
            ))
            await on_step(PICTURES_SHARE * (index + 1) / len(scenes), "pictures")
        return sources

    async def _title_source(self, project: Project, width: int, height: int) -> ShotSource:
        plan = await self.planner.plan(PlanRequest(
            title=project.title, ideas=(), style=self._style(project), song_seconds=None,
            language="en",
        ))
        title_scene = plan.scenes[0]
        request = PictureRequest(idea=project.title, caption="", style=self._style(project),
                                 references=(), width=width, height=height)
        sha = await self._make(request, [])
        return ShotSource(
            image_path=str(self.media.path_for(sha, "jpg")), caption="",
            motion=title_scene.motion, transition=title_scene.transition,
        )

    async def _picture(self, owner_id: int, project: Project, scene: Scene, width: int,
                       height: int) -> Path:
        references = self.store.scene_references(owner_id, scene.id)
        request = PictureRequest(
            idea=scene.idea or scene.caption or project.title, caption=scene.caption,
            style=self._style(project),
            references=tuple(self.media.path_for(a.sha, a.ext) for a in references),
            width=width, height=height,
        )
        shas = [a.sha for a in references]
        key = picture_key(self.image_maker.name, request, shas)
        if scene.picture_key == key and scene.picture_sha:
            path = self.media.path_for(scene.picture_sha, "jpg")
            if path.exists():
                return path
        sha = await self._make(request, shas)
        self.store.set_scene_picture(owner_id, scene.id, sha, key)
        return self.media.path_for(sha, "jpg")

    async def _make(self, request: PictureRequest, reference_shas: list[str]) -> str:
        scratch = self.media.scratch_path(".jpg")
        try:
            await self.image_maker.make_picture(request, scratch)
            size = scratch.stat().st_size
            sha = self.media.put_file(scratch, "jpg")
        finally:
            scratch.unlink(missing_ok=True)
        self.store.save_asset(Asset(sha=sha, kind=AssetKind.PICTURE, ext="jpg", size=size,
                                    width=request.width, height=request.height))
        return sha

    def _timeline(self, project: Project, sources: list[ShotSource], width: int,
                  height: int) -> Timeline:
        song = self.store.get_asset(project.song_sha) if project.song_sha else None
        return build_timeline(
            sources, width=width, height=height, fps=self.limits.fps, title=project.title,
            audio_path=str(self.media.path_for(song.sha, song.ext)) if song else None,
            song_seconds=song.duration if song else None,
            seconds_without_song=self.limits.seconds_without_song, font_path=self.font_path,
        )

    def _keep(self, rendered: RenderedVideo) -> RenderedVideo:
        video_sha = self.media.put_file(rendered.path, "mp4")
        thumb_size = rendered.thumbnail_path.stat().st_size
        thumb_sha = self.media.put_file(rendered.thumbnail_path, "jpg")
        self.store.save_asset(Asset(
            sha=video_sha, kind=AssetKind.VIDEO, ext="mp4", size=rendered.size_bytes,
            width=rendered.width, height=rendered.height, duration=rendered.duration,
        ))
        self.store.save_asset(Asset(sha=thumb_sha, kind=AssetKind.THUMBNAIL, ext="jpg",
                                    size=thumb_size))
        return RenderedVideo(
            path=self.media.path_for(video_sha, "mp4"),
            thumbnail_path=self.media.path_for(thumb_sha, "jpg"),
            duration=rendered.duration, width=rendered.width, height=rendered.height,
            size_bytes=rendered.size_bytes,
        )
