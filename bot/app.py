"""The composition root: settings in, a running Application out."""

from __future__ import annotations

import functools
import logging
import secrets
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlsplit

from telegram import Bot, BotCommand, Update
from telegram.error import TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    Updater,
    filters,
)

from bot.config import Settings
from bot.handlers import (
    access,
    admin,
    chats,
    commands,
    content,
    conversation,
    credits,
    footage,
    lyrics,
    projects,
    render,
    setup,
    storyboard,
)
from bot.handlers.albums import AlbumReplies
from bot.handlers.context import (
    BotData,
    ChatViews,
    DirectorContext,
    HandlerOptions,
    Lifecycle,
    UseCases,
)
from bot.handlers.errors import handle_error
from bot.handlers.ordering import PerChatUpdateProcessor
from bot.handlers.reporter import TelegramJobReporter
from bot.handlers.storyboard import request_refresh
from bot.handlers.storyboard_view import StoryboardView
from bot.handlers.timeline_access import TimelineAccess
from bot.handlers.timeline_button import timeline_menu_button
from bot.i18n import languages, t
from bot.media import beats
from bot.media.previews import PreviewCache
from bot.webapp.api import ApiServices
from bot.webapp.chat import TelegramTimelineChat
from bot.webapp.server import WebAppServer
from bot.wiring import Studio, build_jobs, build_studio

logger = logging.getLogger(__name__)

DirectorApplication = Application[Any, DirectorContext, Any, Any, BotData, Any]
# chat_member comes only when asked for (and only to a bot that is an admin of the group).
ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member", "chat_member"]


def fill_bot_data(data: BotData, settings: Settings, bot: Bot) -> None:
    """Build the studio, its job runner and the chat views once; hand them to the handlers."""
    studio = build_studio(settings)
    view = StoryboardView(
        bot,
        studio.scene_messages,
        studio.scene_editing.stretch,
        settings.webapp_url,
        settings.webapp_short_name,
    )
    reporter = TelegramJobReporter(
        bot, settings.media_write_timeout, settings.upload_limit, view, settings.render_short_side
    )
    jobs = build_jobs(settings, studio, reporter)
    data.fill(
        UseCases(
            projects=studio.projects,
            material=studio.material,
            edits=studio.edits,
            conversation=studio.conversation,
            status=studio.status,
            renders=jobs.renders,
            storyboard_requests=jobs.storyboard_requests,
            scene_messages=studio.scene_messages,
            scene_editing=studio.scene_editing,
            voice=studio.voice,
            costs=studio.costs,
            exports=studio.exports,
            admin=jobs.admin,
            lyrics=studio.lyrics,
            credits=studio.credits,
            crew=jobs.crew,
        ),
        ChatViews(
            storyboard_view=view,
            albums=AlbumReplies(functools.partial(request_refresh, bot, jobs.storyboard_requests)),
        ),
        HandlerOptions(
            styles=studio.styles,
            clips_available=studio.providers.clips is not None,
            upload_limit=settings.upload_limit,
            media_write_timeout=settings.media_write_timeout,
            allowed_user_ids=settings.allowed_user_ids,
            admin_user_ids=settings.admin_user_ids,
            allowed_chat_ids=settings.allowed_chat_ids,
            webapp_url=settings.webapp_url,
            webapp_short_name=settings.webapp_short_name,
        ),
        Lifecycle(
            runner=jobs.runner,
            close=studio.database.close,
            webapp=build_webapp(settings, studio, bot, data),
            farm=studio.farm,
        ),
    )


def build_webapp(
    settings: Settings, studio: Studio, bot: Bot, data: BotData
) -> WebAppServer | None:
    """The timeline Mini App's server, when WEBAPP_URL says where it is published."""
    if not settings.webapp_url or settings.telegram_bot_token is None:
        return None
    services = ApiServices(
        board=studio.timeline_board,
        edits=studio.edits,
        projects=studio.projects,
        previews=PreviewCache(),
        chat=TelegramTimelineChat(bot, data),
        access=TimelineAccess(bot, data),
    )
    return WebAppServer(
        services,
        settings.telegram_bot_token.get_secret_value(),
        settings.webapp_url,
        settings.webapp_listen,
        settings.webapp_port,
    )


