"""Use case: make whatever pictures are missing, lay out the timeline, render the video."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from bot.studio.clips import Clips
from bot.studio.credits import Credits
from bot.studio.limits import Limits
from bot.studio.lyrics_timing import shifted
from bot.studio.models import Asset, AssetKind, Job, MediaRef, Project
from bot.studio.ownership import owned_project
from bot.studio.pictures import Pictures, ScenePicture
from bot.studio.ports import CreditsCardMaker, JobEvents, RenderedVideo, Renderer, VideoFile
from bot.studio.restyling import Restyling
from bot.studio.roles import AssetStore, MediaStore, ProjectStore
from bot.studio.sections import SectionPin
from bot.studio.song_lyrics import LYRIC_MODES, SongLyrics
from bot.studio.storyboard import Storyboard
from bot.studio.timeline import Fit, Motion, Shot, Timeline, Transition
from bot.studio.timing import ShotSource, build_timeline, output_size

logger = logging.getLogger(__name__)

RENDER = "render"
PICTURES_SHARE = 0.25
CLIPS_SHARE = 0.25
RESTYLE_SHARE = 0.25


def _split(timeline: Timeline, scenes: int) -> tuple[tuple[Shot, ...], tuple[Shot, ...]]:
    """The scenes' shots and the closing card's (if any) after them."""
    return timeline.shots[:scenes], timeline.shots[scenes:]


def stored_video(assets: AssetStore, media: MediaStore, job: Job) -> RenderedVideo | None:
    """The video an earlier run of the job made and kept on its row, if its files are here."""
    if not job.result_sha or not job.thumbnail_sha:
        return None
    video, thumbnail = assets.get_asset(job.result_sha), assets.get_asset(job.thumbnail_sha)
    if video is None or thumbnail is None:
        return None
    path, thumbnail_path = media.path_of(video.ref), media.path_of(thumbnail.ref)
    if not path.exists() or not thumbnail_path.exists():
        return None
    return RenderedVideo(
        video=video.ref,
        thumbnail=thumbnail.ref,
        path=path,
        thumbnail_path=thumbnail_path,
        duration=video.duration or 0.0,
        width=video.width or 0,
        height=video.height or 0,
        size_bytes=video.size,
    )


class RenderProject:
    """Turns a stored project into a stored video (the work of a render job)."""

    pooled = True  # renders wait for one of the runner's few worker processes

    def __init__(
        self,
        projects: ProjectStore,
        assets: AssetStore,
        media: MediaStore,
        pictures: Pictures,
        clips: Clips | None,
        renderer: Renderer,
        limits: Limits,
        font_path: str | None,
        planning: Storyboard | None = None,
        restyling: Restyling | None = None,
        lyrics: SongLyrics | None = None,
        credits: Credits | None = None,
        card_words: Callable[[str, str], str] | None = None,
        cards: CreditsCardMaker | None = None,
    ) -> None:
        self.credits = credits
        self.card_words = card_words
        self.cards = cards
        self.planning = planning
        self.restyling = restyling
        self.lyrics = lyrics
        self.projects = projects
        self.assets = assets
        self.media = media
        self.pictures = pictures
        self.clips = clips
        self.renderer = renderer
        self.limits = limits
        self.font_path = font_path

    def recover(self, job: Job) -> RenderedVideo | None:
        """The video an earlier run made but could not deliver (crash, Telegram down)."""
        video = stored_video(self.assets, self.media, job)
        if video is not None:
            logger.info("Job %s: delivering the video made before the restart", job.id)
        return video

    async def run(self, job: Job, events: JobEvents, cancelled: asyncio.Event) -> RenderedVideo:
        """Render the job's project; raise JobCancelled if the user stops it."""
        project = owned_project(self.projects, job.owner_id, job.project_id)
        planning = self.planning
        if (
            planning is not None
            and planning.plans_with_ai
            and not planning.planned(job.owner_id, project.id)
        ):
            # Never planned: the model writes the captions and camera work first (one scene
            # per idea; the fuller shot list is /storyboard's, shown and priced before it runs).
            await events.step(0.0, "planning")
            await planning.plan(job.owner_id, project, job.language, fill=False)
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
        closing = await self._credits_card(job, project, pictures, width, height)
        timeline = await self._with_captions(
            job.owner_id,
            project,
            await self._timeline(project, pictures, width, height, closing),
            events,
            closing=closing is not None,
        )
        render_start = PICTURES_SHARE
        if self.clips is not None and project.clips_enabled and pictures:
            await events.step(PICTURES_SHARE, "clips")
            scene_shots, card_shots = _split(timeline, len(pictures))
            shots = await self.clips.attach(
                job.owner_id,
                project,
                pictures,
                scene_shots,
                events.scene_failed,
                on_ready,
            )
            timeline = replace(timeline, shots=shots + card_shots)
            render_start += CLIPS_SHARE
        if self.restyling is not None and project.restyle_enabled:
            timeline = await self._restyled(
                job, project, pictures, timeline, events, render_start, cancelled
            )
            render_start += RESTYLE_SHARE
        output = self.media.scratch_path(".mp4")

        async def on_render_progress(fraction: float) -> None:
            await events.step(render_start + (1 - render_start) * fraction, "render")

        async def on_notice(key: str) -> None:
            await events.scene_failed(0, key)

        rendered = await self.renderer.render(
            timeline, output, on_render_progress, cancelled, on_notice=on_notice
        )
        for shot in rendered.fallback_shots:
            if shot < len(pictures):  # a shot per picture, in order
                await events.scene_failed(pictures[shot].scene.position, "render.clip_fallback")
        return self._keep(rendered)

    async def _restyled(
        self,
        job: Job,
        project: Project,
        pictures: list[ScenePicture],
        timeline: Timeline,
        events: JobEvents,
        start: float,
        cancelled: asyncio.Event,
    ) -> Timeline:
        """The timeline with the footage scenes restyled (the step before the frames)."""
        assert self.restyling is not None
        if not any(p.stretch is not None for p in pictures):
            return timeline
        await events.step(start, "restyle")
        scene_shots, card_shots = _split(timeline, len(pictures))

        async def on_progress(fraction: float) -> None:
            await events.step(start + RESTYLE_SHARE * fraction, "restyle")

        shots = await self.restyling.attach(
            job.owner_id,
            project,
            pictures,
            scene_shots,
            events.scene_failed,
            events.scene_ready if project.previews_enabled else None,
            on_progress,
            cancelled,
        )
        return replace(timeline, shots=shots + card_shots)

    async def _credits_card(
        self, job: Job, project: Project, pictures: list[ScenePicture], width: int, height: int
    ) -> Path | None:
        """The closing credits card's picture, when the project wants one and credits anyone."""
        if self.credits is None or self.cards is None or self.card_words is None or not pictures:
            return None
        sheet = self.credits.card(job.owner_id, project)
        if sheet is None:
            return None
        words = self.card_words
        sections = [(words(job.language, role.value), names) for role, names in sheet.card_lines]
        style = self.pictures.style(project)
        scratch = self.media.scratch_path(".jpg")
        try:
            await self.cards.make_credits_card(sections, style, width, height, scratch)
            sha = self.media.put_file(scratch, "jpg")
        finally:
            scratch.unlink(missing_ok=True)
        return self.media.path_of(MediaRef(sha, "jpg"))

    async def _timeline(
        self,
        project: Project,
        pictures: list[ScenePicture],
        width: int,
        height: int,
        closing: Path | None = None,
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
                    clip_path=str(p.footage) if p.footage is not None else None,
                    clip_start=p.stretch.start if p.stretch is not None else 0.0,
                    section_pin=SectionPin.parse(p.scene.section_pin),
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
        song = self.assets.get_asset(project.song_sha) if project.song_sha else None
        return build_timeline(
            sources,
            width=width,
            height=height,
            fps=self.limits.fps,
            title=project.title,
            audio_path=str(self.media.path_of(song.ref)) if song else None,
            song_seconds=song.duration if song else None,
            seconds_without_song=self.limits.seconds_without_song,
            font_path=self.font_path,
            beats=song.beats if song else None,
            footage_sound=project.footage_sound,
            downbeat=song.downbeat if song and song.beats else None,
            sections=song.sections if song else (),
            closing=(
                ShotSource(str(closing), "", Motion.STILL, Transition.FADE_BLACK)
                if closing is not None
                else None
            ),
        )

    async def _with_captions(
        self,
        owner_id: int,
        project: Project,
        timeline: Timeline,
        events: JobEvents,
        *,
        closing: bool = False,
    ) -> Timeline:
        """The project's captions mode, and its lyric lines on the video's clock."""
        timeline = replace(timeline, captions=project.captions)
        if self.lyrics is None or project.captions not in LYRIC_MODES:
            return timeline
        await events.step(PICTURES_SHARE, "lyrics")
        sung = await self.lyrics.for_render(owner_id, project)
        if sung.notice is not None:
            await events.scene_failed(0, sung.notice)
        # The video starts `audio_offset` seconds into the song.
        # The song's words stop where the closing credits begin.
        until = timeline.shots[-1].start if closing else timeline.duration
        lines = shifted(sung.lines, -timeline.audio_offset, until)
        return replace(timeline, lyrics=lines)

    def _keep(self, rendered: VideoFile) -> RenderedVideo:
        thumb_size = rendered.thumbnail_path.stat().st_size
        video = MediaRef(self.media.put_file(rendered.path, "mp4"), "mp4")
        thumbnail = MediaRef(self.media.put_file(rendered.thumbnail_path, "jpg"), "jpg")
        self.assets.save_asset(
            Asset(
                sha=video.sha,
                kind=AssetKind.VIDEO,
                ext=video.ext,
                size=rendered.size_bytes,
                width=rendered.width,
                height=rendered.height,
                duration=rendered.duration,
            )
        )
        self.assets.save_asset(
            Asset(sha=thumbnail.sha, kind=AssetKind.THUMBNAIL, ext=thumbnail.ext, size=thumb_size)
        )
        return RenderedVideo(
            video=video,
            thumbnail=thumbnail,
            path=self.media.path_of(video),
            thumbnail_path=self.media.path_of(thumbnail),
            duration=rendered.duration,
            width=rendered.width,
            height=rendered.height,
            size_bytes=rendered.size_bytes,
        )
