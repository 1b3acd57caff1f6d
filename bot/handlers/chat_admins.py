"""Each group's admins and members as Telegram said lately: who may decide besides a
project's director, and who may open a group's timeline."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from telegram import Bot, ChatMember
from telegram.error import TelegramError

logger = logging.getLogger(__name__)

ADMIN_TTL = 60.0  # seconds a group's admin list is trusted without asking again
ADMIN_STATUSES = frozenset({ChatMember.OWNER, ChatMember.ADMINISTRATOR})
MEMBER_STATUSES = ADMIN_STATUSES | {ChatMember.MEMBER}


@dataclass
class AdminCache:
    """Each group's admins, as Telegram said lately (in memory only)."""

    ttl: float = ADMIN_TTL
    _admins: dict[int, tuple[float, frozenset[int]]] = field(default_factory=dict)
    _members: dict[tuple[int, int], tuple[float, bool]] = field(default_factory=dict)

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

    async def is_member(self, bot: Bot, chat_id: int, user_id: int) -> bool:
        """Whether the user is in the chat now (asked of Telegram at most every `ttl` seconds
        per member; a chat Telegram will not answer about lets nobody in)."""
        cached = self._members.get((chat_id, user_id))
        now = time.monotonic()
        if cached is not None and now - cached[0] < self.ttl:
            return cached[1]
        try:
            member = await bot.get_chat_member(chat_id, user_id)
        except TelegramError:
            logger.info("Could not ask whether a user is in chat %s", chat_id, exc_info=True)
            return False
        # A restricted member is still in the chat unless Telegram says otherwise.
        inside = member.status in MEMBER_STATUSES or bool(getattr(member, "is_member", False))
        self._members[(chat_id, user_id)] = (now, inside)
        return inside

    def forget(self, chat_id: int) -> None:
        """Someone's status changed in the chat: ask again next time."""
        self._admins.pop(chat_id, None)
        for key in [key for key in self._members if key[0] == chat_id]:
            del self._members[key]
