"""What the timeline app's changes and renders say in the owning chat: the same summary with
Undo as a change made in the chat (in a group, with who made it, in the project's forum
topic), the same render flow as /render."""

from __future__ import annotations

from telegram import Bot

from bot.handlers.context import BotData
from bot.handlers.conversation import OutcomeNote, send_outcome
from bot.handlers.render import WorkOrder, start_work
from bot.handlers.text import escape
from bot.i18n import t
from bot.studio.editing import EditOutcome
from bot.studio.rendering import RENDER
from bot.webapp.init_data import WebAppUser


class TelegramTimelineChat:
    """Tells the owning chat (a private chat's id is its user's) what the timeline app did."""

    def __init__(self, bot: Bot, data: BotData) -> None:
        self.bot = bot
        self.data = data

    async def changed(
        self, owner_id: int, language: str, outcome: EditOutcome, by: WebAppUser
    ) -> None:
        """A one-line summary of the change, with Undo."""
        heading = (
            t(language, "webapp.changed")
            if owner_id == by.id
            else t(language, "webapp.changed_by", name=escape(by.first_name))
        )
        note = OutcomeNote(
            owner_id,
            owner_id,
            language,
            outcome,
            heading=heading,
            thread_id=self._topic(owner_id, outcome.project_id),
        )
        await send_outcome(self.bot, self.data, note)

    async def render(self, owner_id: int, language: str, project_id: int) -> bool:
        """Render as /render does; False when the chat was asked to confirm the cost first."""
        order = WorkOrder(
            owner_id,
            owner_id,
            language,
            RENDER,
            project_id,
            confirmed=False,
            thread_id=self._topic(owner_id, project_id),
        )
        return await start_work(self.bot, self.data.use_cases, order)

    def _topic(self, owner_id: int, project_id: int) -> int | None:
        if owner_id > 0:
            return None
        return self.data.use_cases.crew.topic_of(owner_id, project_id)
