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
    SetFit,
    SetFootageStart,
    SetIdea,
    Shift,
)
from bot.studio.footage import NUDGE_SECONDS, FootageScenes, Stretch
from bot.studio.limits import Limits
from bot.studio.models import Scene
from bot.studio.ownership import owned_project, owned_scene
from bot.studio.roles import ConversationStore, ProjectStore, SceneStore
from bot.studio.scene_messages import SceneMessages
from bot.studio.stretch import clamp_start
from bot.studio.text import checked_text
from bot.studio.timeline import Fit

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
    FIT = "fit"  # whole picture <-> cropped to fill the frame
    CLIP_EARLIER = "clip_earlier"  # a footage scene's stretch a second earlier in its clip
    CLIP_LATER = "clip_later"


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
# The ◀ ▶ buttons of a footage scene: seconds its stretch moves (clamped to the clip, so the
# edit they make is a SetFootageStart to where the stretch lands).
FOOTAGE_NUDGES: dict[SceneAction, float] = {
    SceneAction.CLIP_EARLIER: -NUDGE_SECONDS,
    SceneAction.CLIP_LATER: NUDGE_SECONDS,
}


def _toggle(scene: Scene, action: SceneAction) -> Edit | None:
    """The edit of a button that flips a scene's state (None for the other buttons)."""
    if action is SceneAction.KEEP:
        return Keep(THIS, not scene.accepted)
    if action is SceneAction.FIT:
        return SetFit(THIS, Fit.COVER if scene.fit == Fit.CONTAIN else Fit.CONTAIN)
    return None


class SceneEditing:
    """Changes one scene of the user's: its order, length, camera, picture or idea."""

    def __init__(
        self,
        scenes: SceneStore,
        conversation: ConversationStore,
        messages: SceneMessages,
        limits: Limits,
        edits: Edits,
        projects: ProjectStore | None = None,
        footage: FootageScenes | None = None,
    ) -> None:
        self.projects = projects
        self.footage = footage
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

    def stretch(self, owner_id: int, scene: Scene) -> Stretch | None:
        """The part of its clip a footage scene shows (None for a scene without footage)."""
        if self.footage is None or self.projects is None or scene.footage_sha is None:
            return None
        project = owned_project(self.projects, owner_id, scene.project_id)
        return self.footage.stretch(project, self.neighbours(owner_id, scene), scene)

    def _nudged(self, owner_id: int, scene: Scene, seconds: float) -> Edit | None:
        """The edit a ◀ ▶ tap makes: the stretch moved, kept inside the clip (None: no room)."""
        stretch = self.stretch(owner_id, scene)
        if stretch is None:
            return None
        shown = stretch.end - stretch.start
        start = round(clamp_start(stretch.start + seconds, stretch.clip_seconds, shown), 2)
        return None if start == stretch.start else SetFootageStart(THIS, start)

    def apply(self, owner_id: int, scene_id: int, action: SceneAction) -> Scene | None:
        """Apply a button's edit at once; the scene after it (None if it was deleted)."""
        scene = self.scene(owner_id, scene_id)
        if action in FOOTAGE_NUDGES:
            nudge = self._nudged(owner_id, scene, FOOTAGE_NUDGES[action])
            if nudge is None:  # already at the clip's start (or end): the button does nothing
                return scene
            self.edits.apply(
                owner_id, scene.project_id, [nudge], focus_scene_id=scene_id, source="button"
            )
            return self.scenes.get_scene(owner_id, scene_id)
        edit = _toggle(scene, action) or BUTTON_EDITS[action]
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
