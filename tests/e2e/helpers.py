"""What a project holds, read straight from the bot's SQLite file."""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import Settings
from tests.support.database import query
from tests.support.telegram_emulator import BotMessage, SimulatedUser


@dataclass(frozen=True)
class Snapshot:
    """The parts of a user's projects a bad input must not change."""

    projects: tuple[tuple[int, str, str | None], ...]
    scenes: tuple[tuple[int, int, str], ...]
    references: tuple[tuple[int, str], ...]


def snapshot(settings: Settings, owner_id: int) -> Snapshot:
    """Read the owner's projects, scenes and references."""
    path = settings.database_path
    projects = query(
        path, "select id, title, song_sha from projects where owner_id = ? order by id", (owner_id,)
    )
    scenes = query(
        path,
        "select s.project_id, s.position, s.idea from scenes s join projects p "
        "on p.id = s.project_id where p.owner_id = ? order by s.id",
        (owner_id,),
    )
    references = query(
        path,
        "select r.scene_id, r.asset_sha from scene_refs r join scenes s on s.id = r.scene_id "
        "join projects p on p.id = s.project_id where p.owner_id = ? order by r.scene_id, "
        "r.position",
        (owner_id,),
    )
    return Snapshot(tuple(projects), tuple(scenes), tuple(references))


async def say(user: SimulatedUser, text: str, expect: str, timeout: float = 60.0) -> BotMessage:  # noqa: ASYNC109 - reads better in tests
    """Send text; return the reply that contains (or, edited since, contained) `expect`."""
    mark = user.mark()
    await user.send_text(text)
    return await user.wait_for(
        lambda m: any(expect in h for h in m.history),
        after=mark,
        what=repr(expect),
        timeout=timeout,
    )


def version_with(message: BotMessage, expect: str) -> str:
    """The text the message had when it contained `expect`."""
    return next(h for h in message.history if expect in h)


async def new_project(user: SimulatedUser, title: str, *ideas: str) -> list[BotMessage]:
    """`/new title`, then each idea as the next scene; the bot's answer to each idea."""
    await say(user, f"/new {title}", title)
    return [await say(user, idea, f"Scene {number}") for number, idea in enumerate(ideas, start=1)]


def ideas(settings: Settings, owner_id: int) -> list[str]:
    """The ideas of the owner's scenes, in storyboard order."""
    rows = query(
        settings.database_path,
        "select s.idea from scenes s join projects p on p.id = s.project_id "
        "where p.owner_id = ? order by s.position",
        (owner_id,),
    )
    return [row[0] for row in rows]
