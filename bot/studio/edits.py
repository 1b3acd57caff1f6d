"""The edit language: every change to a project, as a typed value.

A button, a reply, a sentence in the chat and the timeline Mini App all say what they want as a
tuple of these edits; `bot.studio.editing.Edits` applies a tuple in one transaction and writes
it to the journal that `/undo` reverts. Scenes are named as the director sees them (numbers from
1, "the last two", "the next one"); they are resolved against the project when applied.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.studio.models import ProjectSwitch
from bot.studio.ports import PlannedScene
from bot.studio.sections import SectionKind
from bot.studio.timeline import CaptionsMode, Fit, Motion, Transition

# "to the end": a position past any project's last scene (positions are clamped when applied).
END = 1_000_000


@dataclass(frozen=True)
class Numbered:
    """Scenes by their numbers (1 is the first); a range is its numbers in order."""

    numbers: tuple[int, ...]


@dataclass(frozen=True)
class FromStart:
    """The first `count` scenes ("the intro", "the first two")."""

    count: int = 1


@dataclass(frozen=True)
class FromEnd:
    """The last `count` scenes ("the last one", "the last two")."""

    count: int = 1


@dataclass(frozen=True)
class Relative:
    """A scene next to the one in focus (offset 0 "this", 1 "the next", -1 "the previous").

    The focus is the scene a reply or a button is about, else the last scene changed.
    """

    offset: int = 0


@dataclass(frozen=True)
class Same:
    """The scenes the edit before named ("swap 1 and 2 and make them night scenes").

    In a message's first edit it is the scene in focus ("delete it" replying to a scene).
    """


@dataclass(frozen=True)
class Every:
    """All scenes of the project ("every scene", "tất cả các cảnh")."""


SceneRef = Numbered | FromStart | FromEnd | Relative | Same | Every


@dataclass(frozen=True)
class Slot:
    """A position in the new order (1 is the first; END is after the last)."""

    position: int


@dataclass(frozen=True)
class Beside:
    """Right after (or before) another scene."""

    anchor: SceneRef
    after: bool = True


Place = Slot | Beside


@dataclass(frozen=True)
class AddScenes:
    """New scenes with these ideas, at the end or at a place."""

    ideas: tuple[str, ...]
    place: Place | None = None


@dataclass(frozen=True)
class SetIdea:
    """A new idea for scenes (their caption follows; their picture is remade when shown)."""

    scenes: SceneRef
    idea: str


@dataclass(frozen=True)
class AmendIdea:
    """Add to the scenes' ideas ("make scene 3 at night": "..., at night")."""

    scenes: SceneRef
    addition: str


@dataclass(frozen=True)
class SetCaption:
    """The words shown on screen during the scenes (the idea stays)."""

    scenes: SceneRef
    caption: str


@dataclass(frozen=True)
class SetMotion:
    """The camera move over the scenes' pictures."""

    scenes: SceneRef
    motion: Motion


@dataclass(frozen=True)
class SetFit:
    """How the scenes' pictures and clips meet the frame: cropped to fill it (cover), or whole
    over a blurred cover of themselves (contain: "show all of scene 2", "don't crop it")."""

    scenes: SceneRef
    fit: Fit


@dataclass(frozen=True)
class CycleMotion:
    """The next camera move in the cycle (the panel's button)."""

    scenes: SceneRef


@dataclass(frozen=True)
class SetTransition:
    """How the scenes begin after the scene before them."""

    scenes: SceneRef
    transition: Transition


@dataclass(frozen=True)
class SetLength:
    """A wished length in seconds, or None to let the song decide."""

    scenes: SceneRef
    seconds: float | None


@dataclass(frozen=True)
class PinSection:
    """Scenes start a section of the song ("scene 5 starts the chorus"); None unpins them.

    `occurrence` names which one (2: the second chorus); None: the next of its kind.
    """

    scenes: SceneRef
    section: SectionKind | None
    occurrence: int | None = None