def register_handlers(application: DirectorApplication) -> None:
    """The handler table, in the order updates are matched."""
    # Group -1 runs before everything: the allowlist and knowing the user.
    application.add_handler(TypeHandler(Update, access.admit_user), group=-1)
    application.add_handlers(
        [
            # A group's life: upgraded to a supergroup, the bot removed, admins changing.
            MessageHandler(filters.StatusUpdate.MIGRATE, chats.chat_migrated),
            ChatMemberHandler(chats.bot_membership, ChatMemberHandler.MY_CHAT_MEMBER),
            ChatMemberHandler(chats.member_changed, ChatMemberHandler.CHAT_MEMBER),
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
            CommandHandler("lyrics", lyrics.lyrics),
            CommandHandler("credits", credits.credits),
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
            # Before documents: an animation message carries its file as a document too.
            MessageHandler(
                filters.VIDEO | filters.VIDEO_NOTE | filters.ANIMATION, footage.receive_footage
            ),
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
    """Register the command menu, serve the timeline app, watch the farm, resume jobs."""
    for language in languages():
        menu = [BotCommand(name, t(language, key)) for name, key in commands.COMMANDS]
        await application.bot.set_my_commands(
            menu, language_code=None if language == "en" else language
        )
    webapp = application.bot_data.lifecycle.webapp
    if webapp is not None and application.bot_data.options.webapp_url:
        await webapp.start()
        try:
            await application.bot.set_chat_menu_button(
                menu_button=timeline_menu_button("en", application.bot_data.options.webapp_url)
            )
        except TelegramError:
            logger.warning("Could not set the chat menu button to the timeline", exc_info=True)
    farm = application.bot_data.lifecycle.farm
    if farm is not None:
        await farm.start()  # before resuming: the runner takes as many renders as it has slots
    resumed = application.bot_data.lifecycle.runner.resume_unfinished()
    if resumed:
        logger.info("Resumed %s unfinished job(s)", resumed)
    # In a daemon thread: it never delays the bot's answers or its stop.
    threading.Thread(target=beats.warm_up, name="song-analysis-warm-up", daemon=True).start()


async def post_stop(application: DirectorApplication) -> None:
    """Stop serving the timeline app while the bot can still send what it was telling chats."""
    webapp = application.bot_data.lifecycle.webapp
    if webapp is not None:
        await webapp.stop()


async def post_shutdown(application: DirectorApplication) -> None:
    """Stop running jobs (they resume on the next start) and close the database."""
    lifecycle = application.bot_data.lifecycle
    await lifecycle.runner.shutdown()
    if lifecycle.farm is not None:
        await lifecycle.farm.stop()  # the farm's renders go on; the next start follows them
    lifecycle.close()


def build_application(settings: Settings) -> DirectorApplication:
    """Build the bot: services created once, handlers registered, lifecycle hooks set."""
    if settings.telegram_bot_token is None:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    builder = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token.get_secret_value())
        .context_types(ContextTypes(context=DirectorContext, bot_data=BotData))
        .rate_limiter(AIORateLimiter(max_retries=3))
        # Chats are served side by side, each chat's updates in order (replies stay in order
        # even when one waits out a 429).
        .concurrent_updates(PerChatUpdateProcessor())
        .media_write_timeout(settings.media_write_timeout)
        .post_init(post_init)
        .post_stop(post_stop)
        .post_shutdown(post_shutdown)
    )
    if settings.telegram_api_base_url:
        builder = builder.base_url(settings.telegram_api_base_url)
    if settings.telegram_file_base_url:
        builder = builder.base_file_url(settings.telegram_file_base_url)
    if settings.telegram_local_mode:
        builder = builder.local_mode(True)
    application: DirectorApplication = builder.build()

    fill_bot_data(application.bot_data, settings, application.bot)
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
        if application.post_stop is not None:
            await application.post_stop(application)
        await application.shutdown()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)
