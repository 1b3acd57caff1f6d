"""Whose timeline a Mini App user may open: their private chat's projects, and the projects of
the groups they are in, which the director and the group's admins may also change.

A group's project is reached from a private chat (the group's "Open timeline" button is a
link to the bot's private chat: Telegram opens Mini Apps from inline buttons only there), so
the signed initData names the user but not the group. Membership is therefore asked of
Telegram (getChatMember, remembered a minute), never taken from the page.
"""

from __future__ import annotations

from telegram import Bot

from bot.errors import ProjectNotFound
from bot.handlers.access import is_allowed, is_allowed_group
from bot.handlers.context import BotData
from bot.studio.crew import Actor


class TimelineAccess:
    """Resolves a Mini App call to the owning chat it acts in, or refuses it."""

    def __init__(self, bot: Bot, data: BotData) -> None:
        self.bot = bot
        self.data = data

    async def owner_for(
        self, user_id: int, project_id: int | None, *, deciding: bool = False
    ) -> int:
        """The chat owning the project (the user's own active one when None) that the user
        may open, and, `deciding`, change: ProjectNotFound when they may not see it,
        NotYourCall when they may look but not change it."""
        if project_id is None:
            return self._own(user_id)
        owner = self.data.use_cases.crew.owner_of(project_id)
        return await self._checked(user_id, owner, project_id if deciding else None)

    async def owner_of_scene(self, user_id: int, scene_id: int) -> int:
        """The chat owning the scene's project, if the user may see it (else ProjectNotFound)."""
        return await self._checked(user_id, self.data.use_cases.crew.owner_of_scene(scene_id))

    async def may_change(self, user_id: int, owner_id: int, project_id: int) -> bool:
        """Whether the user (who may see it) may also change the project: always their own;
        a group's when they direct it or are an admin of the group."""
        if owner_id == user_id:
            return True
        admins = await self.data.admins.admins(self.bot, owner_id)
        actor = Actor(user_id, chat_admin=user_id in admins)
        return self.data.use_cases.crew.may_decide(actor, owner_id, project_id)

    def _own(self, user_id: int) -> int:
        if not is_allowed(self.data.options, user_id):
            raise ProjectNotFound
        return user_id

    async def _checked(
        self, user_id: int, owner: int | None, deciding_on: int | None = None
    ) -> int:
        if owner is None:
            raise ProjectNotFound
        if owner == user_id:
            return self._own(user_id)
        crew, options = self.data.use_cases.crew, self.data.options
        # Another positive id is someone else's private chat: never theirs to see.
        if owner > 0 or not is_allowed_group(options, owner) or crew.is_removed(owner):
            raise ProjectNotFound
        members = self.data.admins
        if not await members.is_member(self.bot, owner, user_id):
            raise ProjectNotFound
        if deciding_on is not None:
            admins = await members.admins(self.bot, owner)
            crew.decider(Actor(user_id, chat_admin=user_id in admins), owner, deciding_on)
        return owner