@dataclass(frozen=True)
class ScaleLength:
    """Longer (factor > 1) or shorter (< 1) than now ("longer", "faster", "twice as long")."""

    scenes: SceneRef
    factor: float


@dataclass(frozen=True)
class Move:
    """Scenes to another place, keeping their order among themselves."""

    scenes: SceneRef
    place: Place


@dataclass(frozen=True)
class Shift:
    """Scenes earlier (negative steps) or later (positive) by a few places."""

    scenes: SceneRef
    steps: int


@dataclass(frozen=True)
class Swap:
    """Two scenes change places; `second` None means `first` names both ("the last two")."""

    first: SceneRef
    second: SceneRef | None = None


@dataclass(frozen=True)
class Delete:
    """Scenes out of the project."""

    scenes: SceneRef


@dataclass(frozen=True)
class Duplicate:
    """A copy of each scene right after it."""

    scenes: SceneRef


@dataclass(frozen=True)
class Keep:
    """Keep (or stop keeping) the scenes' look: their picture is not remade."""

    scenes: SceneRef
    keep: bool = True


@dataclass(frozen=True)
class Remake:
    """Another take of the scenes' pictures."""

    scenes: SceneRef


@dataclass(frozen=True)
class AttachFootage:
    """The scenes show this clip of the director's (by its hash), from its liveliest stretch."""

    scenes: SceneRef
    sha: str


@dataclass(frozen=True)
class AddFootageScene:
    """A new scene showing this clip of the director's, with an idea (which may be empty
    until the director says one), at the end or at a place."""

    sha: str
    idea: str = ""
    place: Place | None = None


@dataclass(frozen=True)
class SetFootageStart:
    """Where the stretch of the scenes' clips begins, in seconds into the clip; None goes
    back to the liveliest stretch ("start scene 3 at 0:04")."""

    scenes: SceneRef
    seconds: float | None


@dataclass(frozen=True)
class SetStyle:
    """The project's style preset (a key of prompts/styles.toml)."""

    style: str


@dataclass(frozen=True)
class SetAspect:
    """The project's aspect ratio ("9:16", "16:9", "1:1")."""

    aspect: str


@dataclass(frozen=True)
class SetTitle:
    """The project's title."""

    title: str


@dataclass(frozen=True)
class SetSwitch:
    """A project switch on or off (None flips it)."""

    switch: ProjectSwitch
    on: bool | None = None


@dataclass(frozen=True)
class SetCaptions:
    """What the video's captions show (None steps to the next mode, as the button does)."""

    mode: CaptionsMode | None = None


@dataclass(frozen=True)
class CorrectCredit:
    """The director's word for a credit line's name: every credit of that line (the same
    role, the same name as the credit `credit_id`) is credited to `name`."""

    credit_id: int
    name: str


@dataclass(frozen=True)
class SetMusicCredit:
    """Who made the song, as the director says it ("music: Name - Title")."""

    name: str


@dataclass(frozen=True)
class Replan:
    """The storyboard as planned: every scene in this order, the plan's own ones added."""

    shots: tuple[PlannedScene, ...]


SceneEdit = (
    SetIdea
    | AmendIdea
    | SetCaption
    | SetMotion
    | CycleMotion
    | SetFit
    | SetTransition
    | SetLength
    | ScaleLength
    | PinSection
    | Move
    | Shift
    | Swap
    | Delete
    | Duplicate
    | Keep
    | Remake
    | AttachFootage
    | SetFootageStart
)
ProjectEdit = (
    AddScenes
    | AddFootageScene
    | Replan
    | SetStyle
    | SetAspect
    | SetTitle
    | SetSwitch
    | SetCaptions
    | CorrectCredit
    | SetMusicCredit
)
Edit = SceneEdit | ProjectEdit


class Command(StrEnum):
    """What the director asks the bot to do, besides changing the project."""

    RENDER = "render"
    STORYBOARD = "storyboard"
    UNDO = "undo"
