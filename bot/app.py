"""The composition root: settings in, a running Application out."""

from __future__ import annotations

import functools
import logging
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlsplit

import sqlite_utils
from telegram import BotCommand, Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    Updater,
    filters,
)

from bot.config import Settings
from bot.context import SERVICES_KEY, DirectorContext, Services
from bot.handlers import (
    access,
    admin,
    commands,
    content,
    conversation,
    projects,
    render,
    setup,
    storyboard,
)
from bot.handlers.admin import ADMIN_KEY
from bot.handlers.albums import AlbumReplies
from bot.handlers.errors import handle_error
from bot.handlers.ordering import PerChatUpdateProcessor
from bot.handlers.reporter import TelegramJobReporter
from bot.handlers.storyboard import request_refresh
from bot.handlers.storyboard_view import StoryboardView
from bot.i18n import languages, t
from bot.media.fonts import caption_font_path
from bot.media.inspector import FileInspector
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
from bot.studio.editing import Edits
from bot.studio.export import Exports
from bot.studio.jobs import JobRunner
from bot.studio.limits import Limits
from bot.studio.pictures import Pictures
from bot.studio.ports import JobWork
from bot.studio.projects import Projects
from bot.studio.render_requests import RENDER, RenderRequests
from bot.studio.rendering import RenderProject
from bot.studio.storyboard import STORYBOARD, Storyboard, StoryboardRequests
from bot.studio.voice import VoiceNotes
from bot.studio.words import OfflineReader, style_pairs
from storage.database import open_database
from storage.export_zip import write_zip
from storage.journal import ProjectJournal
from storage.media_files import MediaFiles
from storage.store import Store

logger = logging.getLogger(__name__)

DirectorApplication = Application[Any, DirectorContext, Any, Any, Any, Any]
ALLOWED_UPDATES = ["message", "callback_query"]


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


def build_edits(settings: Settings, database: sqlite_utils.Database, store: Store) -> Edits:
    """The one edit use case, over the project journal."""
    limits = limits_from(settings)
    rules = Rules(
        max_scenes=limits.max_scenes,
        max_idea_chars=limits.max_idea_chars,
        max_title_chars=limits.max_title_chars,
        default_seconds=limits.seconds_without_song,
        style_keys=tuple(load_styles()),
    )
    return Edits(ProjectJournal(database), store, rules)


def build_pictures(
    settings: Settings, store: Store, media: MediaFiles, providers: Providers, budget: Budget
) -> Pictures:
    """The picture-making use case over the chosen image maker."""
    return Pictures(
        store,
        media,
        providers.images,
        providers.offline_images,
        load_styles(),
        settings.provider_concurrency,
        budget,
    )


def build_render_project(
    settings: Settings,
    store: Store,
    media: MediaFiles,
    providers: Providers | None = None,
    budget: Budget | None = None,
) -> RenderProject:
    """The render use case with the providers chosen by settings."""
    providers = providers or select_providers(settings)
    budget = budget or Budget(store, settings.budget_usd_per_user)
    clips = (
        Clips(store, media, providers.clips, settings.provider_concurrency, budget)
        if providers.clips
        else None
    )
    return RenderProject(
        store=store,
        media=media,
        pictures=build_pictures(settings, store, media, providers, budget),
        clips=clips,
        renderer=WorkerRenderer(
            settings.render_preset,
            settings.render_crf,
            segment_dir=settings.media_dir / "segments",
            max_bytes=settings.upload_limit,
            loudness_lufs=settings.render_loudness_lufs,
            workers=settings.render_encoders,
            cache_max_bytes=settings.render_segment_cache_bytes,
        ),
        limits=limits_from(settings),
        font_path=str(caption_font_path()),
    )


