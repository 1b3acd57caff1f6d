"""Use case: a button's or a reply's edit of one scene, applied at once."""

from __future__ import annotations

from enum import StrEnum

from bot.studio.changes import SceneChanges
from bot.studio.limits import Limits
from bot.studio.models import Scene
from bot.studio.ownership import owned_scene
from bot.studio.roles import ConversationStore, SceneStore
from bot.studio.scene_messages import SceneMessages
from bot.studio.text import checked_text
from bot.studio.timeline import Motion
from bot.studio.timing import MOTION_CYCLE

LENGTH_STEP = 1.25
MIN_WISH, MAX_WISH = 1.0, 30.0


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


def next_motion(motion: Motion) -> Motion:
    """The next camera move in the cycle (a button steps through them)."""
    moves = [*MOTION_CYCLE, Motion.STILL]
    return moves[(moves.index(motion) + 1) % len(moves)]


def wished_length(scene: Scene, longer: bool, default_seconds: float) -> float:
    """A scene's wished length one step longer or shorter."""
    current = scene.duration or default_seconds
    wish = current * LENGTH_STEP if longer else current / LENGTH_STEP
    return round(min(MAX_WISH, max(MIN_WISH, wish)), 2)


class SceneEditing:
    """Changes one scene of the user's: its order, length, camera, picture or idea."""

    def __init__(
        self,
        scenes: SceneStore,
        conversation: ConversationStore,
        messages: SceneMessages,
        limits: Limits,
    ) -> None:
        self.scenes = scenes
        self.conversation = conversation
        self.messages = messages
        self.limits = limits

    def scene(self, owner_id: int, scene_id: int) -> Scene:
        """A scene of the user's, or ProjectNotFound (it was deleted, or it is not theirs)."""
        return owned_scene(self.scenes, owner_id, scene_id)

    def neighbours(self, owner_id: int, scene: Scene) -> list[Scene]:
        """All scenes of the scene's project, in order."""
        return self.scenes.scenes(owner_id, scene.project_id)

    def apply(self, owner_id: int, scene_id: int, action: SceneAction) -> Scene | None:
        """Apply a button's edit at once; the scene after it (None if it was deleted)."""
        scene = self.scene(owner_id, scene_id)
        if action is SceneAction.DELETE:
            self.scenes.delete_scene(owner_id, scene_id)
            return None
        if action in (SceneAction.EARLIER, SceneAction.LATER):
            self.scenes.move_scene(owner_id, scene_id, -1 if action is SceneAction.EARLIER else 1)
        else:
            self.scenes.update_scene(owner_id, scene_id, self._changes(scene, action))
        return self.scene(owner_id, scene_id)

    def _changes(self, scene: Scene, action: SceneAction) -> SceneChanges:
        if action in (SceneAction.LONGER, SceneAction.SHORTER):
            longer = action is SceneAction.LONGER
            default = self.limits.seconds_without_song
            return SceneChanges(duration=wished_length(scene, longer, default))
        if action is SceneAction.MOTION:
            return SceneChanges(motion=next_motion(scene.motion))
        if action is SceneAction.REDO:
            return SceneChanges(variant=scene.variant + 1, accepted=False)
        if action is SceneAction.KEEP:
            return SceneChanges(accepted=not scene.accepted)
        return SceneChanges()

    def replace_idea(self, owner_id: int, scene_id: int, text: str) -> Scene:
        """A new idea (and caption) for a scene."""
        idea = checked_text(text, self.limits.max_idea_chars, "error.idea_too_long")
        self.scene(owner_id, scene_id)
        updated = self.scenes.update_scene(
            owner_id,
            scene_id,
            SceneChanges(idea=idea, caption=idea, image_prompt="", accepted=False),
        )
        assert updated is not None
        self.messages.question_answered(owner_id, scene_id)
        self.conversation.log_message(updated.project_id, "user", idea)
        return updated
