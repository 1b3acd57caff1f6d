"""What the timeline app's changes and renders say in the user's chat (a private chat's id is
the user's id): the same summary with Undo as a change made in the chat, the same render flow
as /render."""

from __future__ import annotations

from telegram import Bot

from bot.handlers.context import BotData
from bot.handlers.conversation import OutcomeNote, send_outcome
from bot.handlers.render import WorkOrder, start_work
from bot.studio.editing import EditOutcome
from bot.studio.rendering import RENDER


class TelegramTimelineChat:
    """Tells the user's private chat what the timeline app did."""

    def __init__(self, bot: Bot, data: BotData) -> None:
        self.bot = bot
        self.data = data

    async def changed(self, user_id: int, language: str, outcome: EditOutcome) -> None:
        """A one-line summary of the change, with Undo."""
        await send_outcome(
            self.bot,
            self.data,
            OutcomeNote(user_id, user_id, language, outcome, heading_key="webapp.changed"),
        )

    async def render(self, user_id: int, language: str, project_id: int) -> bool:
        """Render as /render does; False when the chat was asked to confirm the cost first."""
        order = WorkOrder(user_id, user_id, language, RENDER, project_id, confirmed=False)
        return await start_work(self.bot, self.data.use_cases, order)
