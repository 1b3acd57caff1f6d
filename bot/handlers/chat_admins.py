"""Each group's admins as Telegram said lately: who may decide besides a project's director."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from telegram import Bot, ChatMember
from telegram.error import TelegramError

logger = logging.getLogger(__name__)

ADMIN_TTL = 60.0  # seconds a group's admin list is trusted without asking again
ADMIN_STATUSES = frozenset({ChatMember.OWNER, ChatMember.ADMINISTRATOR})


@dataclass
class AdminCache:
    """Each group's admins, as Telegram said lately (in memory only)."""

    ttl: float = ADMIN_TTL
    _admins: dict[int, tuple[float, frozenset[int]]] = field(default_factory=dict)

    async def admins(self, bot: Bot, chat_id: int) -> frozenset[int]:
        """The user ids of the chat's admins (asked of Telegram at most every `ttl` seconds)."""
        cached = self._admins.get(chat_id)
        now = time.monotonic()
        if cached is not None and now - cached[0] < self.ttl:
            return cached[1]
        try:
            members = await bot.get_chat_administrators(chat_id)
        except TelegramError:
            logger.warning("Could not ask for the admins of chat %s", chat_id, exc_info=True)
            return cached[1] if cached is not None else frozenset()
        admins = frozenset(m.user.id for m in members if m.status in ADMIN_STATUSES)
        self._admins[chat_id] = (now, admins)
        return admins

    def forget(self, chat_id: int) -> None:
        """Someone's status changed in the chat: ask again next time."""
        self._admins.pop(chat_id, None)
