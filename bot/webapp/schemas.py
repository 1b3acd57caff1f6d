"""What the page may send, validated whole (types, ranges, sizes) before anything is read.

Scenes are named by id, as the page knows them; they become the edit language's scene numbers
against the project as it is when the edits arrive, so a chat edit in between is no mix-up.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from bot.studio.edits import (
    Edit,
    Move,
    Numbered,
    SetCaption,
    SetFit,
    SetIdea,
    SetLength,
    SetMotion,
    SetTransition,
    Slot,
)
from bot.studio.timeline import Fit, Motion, Transition
from bot.studio.timeline_board import Board, cut_edits

MAX_BODY_BYTES = 32 * 1024
MAX_EDITS = 20
MAX_TEXT_CHARS = 2000  # the studio's own MAX_IDEA_CHARS is checked when the edit is applied
SceneId = Annotated[int, Field(gt=0, lt=2**53)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class MoveScene(_Strict):
    """Drag to reorder: the scene to this place (1 is the first)."""

    kind: Literal["move"]
    scene_id: SceneId
    position: Annotated[int, Field(ge=1, le=10_000)]


class SceneLength(_Strict):
    """Drag an edge: the scene's length on the timeline (None: let the song decide)."""

    kind: Literal["length"]
    scene_id: SceneId
    seconds: Annotated[float, Field(ge=0.2, le=900)] | None = Field(strict=False)


class SceneText(_Strict):
    """The scene's idea or its on-screen caption."""

    kind: Literal["idea", "caption"]
    scene_id: SceneId
    text: Annotated[str, Field(max_length=MAX_TEXT_CHARS)]


class SceneMotion(_Strict):
    """The camera move over the scene's picture."""

    kind: Literal["motion"]
    scene_id: SceneId
    motion: Motion = Field(strict=False)


class SceneTransition(_Strict):
    """How the scene begins after the one before it."""

    kind: Literal["transition"]
    scene_id: SceneId
    transition: Transition = Field(strict=False)


class SceneFit(_Strict):
    """The scene's picture whole (contain) or cropped to fill the frame (cover)."""

    kind: Literal["fit"]
    scene_id: SceneId
    fit: Fit = Field(strict=False)


PageEdit = Annotated[
    MoveScene | SceneLength | SceneText | SceneMotion | SceneTransition | SceneFit,
    Field(discriminator="kind"),
]


class EditRequest(_Strict):
    """One gesture's edits, applied together (one Undo takes them all back)."""

    edits: Annotated[list[PageEdit], Field(min_length=1, max_length=MAX_EDITS)]

    @model_validator(mode="after")
    def _move_alone(self) -> EditRequest:
        # Scene ids become numbers before any edit applies: a move would renumber the rest.
        if len(self.edits) > 1 and any(isinstance(e, MoveScene) for e in self.edits):
            raise ValueError("a move is sent on its own")
        return self


class UnknownScene(Exception):
    """An edit names a scene the project does not hold (any more)."""


def studio_edits(request: EditRequest, board: Board) -> list[Edit]:
    """The page's edits in the edit language, against the project as it is now."""
    numbers = {laid.scene.id: n for n, laid in enumerate(board.scenes, start=1)}
    edits: list[Edit] = []
    for edit in request.edits:
        number = numbers.get(edit.scene_id)
        if number is None:
            raise UnknownScene()
        scene = Numbered((number,))
        if isinstance(edit, MoveScene):
            edits.append(Move(scene, Slot(edit.position)))
        elif isinstance(edit, SceneLength):
            if edit.seconds is None:
                edits.append(SetLength(scene, None))
            else:
                edits.extend(cut_edits(board, edit.scene_id, edit.seconds))
        elif isinstance(edit, SceneText):
            text = edit.text.strip()
            edits.append(SetIdea(scene, text) if edit.kind == "idea" else SetCaption(scene, text))
        elif isinstance(edit, SceneMotion):
            edits.append(SetMotion(scene, edit.motion))
        elif isinstance(edit, SceneFit):
            edits.append(SetFit(scene, edit.fit))
        else:
            edits.append(SetTransition(scene, edit.transition))
    return edits
