"""Placeholder until the offline reader lands: every text is a scene idea."""

from __future__ import annotations

from bot.studio.reading import Reading, ReadRequest, SceneIdea


class OfflineReader:
    """Reads nothing as an instruction yet."""

    name = "offline"

    async def read(self, request: ReadRequest) -> Reading:
        """Every text is the next scene idea."""
        return Reading(SceneIdea())
