"""A typed CallbackContext that hands handlers the services they may use."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from telegram.ext import Application, CallbackContext, ExtBot

from bot.config import Settings
from bot.studio.conversation import Conversation
from bot.studio.costs import Costs
from bot.studio.editing import Edits
from bot.studio.export import Exports
from bot.studio.projects import Projects
from bot.studio.render_requests import RenderRequests
from bot.studio.storyboard import Storyboard, StoryboardRequests
from bot.studio.voice import VoiceNotes

if TYPE_CHECKING:
    from bot.handlers.albums import AlbumReplies
    from bot.handlers.storyboard_view import StoryboardView

SERVICES_KEY = "services"


@dataclass
class Services:
    """What handlers may call: studio use cases and settings, nothing lower."""

    settings: Settings
    projects: Projects
    renders: RenderRequests
    storyboard: Storyboard
    storyboard_requests: StoryboardRequests
    storyboard_view: StoryboardView
    voice: VoiceNotes
    costs: Costs
    exports: Exports
    albums: AlbumReplies
    edits: Edits
    conversation: Conversation
    clips_available: bool = False


class DirectorContext(
    CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]
):
    """CallbackContext with `services`."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)

    @property
    def services(self) -> Services:
        """The services built by the composition root."""
        return cast(Services, self.bot_data[SERVICES_KEY])

    def language(self) -> str:
        """The language of the user this update is from."""
        if self._user_id is None:
            return "en"
        return self.services.projects.language_of(self._user_id)
