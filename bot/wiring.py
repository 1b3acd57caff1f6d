"""The composition root of the studio: settings in, every use case out, built once.

The bot (bot/app.py) and the offline demo (bot/demo.py) both build their studio here, so they
are wired the same way; the bot then adds the job runner with its Telegram reporter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlite_utils

from bot.config import Settings
from bot.i18n import languages, t
from bot.media.cards import PillowCards
from bot.media.fonts import caption_font_path
from bot.media.footage_inspector import FileFootageReader
from bot.media.inspector import FileInspector
from bot.media.lyrics_audio import EnergyVocalOnsets
from bot.media.video_renderer import WorkerRenderer
from bot.providers.selection import Providers, select_providers
from bot.providers.styles_file import load_styles
from bot.studio.admin import AdminReports
from bot.studio.answers import Answers
from bot.studio.applying import Rules
from bot.studio.budget import Budget
from bot.studio.clips import Clips
from bot.studio.conversation import Conversation
from bot.studio.costs import Costs
from bot.studio.credits import Credits
from bot.studio.crew import Crew
from bot.studio.editing import Edits
from bot.studio.export import Exports
from bot.studio.footage import FootageScenes
from bot.studio.jobs import JobRunner
from bot.studio.limits import Limits
from bot.studio.making import MediaMaking
from bot.studio.material import Material
from bot.studio.pictures import Pictures
from bot.studio.ports import JobReporter, JobWork, Renderer
from bot.studio.projects import Projects
from bot.studio.render_requests import RenderRequests
from bot.studio.rendering import RENDER, RenderProject
from bot.studio.restyling import Restyling
from bot.studio.scene_editing import SceneEditing
from bot.studio.scene_messages import SceneMessages
from bot.studio.song_lyrics import SongLyrics
from bot.studio.status import ProjectStatus
from bot.studio.storyboard import STORYBOARD, Storyboard, StoryboardRequests
from bot.studio.styles import StylePreset
from bot.studio.timeline_board import TimelineBoard
from bot.studio.voice import VoiceNotes
from bot.studio.words import OfflineReader, style_pairs
from storage.database import open_database
from storage.export_zip import write_zip
from storage.journal import ProjectJournal
from storage.media_files import MediaFiles
from storage.store import Store

if TYPE_CHECKING:  # the farm (celery, redis) is imported only with REDIS_URL set
    from bot.farm.client import FarmWatch


def card_words(language: str, role: str) -> str:
    """A heading of the credits card ("Photographs by"), in the job's language."""
    return t(language, f"credits.card.{role}")


def limits_from(settings: Settings) -> Limits:
    """The studio's limits, from settings."""
    return Limits(
        max_scenes=settings.max_scenes,
        max_idea_chars=settings.max_idea_chars,
        max_song_seconds=settings.max_song_seconds,
        download_limit=settings.download_limit,
        seconds_without_song=settings.seconds_per_scene_without_song,
        fps=settings.render_fps,
        short_side=settings.render_short_side,
        default_aspect=settings.default_aspect,
        default_style=settings.default_style,
        upload_limit=settings.upload_limit,
    )


@dataclass(frozen=True)
class Studio:
    """Every use case that needs no job runner, over one database and media store."""

    database: sqlite_utils.Database
    store: Store
    styles: dict[str, StylePreset]
    providers: Providers
    projects: Projects
    material: Material
    edits: Edits
    conversation: Conversation
    status: ProjectStatus
    scene_messages: SceneMessages
    scene_editing: SceneEditing
    storyboard: Storyboard
    rendering: RenderProject
    costs: Costs
    exports: Exports
    voice: VoiceNotes
    lyrics: SongLyrics
    timeline_board: TimelineBoard
    credits: Credits
    farm: FarmWatch | None = None  # the render farm's workers, with REDIS_URL set

    @property
    def work(self) -> dict[str, JobWork]:
        """What each kind of job does."""
        return {RENDER: self.rendering, STORYBOARD: self.storyboard}