def register_handlers(application: DirectorApplication) -> None:
    """The handler table, in the order updates are matched."""
    # Group -1 runs before everything: the allowlist and knowing the user.
    application.add_handler(TypeHandler(Update, access.admit_user), group=-1)
    application.add_handlers(
        [
            CommandHandler("start", commands.start),
            CommandHandler("help", commands.help_command),
            CommandHandler("new", commands.new_project),
            CommandHandler("status", commands.status),
            CommandHandler("cancel", commands.cancel),
            CommandHandler("lang", commands.choose_language),
            CommandHandler("projects", projects.list_projects),
            CommandHandler("render", render.render),
            CommandHandler("admin", admin.admin),
            CommandHandler("storyboard", storyboard.storyboard),
            CommandHandler("undo", conversation.undo),
            CallbackQueryHandler(storyboard.scene_button, pattern=r"^sb:"),
            CallbackQueryHandler(setup.project_option_button, pattern=r"^opt:"),
            CallbackQueryHandler(render.go_button, pattern=r"^go:"),
            CallbackQueryHandler(projects.project_action_button, pattern=r"^pj:"),
            CallbackQueryHandler(commands.language_button, pattern=r"^lang:"),
            CallbackQueryHandler(conversation.undo_button, pattern=r"^undo:"),
            CallbackQueryHandler(conversation.clarify_button, pattern=r"^clar:"),
            # Last: stale or forged buttons get a polite answer instead of a spinning button.
            CallbackQueryHandler(commands.unknown_button),
            MessageHandler(filters.PHOTO, content.receive_photo),
            MessageHandler(filters.AUDIO, content.receive_audio),
            MessageHandler(filters.Document.ALL, content.receive_document),
            MessageHandler(filters.VOICE, content.receive_voice),
            MessageHandler(filters.TEXT & ~filters.COMMAND, conversation.receive_text),
            MessageHandler(filters.COMMAND, commands.help_command),
            MessageHandler(filters.ALL & ~filters.StatusUpdate.ALL, content.receive_other),
        ]
    )
    application.add_error_handler(handle_error)


async def post_init(application: DirectorApplication) -> None:
    """Register the command menu and resume jobs a previous run left unfinished."""
    for language in languages():
        menu = [BotCommand(name, t(language, key)) for name, key in commands.COMMANDS]
        await application.bot.set_my_commands(
            menu, language_code=None if language == "en" else language
        )
    runner: JobRunner = application.bot_data["runner"]
    resumed = runner.resume_unfinished()
    if resumed:
        logger.info("Resumed %s unfinished job(s)", resumed)


async def post_shutdown(application: DirectorApplication) -> None:
    """Stop running jobs (they resume on the next start) and close the database."""
    runner: JobRunner = application.bot_data["runner"]
    await runner.shutdown()
    application.bot_data["database"].close()


