"""A project as edits see it: its options and its scenes in order, as plain values.

Edits turn one state into the next (`bot.studio.applying`); the store writes the difference
in one transaction; the journal keeps the touched scenes' earlier states so `/undo` can put
them back. States travel to the journal as JSON.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from bot.studio.models import CreditRole
from bot.studio.timeline import CaptionsMode, FootageSound, Motion, Transition


@dataclass(frozen=True)
class SceneState:
    """One scene; `id` None is a scene not stored yet (added or duplicated by an edit)."""

    id: int | None
    idea: str
    caption: str
    motion: Motion
    transition: Transition
    duration: float | None = None
    variant: int = 0
    fit: str = "cover"
    accepted: bool = False
    image_prompt: str = ""
    picture_sha: str | None = None
    picture_key: str | None = None
    clip_sha: str | None = None
    clip_key: str | None = None
    references: tuple[str, ...] = ()
    footage_sha: str | None = None
    footage_start: float | None = None
    footage_seconds: float | None = None  # how long the clip is (read with it, never written)
    section_pin: str | None = None  # SectionPin.to_text(): the section the scene starts


@dataclass(frozen=True)
class ProjectOptions:
    """What an edit may change on the project itself."""

    title: str
    aspect: str
    style: str
    clips_enabled: bool = False
    previews_enabled: bool = False
    restyle_enabled: bool = False
    footage_sound: FootageSound = FootageSound.DROP
    captions: CaptionsMode = CaptionsMode.IDEAS
    credits_card: bool | None = None  # None: not chosen (off until someone else is credited)


@dataclass(frozen=True)
class CreditState:
    """A credit as edits see it: only the director's correction of its name is edited."""

    id: int
    role: CreditRole
    name: str
    corrected: str | None = None

    @property
    def shown_name(self) -> str:
        """The name the credits show."""
        return self.corrected if self.corrected is not None else self.name


@dataclass(frozen=True)
class ProjectState:
    """The project's options, its scenes in storyboard order, and its credits (the song's
    only for the song it has now)."""

    project_id: int
    options: ProjectOptions
    scenes: tuple[SceneState, ...] = field(default_factory=tuple)
    credits: tuple[CreditState, ...] = field(default_factory=tuple)

    def number_of(self, scene_id: int) -> int | None:
        """The scene's number (1 is the first), or None when it is not in the project."""
        for index, scene in enumerate(self.scenes):
            if scene.id == scene_id:
                return index + 1
        return None


def scene_to_json(scene: SceneState) -> dict[str, Any]:
    """A scene as JSON-ready values."""
    values = dataclasses.asdict(scene)
    values["motion"] = scene.motion.value
    values["transition"] = scene.transition.value
    values["references"] = list(scene.references)
    return values


def scene_from_json(values: dict[str, Any]) -> SceneState:
    """A scene back from `scene_to_json`."""
    known = {f.name for f in dataclasses.fields(SceneState)}
    data = {name: value for name, value in values.items() if name in known}
    data["motion"] = Motion(data["motion"])
    data["transition"] = Transition(data["transition"])
    data["references"] = tuple(data.get("references") or ())
    return SceneState(**data)


def options_to_json(options: ProjectOptions) -> dict[str, Any]:
    """Project options as JSON-ready values."""
    values = dataclasses.asdict(options)
    values["footage_sound"] = options.footage_sound.value
    return values


def options_from_json(values: dict[str, Any]) -> ProjectOptions:
    """Project options back from `options_to_json`."""
    known = {f.name for f in dataclasses.fields(ProjectOptions)}
    data = {name: value for name, value in values.items() if name in known}
    data["footage_sound"] = FootageSound(data.get("footage_sound") or FootageSound.DROP)
    data["captions"] = CaptionsMode(data.get("captions") or CaptionsMode.IDEAS)
    return ProjectOptions(**data)
