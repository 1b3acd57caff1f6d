"""The typed `bot_data` every handler reaches, and the CallbackContext that carries it.

PTB makes `BotData()` itself when the Application is built (`ContextTypes(bot_data=BotData)`);
the composition root (`bot.app.build_application`) then fills it once, before the first update.
Handlers get use cases, the chat views and plain values; never Settings, never the store.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from telegram.ext import Application, CallbackContext, ExtBot

from bot.handlers.albums import AlbumReplies
from bot.handlers.chat_admins import AdminCache
from bot.handlers.storyboard_view import StoryboardView
from bot.studio.admin import AdminReports
from bot.studio.conversation import Conversation
from bot.studio.costs import Costs
from bot.studio.credits import Credits
from bot.studio.crew import Crew
from bot.studio.editing import Edits
from bot.studio.export import Exports
from bot.studio.jobs import JobRunner
from bot.studio.material import Material
from bot.studio.projects import Projects
from bot.studio.render_requests import RenderRequests
from bot.studio.scene_editing import SceneEditing
from bot.studio.scene_messages import SceneMessages
from bot.studio.song_lyrics import SongLyrics
from bot.studio.status import ProjectStatus
from bot.studio.storyboard import StoryboardRequests
from bot.studio.styles import StylePreset
from bot.studio.voice import VoiceNotes


@dataclass(frozen=True)
class UseCases:
    """The studio use cases handlers call."""

    projects: Projects
    material: Material
    edits: Edits
    conversation: Conversation
    status: ProjectStatus
    renders: RenderRequests
    storyboard_requests: StoryboardRequests
    scene_messages: SceneMessages
    scene_editing: SceneEditing
    voice: VoiceNotes
    costs: Costs
    exports: Exports
    admin: AdminReports
    lyrics: SongLyrics
    credits: Credits
    crew: Crew


@dataclass(frozen=True)
class ChatViews:
    """Telegram-side helpers that outlive one update."""

    storyboard_view: StoryboardView
    albums: AlbumReplies


@dataclass(frozen=True)
class HandlerOptions:
    """Plain values handlers need from the configuration."""

    styles: Mapping[str, StylePreset]
    clips_available: bool
    upload_limit: int
    media_write_timeout: float
    allowed_user_ids: frozenset[int]
    admin_user_ids: frozenset[int]
    allowed_chat_ids: frozenset[int] = frozenset()  # groups let in (ALLOWED_CHAT_IDS)
    webapp_url: str | None = None  # the timeline Mini App's public address, when it is served
    webapp_short_name: str | None = None  # its BotFather short name (direct links in groups)


class Served(Protocol):
    """A server the bot runs beside polling (the timeline Mini App's)."""

    @property
    def port(self) -> int: ...

    @property
    def local_url(self) -> str: ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


class Watching(Protocol):
    """A watch the bot keeps running beside polling (the render farm's workers)."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


@dataclass(frozen=True)
class Lifecycle:
    """What the application starts and stops around polling."""

    runner: JobRunner
    close: Callable[[], None]
    webapp: Served | None = None  # the timeline Mini App's server, with WEBAPP_URL set
    farm: Watching | None = None  # the render farm's watch, with REDIS_URL set


@dataclass
class BotData:
    """`context.bot_data`: made empty by PTB, filled once by the composition root."""

    use_cases: UseCases = field(init=False)
    views: ChatViews = field(init=False)
    options: HandlerOptions = field(init=False)
    lifecycle: Lifecycle = field(init=False)
    # Strangers refused so far (in memory only, never in the database): each hears it once.
    refused_user_ids: set[int] = field(default_factory=set)
    # Each group's admins as Telegram said lately (in memory only).
    admins: AdminCache = field(default_factory=AdminCache)

    def fill(
        self, use_cases: UseCases, views: ChatViews, options: HandlerOptions, lifecycle: Lifecycle
    ) -> None:
        """Hand over what the composition root built (once, before the first update)."""
        self.use_cases, self.views, self.options = use_cases, views, options
        self.lifecycle = lifecycle

    @property
    def runner(self) -> JobRunner:
        """The job runner (for the lifecycle hooks and tests that wait for it)."""
        return self.lifecycle.runner


class DirectorContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]):
    """CallbackContext whose `bot_data` is the typed BotData."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)

    @property
    def use_cases(self) -> UseCases:
        """The studio use cases."""
        return self.bot_data.use_cases

    @property
    def views(self) -> ChatViews:
        """The chat views (storyboard messages, album replies)."""
        return self.bot_data.views

    @property
    def options(self) -> HandlerOptions:
        """Plain values from the configuration."""
        return self.bot_data.options

    def language(self) -> str:
        """The language of the user this update is from."""
        if self._user_id is None:
            return "en"
        return self.use_cases.projects.language_of(self._user_id)