@dataclass(frozen=True)
class Jobs:
    """The job runner and the use cases that hand it work."""

    runner: JobRunner
    renders: RenderRequests
    storyboard_requests: StoryboardRequests
    admin: AdminReports
    crew: Crew


def build_renderer(settings: Settings) -> tuple[Renderer, FarmWatch | None]:
    """Renders in worker processes of the bot; with REDIS_URL, on the farm's Celery workers."""
    if settings.redis_url is None:
        return (
            WorkerRenderer(
                settings.render_preset,
                settings.render_crf,
                segment_dir=settings.media_dir / "segments",
                max_bytes=settings.upload_limit,
                loudness_lufs=settings.render_loudness_lufs,
                workers=settings.render_encoders,
                cache_max_bytes=settings.render_segment_cache_bytes,
            ),
            None,
        )
    from bot.farm.client import connect_farm

    return connect_farm(
        settings.redis_url.get_secret_value(),
        settings.media_dir,
        caption_font_path(),
        {
            "preset": settings.render_preset,
            "crf": settings.render_crf,
            "max_bitrate_kbps": None,
            "max_bytes": settings.upload_limit,
            "loudness_lufs": settings.render_loudness_lufs,
        },
        settings.farm_lost_after_seconds,
    )


def build_studio(settings: Settings) -> Studio:
    """Open the database and media store and build every use case over them."""
    database = open_database(settings.database_path)
    store = Store(database)
    media = MediaFiles(settings.media_dir)
    limits = limits_from(settings)
    renderer, farm = build_renderer(settings)
    styles = load_styles()
    providers = select_providers(settings)
    budget = Budget(spend=store, limit_usd=settings.budget_usd_per_user)
    making = MediaMaking(media=media, assets=store, spend=store, budget=budget)
    footage_reader = FileFootageReader(
        settings.max_footage_seconds, settings.max_footage_pixel_rate
    )
    footage = FootageScenes(
        assets=store,
        media=media,
        reader=footage_reader,
        seconds_without_song=limits.seconds_without_song,
        fps=limits.fps,
    )
    pictures = Pictures(
        scenes=store,
        references=store,
        media=media,
        making=making,
        maker=providers.images,
        fallback=providers.offline_images,
        styles=styles,
        concurrency=settings.provider_concurrency,
        footage=footage,
    )
    clips = (
        Clips(
            scenes=store,
            media=media,
            making=making,
            maker=providers.clips,
            concurrency=settings.provider_concurrency,
        )
        if providers.clips
        else None
    )
    restyling = (
        Restyling(
            scenes=store,
            restyles=store,
            assets=store,
            media=media,
            making=making,
            footage=footage,
            restyler=providers.restyler,
            styles=styles,
            concurrency=settings.provider_concurrency,
        )
        if providers.restyler
        else None
    )
    edits = Edits(
        states=ProjectJournal(database),
        jobs=store,
        rules=Rules(
            max_scenes=limits.max_scenes,
            max_idea_chars=limits.max_idea_chars,
            max_title_chars=limits.max_title_chars,
            default_seconds=limits.seconds_without_song,
            style_keys=tuple(styles),
        ),
    )
    projects = Projects(users=store, projects=store, links=store, limits=limits, edits=edits)
    inspector = FileInspector(
        settings.max_image_pixels, settings.max_image_side, limits.longest_song_seconds
    )
    scene_messages = SceneMessages(links=store, scenes=store, projects=store)
    credits = Credits(
        credits=store,
        projects=store,
        scenes=store,
        references=store,
        users=store,
        links=store,
        edits=edits,
    )
    material = Material(
        starter=projects,
        projects=store,
        scenes=store,
        references=store,
        assets=store,
        conversation=store,
        media=media,
        inspector=inspector,
        limits=limits,
        edits=edits,
        footage=footage_reader,
        credits=credits,
    )
    lyrics = SongLyrics(
        projects=store,
        assets=store,
        media=media,
        lyrics=store,
        links=store,
        spend=store,
        budget=budget,
        edits=edits,
        transcriber=providers.lyrics,
        onsets=EnergyVocalOnsets(),
        max_chars=settings.max_lyrics_chars,
    )
    storyboard = Storyboard(
        projects=store,
        scenes=store,
        references=store,
        assets=store,
        conversation=store,
        spend=store,
        planner=providers.planner,
        pictures=pictures,
        limits=limits,
        edits=edits,
        lyrics=lyrics.lines_for_planner,
    )
    costs = Costs(
        projects=store,
        scenes=store,
        spend=store,
        pictures=pictures,
        clips=providers.clips,
        limits=limits,
        budget_usd=settings.budget_usd_per_user,
        confirm_above_usd=settings.confirm_cost_above_usd,
        plan_additions=storyboard.scenes_a_plan_adds,
        restyle_cost=restyling.estimate if restyling else None,
        lyrics_cost=lyrics.pending_cost,
    )
    conversation = Conversation(
        projects=projects,
        material=material,
        edits=edits,
        answers=Answers(
            songs=store, estimate=costs.estimate, seconds_without_song=limits.seconds_without_song
        ),
        facts=store,
        offline=OfflineReader(style_pairs(styles.values())),
        reader=providers.instructions,
        budget=budget,
        style_names={
            language: {key: style.name(language) for key, style in styles.items()}
            for language in languages()
        },
    )
    return Studio(
        database=database,
        store=store,
        styles=styles,
        providers=providers,
        projects=projects,
        material=material,
        edits=edits,
        conversation=conversation,
        status=ProjectStatus(
            projects=store, scenes=store, references=store, assets=store, jobs=store, spend=store
        ),
        scene_messages=scene_messages,
        scene_editing=SceneEditing(
            scenes=store,
            conversation=store,
            messages=scene_messages,
            limits=limits,
            edits=edits,
            projects=store,
            footage=footage,
        ),
        storyboard=storyboard,
        rendering=RenderProject(
            projects=store,
            assets=store,
            media=media,
            pictures=pictures,
            clips=clips,
            renderer=renderer,
            limits=limits,
            font_path=str(caption_font_path()),
            planning=storyboard,
            restyling=restyling,
            lyrics=lyrics,
            credits=credits,
            card_words=card_words,
            cards=PillowCards(),
        ),
        costs=costs,
        exports=Exports(
            projects=store,
            scenes=store,
            references=store,
            jobs=store,
            spend=store,
            media=media,
            styles=styles,
            writer=write_zip,
            credits=credits,
            card_words=card_words,
        ),
        voice=VoiceNotes(projects=store, spend=store, transcriber=providers.transcriber),
        lyrics=lyrics,
        timeline_board=TimelineBoard(
            projects=store,
            states=edits.states,
            scenes=store,
            references=store,
            assets=store,
            media=media,
            limits=limits,
            ends_with_credits=lambda owner, project: credits.card(owner, project) is not None,
        ),
        credits=credits,
        farm=farm,
    )


def build_jobs(settings: Settings, studio: Studio, reporter: JobReporter) -> Jobs:
    """The job runner over the studio's work, telling `reporter` how each job goes."""
    store = studio.store
    runner = JobRunner(
        jobs=store,
        projects=store,
        work=studio.work,
        reporter=reporter,
        max_parallel=settings.render_workers,
    )
    if studio.farm is not None:
        studio.farm.runner = runner  # it takes as many renders as the farm has slots
    return Jobs(
        runner=runner,
        renders=RenderRequests(
            projects=store,
            jobs=store,
            runner=runner,
            queue_per_user=settings.render_queue_per_user,
        ),
        storyboard_requests=StoryboardRequests(
            projects=store, scenes=store, jobs=store, runner=runner
        ),
        admin=AdminReports(
            totals=store, runner=runner, admins=settings.admin_user_ids, farm=studio.farm
        ),
        crew=Crew(projects=store, chats=store, jobs=store, runner=runner),
    )
