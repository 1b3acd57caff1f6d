"""Typed changes to stored rows: only the fields given are written; a misspelt one is a type error.

`UNCHANGED` marks a field left as it is, so None can still be written where None means
something (a scene's length back to automatic, a job's error cleared).
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from enum import Enum
from typing import Final

from bot.studio.models import JobState, Project, ProjectSwitch
from bot.studio.timeline import FootageSound, Motion, Transition


class Unchanged(Enum):
    """The type of UNCHANGED."""

    UNCHANGED = "unchanged"


UNCHANGED: Final = Unchanged.UNCHANGED
Column = str | int | float | None


@dataclass(frozen=True, kw_only=True)
class _Changes:
    """A record of changes whose field names are the columns they write."""

    def columns(self) -> dict[str, Column]:
        """The given fields as column values (enums by value, flags as 0/1)."""
        values: dict[str, Column] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if value is UNCHANGED:
                continue
            if isinstance(value, Enum):
                value = value.value
            elif isinstance(value, bool):
                value = int(value)
            values[item.name] = value
        return values


@dataclass(frozen=True, kw_only=True)
class SceneChanges(_Changes):
    """What to change in a scene; `duration=None` makes its length automatic again."""

    idea: str | Unchanged = UNCHANGED
    caption: str | Unchanged = UNCHANGED
    motion: Motion | Unchanged = UNCHANGED
    transition: Transition | Unchanged = UNCHANGED
    duration: float | Unchanged | None = UNCHANGED
    variant: int | Unchanged = UNCHANGED
    fit: str | Unchanged = UNCHANGED
    clip_sha: str | Unchanged | None = UNCHANGED
    clip_key: str | Unchanged | None = UNCHANGED
    image_prompt: str | Unchanged = UNCHANGED
    accepted: bool | Unchanged = UNCHANGED
    footage_sha: str | Unchanged | None = UNCHANGED
    footage_start: float | Unchanged | None = UNCHANGED


@dataclass(frozen=True, kw_only=True)
class ProjectChanges(_Changes):
    """What to change in a project's options."""

    title: str | Unchanged = UNCHANGED
    aspect: str | Unchanged = UNCHANGED
    style: str | Unchanged = UNCHANGED
    clips_enabled: bool | Unchanged = UNCHANGED
    previews_enabled: bool | Unchanged = UNCHANGED
    restyle_enabled: bool | Unchanged = UNCHANGED
    footage_sound: FootageSound | Unchanged = UNCHANGED
    credits_card: bool | Unchanged = UNCHANGED


@dataclass(frozen=True, kw_only=True)
class JobChanges(_Changes):
    """What to change in a job's row; `error=None` clears its error."""

    state: JobState | Unchanged = UNCHANGED
    progress: float | Unchanged = UNCHANGED
    step: str | Unchanged = UNCHANGED
    attempts: int | Unchanged = UNCHANGED
    error: str | Unchanged | None = UNCHANGED
    progress_message_id: int | Unchanged | None = UNCHANGED
    result_sha: str | Unchanged | None = UNCHANGED
    thumbnail_sha: str | Unchanged | None = UNCHANGED


def flipped(
    project: Project, switch: ProjectSwitch, changes: ProjectChanges | None = None
) -> ProjectChanges:
    """`changes` (or none) and one of the project's on/off options turned the other way."""
    changes = changes or ProjectChanges()
    on = not project.is_on(switch)
    if switch is ProjectSwitch.CLIPS:
        return replace(changes, clips_enabled=on)
    if switch is ProjectSwitch.RESTYLE:
        return replace(changes, restyle_enabled=on)
    if switch is ProjectSwitch.CLIP_SOUND:
        return replace(changes, footage_sound=FootageSound.DUCK if on else FootageSound.DROP)
    if switch is ProjectSwitch.CREDITS:
        return replace(changes, credits_card=on)
    return replace(changes, previews_enabled=on)
