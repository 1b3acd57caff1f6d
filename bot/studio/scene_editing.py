"""Use case: a button's or a reply's edit of one scene, applied at once."""

from __future__ import annotations

from enum import StrEnum

from bot.errors import InputRejected
from bot.studio.editing import Edits
from bot.studio.edits import (
    CycleMotion,
    Delete,
    Edit,
    Keep,
    Relative,
    Remake,
    ScaleLength,
    SetIdea,
    Shift,
)
from bot.studio.limits import Limits
from bot.studio.models import Scene
from bot.studio.ownership import owned_scene
from bot.studio.roles import ConversationStore, SceneStore
from bot.studio.scene_messages import SceneMessages
from bot.studio.text import checked_text

LENGTH_STEP = 1.25


class SceneAction(StrEnum):
    """What a button under a scene does."""

    REDO = "redo"
    EARLIER = "up"
    LATER = "down"
    LONGER = "long"
    SHORTER = "short"
    MOTION = "move"
    DELETE = "del"
    KEEP = "ok"


THIS = Relative(0)
# What each button under a scene's panel does, in the edit language.
BUTTON_EDITS: dict[SceneAction, Edit] = {
    SceneAction.REDO: Remake(THIS),
    SceneAction.EARLIER: Shift(THIS, -1),
    SceneAction.LATER: Shift(THIS, 1),
    SceneAction.LONGER: ScaleLength(THIS, LENGTH_STEP),
    SceneAction.SHORTER: ScaleLength(THIS, 1 / LENGTH_STEP),
    SceneAction.MOTION: CycleMotion(THIS),
    SceneAction.DELETE: Delete(THIS),
}


class SceneEditing:
    """Changes one scene of the user's: its order, length, camera, picture or idea."""

    def __init__(
        self,
        scenes: SceneStore,
        conversation: ConversationStore,
        messages: SceneMessages,
        limits: Limits,
        edits: Edits,
    ) -> None:
        self.scenes = scenes
        self.conversation = conversation
        self.messages = messages
        self.limits = limits
        self.edits = edits

    def scene(self, owner_id: int, scene_id: int) -> Scene:
        """A scene of the user's, or ProjectNotFound (it was deleted, or it is not theirs)."""
        return owned_scene(self.scenes, owner_id, scene_id)

    def scenes_of(self, owner_id: int, project_id: int) -> list[Scene]:
        """A project's scenes, in order."""
        return self.scenes.scenes(owner_id, project_id)

    def neighbours(self, owner_id: int, scene: Scene) -> list[Scene]:
        """All scenes of the scene's project, in order."""
        return self.scenes.scenes(owner_id, scene.project_id)

    def apply(self, owner_id: int, scene_id: int, action: SceneAction) -> Scene | None:
        """Apply a button's edit at once; the scene after it (None if it was deleted)."""
        scene = self.scene(owner_id, scene_id)
        keep = Keep(THIS, not scene.accepted)
        edit = keep if action is SceneAction.KEEP else BUTTON_EDITS[action]
        try:
            self.edits.apply(
                owner_id, scene.project_id, [edit], focus_scene_id=scene_id, source="button"
            )
        except InputRejected as rejected:
            # The first scene cannot go earlier, nor the last later: the button does nothing.
            if not rejected.key.startswith("edit.cannot_move"):
                raise
        return self.scenes.get_scene(owner_id, scene_id)

    def replace_idea(self, owner_id: int, scene_id: int, text: str) -> Scene:
        """A new idea (and caption) for a scene."""
        idea = checked_text(text, self.limits.max_idea_chars, "error.idea_too_long")
        scene = self.scene(owner_id, scene_id)
        self.edits.apply(
            owner_id,
            scene.project_id,
            [SetIdea(THIS, idea)],
            focus_scene_id=scene_id,
            source="reply",
        )
        self.messages.question_answered(owner_id, scene_id)
        self.conversation.log_message(scene.project_id, "user", idea)
        return self.scene(owner_id, scene_id)
