"""The one way to change a project: apply a list of edits in one transaction, journalled.

Buttons, replies, sentences in the chat and the timeline app all end here, so every change
is answered the same way and `/undo` can take any of them back, across restarts.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.errors import InputRejected, ProjectNotFound
from bot.studio.applying import Applied, Change, Rules, apply_edits
from bot.studio.edits import Edit
from bot.studio.journal import JournalEntry, reverted
from bot.studio.models import Job
from bot.studio.project_state import ProjectState, SceneState

logger = logging.getLogger(__name__)


class ProjectStates(Protocol):
    """Projects read and written whole, with the journal of edit groups."""

    def load_state(self, owner_id: int, project_id: int) -> ProjectState | None: ...
    def write_edits(
        self,
        owner_id: int,
        current: ProjectState,
        target: ProjectState,
        changes: tuple[Change, ...],
        source: str,
    ) -> tuple[ProjectState, int]: ...
    def write_undo(
        self, owner_id: int, current: ProjectState, target: ProjectState, entry_id: int
    ) -> ProjectState: ...
    def last_entry(self, owner_id: int, project_id: int) -> JournalEntry | None: ...
    def has_entry(self, owner_id: int, project_id: int, source: str) -> bool: ...


class RunningJobs(Protocol):
    """Whether a project has work under way."""

    def unfinished_job(self, owner_id: int, project_id: int) -> Job | None: ...


def _picture_inputs(scene: SceneState) -> tuple[object, ...]:
    return (
        scene.idea,
        scene.caption,
        scene.variant,
        scene.image_prompt,
        scene.references,
        scene.footage_sha,
        scene.footage_start,
    )


@dataclass(frozen=True)
class EditOutcome:
    """What a group of edits (or an undo) changed, for the reply and the chat's previews."""

    project_id: int
    entry_id: int
    changes: tuple[Change, ...]
    before: ProjectState
    after: ProjectState
    busy_with: str | None = None  # the kind of job running: it keeps the earlier version

    @property
    def deleted_ids(self) -> tuple[int, ...]:
        """Scenes that left the project."""
        kept = {scene.id for scene in self.after.scenes}
        return tuple(s.id for s in self.before.scenes if s.id is not None and s.id not in kept)

    @property
    def relabelled_ids(self) -> tuple[int, ...]:
        """Scenes still here whose number or caption changed (their previews are relabelled)."""
        before = {s.id: (n, s.caption, s.idea) for n, s in enumerate(self.before.scenes)}
        return tuple(
            s.id
            for n, s in enumerate(self.after.scenes)
            if s.id is not None and s.id in before and before[s.id] != (n, s.caption, s.idea)
        )

    @property
    def repicture(self) -> bool:
        """Whether a picture already shown no longer matches its scene (remade when shown)."""
        before = {s.id: _picture_inputs(s) for s in self.before.scenes}
        return any(
            scene.picture_sha and before.get(scene.id) != _picture_inputs(scene)
            for scene in self.after.scenes
            if not scene.accepted
        )


class Edits:
    """Applies edits to a project and takes them back."""

    def __init__(self, states: ProjectStates, jobs: RunningJobs, rules: Rules) -> None:
        self.states = states
        self.jobs = jobs
        self.rules = rules

    def _state(self, owner_id: int, project_id: int) -> ProjectState:
        state = self.states.load_state(owner_id, project_id)
        if state is None:
            raise ProjectNotFound()
        return state

    def preview(
        self,
        owner_id: int,
        project_id: int,
        edits: Sequence[Edit],
        focus_scene_id: int | None = None,
    ) -> Applied:
        """What the edits would do, without writing anything (raises InputRejected)."""
        state = self._state(owner_id, project_id)
        return apply_edits(state, edits, self.rules, focus_scene_id or self.focus(owner_id, state))

    def apply(
        self,
        owner_id: int,
        project_id: int,
        edits: Sequence[Edit],
        *,
        focus_scene_id: int | None = None,
        source: str = "chat",
    ) -> EditOutcome:
        """Apply every edit or none (InputRejected says why); journal the group for undo."""
        outcome = self.apply_if_changed(
            owner_id, project_id, edits, focus_scene_id=focus_scene_id, source=source
        )
        if outcome is None:
            raise InputRejected("edit.nothing_changed")
        return outcome

    def apply_if_changed(
        self,
        owner_id: int,
        project_id: int,
        edits: Sequence[Edit],
        *,
        focus_scene_id: int | None = None,
        source: str = "chat",
    ) -> EditOutcome | None:
        """Like `apply`, but edits that leave the project as it was are no error: None."""
        current = self._state(owner_id, project_id)
        focus = focus_scene_id or self.focus(owner_id, current)
        applied = apply_edits(current, edits, self.rules, focus)
        if applied.state == current:
            return None
        stored, entry_id = self.states.write_edits(
            owner_id, current, applied.state, applied.changes, source
        )
        logger.info(
            "Project %s: %s edit(s) from %s applied as group %s",
            project_id,
            len(edits),
            source,
            entry_id,
        )
        return EditOutcome(
            project_id,
            entry_id,
            applied.changes,
            current,
            stored,
            self.busy_with(owner_id, project_id),
        )

    def undo(self, owner_id: int, project_id: int, entry_id: int | None = None) -> EditOutcome:
        """Take back the newest group of edits (only that one, when `entry_id` names it)."""
        current = self._state(owner_id, project_id)
        entry = self.states.last_entry(owner_id, project_id)
        if entry is None:
            raise InputRejected("undo.nothing")
        if entry_id is not None and entry.id != entry_id:
            raise InputRejected("undo.not_last")
        stored = self.states.write_undo(owner_id, current, reverted(current, entry), entry.id)
        logger.info("Project %s: group %s undone", project_id, entry.id)
        return EditOutcome(
            project_id,
            entry.id,
            entry.changes,
            current,
            stored,
            self.busy_with(owner_id, project_id),
        )

    def done_by(self, owner_id: int, project_id: int, source: str) -> bool:
        """Whether a change from `source` (e.g. the planner) stands, not undone."""
        return self.states.has_entry(owner_id, project_id, source)

    def focus(self, owner_id: int, state: ProjectState) -> int | None:
        """The scene "this"/"the next one" are about: the one the last group touched first."""
        entry = self.states.last_entry(owner_id, state.project_id)
        if entry is None:
            return None
        present = {scene.id for scene in state.scenes}
        numbers = [n for change in entry.changes for n in change.numbers]
        if numbers and 1 <= numbers[0] <= len(state.scenes):
            return state.scenes[numbers[0] - 1].id
        touched = [scene_id for scene_id in entry.before_scenes if scene_id in present]
        return touched[0] if touched else None

    def busy_with(self, owner_id: int, project_id: int) -> str | None:
        """The kind of job under way in the project (it keeps the earlier version), if any."""
        job = self.jobs.unfinished_job(owner_id, project_id)
        return job.kind if job is not None else None
