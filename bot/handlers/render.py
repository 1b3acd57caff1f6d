"""/render: queue the active project's video."""

from __future__ import annotations

from telegram import Update

from bot.context import DirectorContext


async def render(update: Update, context: DirectorContext) -> None:
    """Start a render job; the job reports its own progress in the chat."""
    if update.effective_user is None or update.effective_chat is None:
        return
    context.services.renders.request(
        update.effective_user.id, update.effective_chat.id, context.language()
    )