def build_application(settings: Settings) -> DirectorApplication:
    """Build the bot: services created once, handlers registered, lifecycle hooks set."""
    if settings.telegram_bot_token is None:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    builder = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token.get_secret_value())
        .context_types(ContextTypes(context=DirectorContext))
        .rate_limiter(AIORateLimiter(max_retries=3))
        # Chats are served side by side, each chat's updates in order (replies stay in order
        # even when one waits out a 429).
        .concurrent_updates(PerChatUpdateProcessor())
        .media_write_timeout(settings.media_write_timeout)
        .post_init(post_init)
        .post_shutdown(post_shutdown)
    )
    if settings.telegram_api_base_url:
        builder = builder.base_url(settings.telegram_api_base_url)
    if settings.telegram_file_base_url:
        builder = builder.base_file_url(settings.telegram_file_base_url)
    if settings.telegram_local_mode:
        builder = builder.local_mode(True)
    application: DirectorApplication = builder.build()

    database = open_database(settings.database_path)
    store = Store(database)
    media = MediaFiles(settings.media_dir)
    limits = limits_from(settings)
    providers = select_providers(settings)
    budget = Budget(store, settings.budget_usd_per_user)
    pictures = build_pictures(settings, store, media, providers, budget)
    edits = build_edits(settings, database, store)
    storyboard = Storyboard(store, providers.planner, pictures, limits, edits)
    storyboard_view = StoryboardView(application.bot, storyboard)
    reporter = TelegramJobReporter(
        application.bot,
        settings.media_write_timeout,
        settings.upload_limit,
        storyboard_view,
        settings.render_short_side,
    )
    work: dict[str, JobWork] = {}
    runner = JobRunner(store, work, reporter, max_parallel=settings.render_workers, media=media)
    work[RENDER] = build_render_project(settings, store, media, providers, budget)
    work[STORYBOARD] = storyboard
    projects_use_cases = Projects(
        store,
        media,
        FileInspector(
            settings.max_image_pixels, settings.max_image_side, limits.longest_song_seconds
        ),
        limits,
        edits,
    )
    storyboard_requests = StoryboardRequests(store, runner)
    costs = Costs(
        store,
        pictures,
        providers.clips,
        limits,
        settings.budget_usd_per_user,
        settings.confirm_cost_above_usd,
    )
    styles = load_styles()
    conversation_use_case = Conversation(
        projects=projects_use_cases,
        edits=edits,
        answers=Answers(store, costs.estimate, limits.seconds_without_song),
        states=edits.states,
        store=store,
        offline=OfflineReader(style_pairs(styles.values())),
        reader=None,
        budget=budget,
        style_names={
            language: {key: style.name(language) for key, style in styles.items()}
            for language in languages()
        },
    )
    application.bot_data[SERVICES_KEY] = Services(
        settings=settings,
        edits=edits,
        conversation=conversation_use_case,
        projects=projects_use_cases,
        renders=RenderRequests(store, runner, settings.render_queue_per_user),
        storyboard=storyboard,
        storyboard_requests=storyboard_requests,
        storyboard_view=storyboard_view,
        voice=VoiceNotes(store, providers.transcriber),
        clips_available=providers.clips is not None,
        costs=costs,
        exports=Exports(store, media, load_styles(), write_zip),
        albums=AlbumReplies(
            functools.partial(request_refresh, application.bot, storyboard_requests)
        ),
    )
    application.bot_data["runner"] = runner
    application.bot_data[ADMIN_KEY] = AdminReports(store, runner, settings.admin_user_ids)
    application.bot_data["database"] = database
    register_handlers(application)
    return application


@asynccontextmanager
async def polling(
    application: DirectorApplication, poll_timeout: int = 10
) -> AsyncIterator[DirectorApplication]:
    """Run the bot by long polling inside an event loop we already have (tests, embedding).

    The same lifecycle as `Application.run_polling`, which owns its loop and so cannot be
    used from async code: initialise, post_init, poll, and the reverse on the way out.
    """
    async with _running(
        application,
        lambda updater: updater.start_polling(
            poll_interval=0.0, timeout=poll_timeout, allowed_updates=ALLOWED_UPDATES
        ),
    ):
        yield application


def webhook_options(settings: Settings) -> dict[str, Any]:
    """Arguments of `run_webhook`/`start_webhook` for WEBHOOK_URL (a random secret if unset)."""
    if not settings.webhook_url:
        raise ValueError("WEBHOOK_URL is not set")
    secret = (
        settings.webhook_secret_token.get_secret_value()
        if settings.webhook_secret_token
        else secrets.token_urlsafe(32)
    )
    return {
        "listen": settings.webhook_listen,
        "port": settings.webhook_port,
        # The reverse proxy passes the URL's path through: serve on the same path.
        "url_path": urlsplit(settings.webhook_url).path.lstrip("/"),
        "webhook_url": settings.webhook_url,
        "secret_token": secret,
        "allowed_updates": ALLOWED_UPDATES,
    }


@asynccontextmanager
async def webhook(
    application: DirectorApplication, options: dict[str, Any]
) -> AsyncIterator[DirectorApplication]:
    """Run the bot on a webhook inside an event loop we already have (tests, embedding).

    PTB's server answers 403 to any request without the right X-Telegram-Bot-Api-Secret-Token.
    """
    async with _running(application, lambda updater: updater.start_webhook(**options)):
        yield application


@asynccontextmanager
async def _running(
    application: DirectorApplication,
    start_updates: Callable[[Updater], Awaitable[object]],
) -> AsyncIterator[None]:
    """The lifecycle `run_polling`/`run_webhook` follow, for a loop we already have."""
    await application.initialize()
    if application.post_init is not None:
        await application.post_init(application)
    assert application.updater is not None
    await start_updates(application.updater)
    await application.start()
    try:
        yield
    finally:
        await application.updater.stop()
        await application.stop()
        await application.shutdown()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)
