"""The edit journal: what each group of edits changed, so `/undo` can put it back (pure)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from bot.studio.applying import Change
from bot.studio.project_state import (
    ProjectOptions,
    ProjectState,
    SceneState,
    options_from_json,
    options_to_json,
    scene_from_json,
    scene_to_json,
)


@dataclass(frozen=True)
class JournalEntry:
    """One group of edits: the touched scenes as they were (None: the group made them)."""

    id: int
    project_id: int
    source: str
    changes: tuple[Change, ...]
    before_options: ProjectOptions
    before_order: tuple[int, ...]
    before_scenes: dict[int, SceneState | None]
    deleted: tuple[int, ...] = ()
    before_credits: dict[int, str | None] = field(default_factory=dict)  # corrections, by id


@dataclass(frozen=True)
class EntryBody:
    """What the store writes for a new entry (it gives the id)."""

    before_options: ProjectOptions
    before_order: tuple[int, ...]
    before_scenes: dict[int, SceneState | None]
    deleted: tuple[int, ...]
    before_credits: dict[int, str | None] = field(default_factory=dict)


def entry_body(before: ProjectState, after: ProjectState) -> EntryBody:
    """What a group changed between two stored states (every scene of `after` has an id)."""
    old = {scene.id: scene for scene in before.scenes if scene.id is not None}
    new = {scene.id: scene for scene in after.scenes if scene.id is not None}
    touched: dict[int, SceneState | None] = {
        scene_id: scene for scene_id, scene in old.items() if new.get(scene_id) != scene
    }
    touched.update({scene_id: None for scene_id in new if scene_id not in old})
    corrected = {credit.id: credit.corrected for credit in after.credits}
    return EntryBody(
        before_options=before.options,
        before_order=tuple(old),
        before_scenes=touched,
        deleted=tuple(scene_id for scene_id in old if scene_id not in new),
        before_credits={
            credit.id: credit.corrected
            for credit in before.credits
            if credit.id in corrected and corrected[credit.id] != credit.corrected
        },
    )


def reverted(current: ProjectState, entry: JournalEntry) -> ProjectState:
    """`current` with the entry's group undone; later additions by other means stay.

    Scenes the group made go; scenes it changed or deleted come back as they were (with the
    photos they hold now); the order goes back to the order before the group.
    """
    now = {scene.id: scene for scene in current.scenes if scene.id is not None}
    made = {scene_id for scene_id, was in entry.before_scenes.items() if was is None}
    scenes: list[SceneState] = []
    for scene_id in entry.before_order:
        was = entry.before_scenes.get(scene_id)
        if was is None:
            if scene_id in now and scene_id not in made:
                scenes.append(now[scene_id])
            continue
        if scene_id in entry.deleted and scene_id in now:
            # The deleted scene's id went to a newer scene: bring it back under a new id.
            scenes.append(replace(was, id=None))
        elif scene_id in now:
            scenes.append(replace(was, references=now[scene_id].references))
        else:
            scenes.append(was)
    known = set(entry.before_order) | made
    scenes.extend(scene for scene in current.scenes if scene.id not in known)
    credits = tuple(
        replace(credit, corrected=entry.before_credits[credit.id])
        if credit.id in entry.before_credits
        else credit
        for credit in current.credits
    )
    options = entry.before_options
    if not _touched_credits(entry.changes):
        # The card switch also turns on by itself as crew work arrives, outside the journal:
        # undoing another change leaves it as it is now.
        options = replace(options, credits_card=current.options.credits_card)
    return ProjectState(current.project_id, options, tuple(scenes), credits)


def _touched_credits(changes: tuple[Change, ...]) -> bool:
    return any(
        change.key in ("credit", "music_credit")
        or (change.key in ("switch_on", "switch_off") and change.value == "credits")
        for change in changes
    )


def body_to_json(body: EntryBody) -> dict[str, Any]:
    """An entry's undo data as JSON-ready values."""
    return {
        "options": options_to_json(body.before_options),
        "order": list(body.before_order),
        "scenes": {
            str(scene_id): (None if scene is None else scene_to_json(scene))
            for scene_id, scene in body.before_scenes.items()
        },
        "deleted": list(body.deleted),
        "credits": {str(credit_id): name for credit_id, name in body.before_credits.items()},
    }


def body_from_json(values: dict[str, Any]) -> EntryBody:
    """An entry's undo data back from `body_to_json`."""
    return EntryBody(
        before_options=options_from_json(values["options"]),
        before_order=tuple(int(i) for i in values["order"]),
        before_scenes={
            int(scene_id): (None if scene is None else scene_from_json(scene))
            for scene_id, scene in values["scenes"].items()
        },
        deleted=tuple(int(i) for i in values.get("deleted", ())),
        before_credits={
            int(credit_id): None if name is None else str(name)
            for credit_id, name in (values.get("credits") or {}).items()
        },
    )


def changes_to_json(changes: tuple[Change, ...]) -> list[dict[str, Any]]:
    """What changed, as JSON-ready values (the undo reply repeats it)."""
    return [{"key": c.key, "numbers": list(c.numbers), "value": c.value} for c in changes]


def changes_from_json(values: list[dict[str, Any]]) -> tuple[Change, ...]:
    """What changed, back from `changes_to_json`."""
    return tuple(
        Change(str(v["key"]), tuple(int(n) for n in v.get("numbers", ())), str(v.get("value", "")))
        for v in values
    )
