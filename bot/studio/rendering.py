"""Use case: make whatever pictures are missing, lay out the timeline, render the video."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace

from bot.errors import ProjectNotFound
from bot.studio.clips import Clips
from bot.studio.limits import Limits
from bot.studio.models import Asset, AssetKind, Job, Project
from bot.studio.pictures import Pictures, ScenePicture
from bot.studio.ports import (
    JobEvents,
    MediaStore,
    ProjectStore,
    RenderedVideo,
    Renderer,
)
from bot.studio.timeline import Fit, Motion, Timeline, Transition
from bot.studio.timing import ShotSource, build_timeline, output_size

logger = logging.getLogger(__name__)

PICTURES_SHARE = 0.25
CLIPS_SHARE = 0.25


class RenderProject:
    """Turns a stored project into a stored video."""

    def __init__(
        self,
        store: ProjectStore,
        media: MediaStore,
        pictures: Pictures,
        clips: Clips | None,
        renderer: Renderer,
        limits: Limits,
        font_path: str | None,
    ) -> None:
        self.store = store
        self.media = media
        self.pictures = pictures
        self.clips = clips
        self.renderer = renderer
        self.limits = limits
        self.font_path = font_path

    async def run(self, job: Job, events: JobEvents, cancelled: asyncio.Event) -> RenderedVideo:
        """Render the job's project; raise JobCancelled if the user stops it."""
        project = self.store.get_project(job.owner_id, job.project_id)
        if project is None:
            raise ProjectNotFound()
        width, height = output_size(project.aspect, self.limits.short_side)
        on_ready = events.scene_ready if project.previews_enabled else None
        await events.step(0.0, "pictures")

        async def on_pictures(fraction: float) -> None:
            await events.step(PICTURES_SHARE * fraction, "pictures")

        pictures = await self.pictures.ensure(
            job.owner_id,
            project,
            width,
            height,
            cancelled=cancelled,
            on_progress=on_pictures,
            on_failure=events.scene_failed,
            on_ready=on_ready,
        )
        timeline = await self._timeline(project, pictures, width, height)
        render_start = PICTURES_SHARE
        if self.clips is not None and project.clips_enabled and pictures:
            await events.step(PICTURES_SHARE, "clips")
            shots = await self.clips.attach(
                job.owner_id,
                project,
                [p.scene for p in pictures],
                timeline.shots,
                events.scene_failed,
                on_ready,
            )
            timeline = replace(timeline, shots=shots)
            render_start += CLIPS_SHARE
        output = self.media.scratch_path(".mp4")

        async def on_render_progress(fraction: float) -> None:
            await events.step(render_start + (1 - render_start) * fraction, "render")

        rendered = await self.renderer.render(timeline, output, on_render_progress, cancelled)
        return self._keep(rendered)

    async def _timeline(
        self, project: Project, pictures: list[ScenePicture], width: int, height: int
    ) -> Timeline:
        if pictures:
            sources = [
                ShotSource(
                    image_path=str(p.path),
                    caption=p.scene.caption,
                    motion=p.scene.motion,
                    transition=p.scene.transition,
                    wished_seconds=p.scene.duration,
                    fit=Fit(p.scene.fit),
                )
                for p in pictures
            ]
        else:
            card = await self.pictures.make_title_card(project, width, height)
            sources = [
                ShotSource(
                    image_path=str(card),
                    caption="",
                    motion=Motion.ZOOM_IN,
                    transition=Transition.FADE_BLACK,
                )
            ]
        song = self.store.get_asset(project.song_sha) if project.song_sha else None
        return build_timeline(
            sources,
            width=width,
            height=height,
            fps=self.limits.fps,
            title=project.title,
            audio_path=str(self.media.path_for(song.sha, song.ext)) if song else None,
            song_seconds=song.duration if song else None,
            seconds_without_song=self.limits.seconds_without_song,
            font_path=self.font_path,
            beats=song.beats if song else None,
        )

    def _keep(self, rendered: RenderedVideo) -> RenderedVideo:
        video_sha = self.media.put_file(rendered.path, "mp4")
        thumb_size = rendered.thumbnail_path.stat().st_size
        thumb_sha = self.media.put_file(rendered.thumbnail_path, "jpg")
        self.store.save_asset(
            Asset(
                sha=video_sha,
                kind=AssetKind.VIDEO,
                ext="mp4",
                size=rendered.size_bytes,
                width=rendered.width,
                height=rendered.height,
                duration=rendered.duration,
            )
        )
        self.store.save_asset(
            Asset(sha=thumb_sha, kind=AssetKind.THUMBNAIL, ext="jpg", size=thumb_size)
        )
        return RenderedVideo(
            path=self.media.path_for(video_sha, "mp4"),
            thumbnail_path=self.media.path_for(thumb_sha, "jpg"),
            duration=rendered.duration,
            width=rendered.width,
            height=rendered.height,
            size_bytes=rendered.size_bytes,
        )
