"""Applying edits to a project's state: pure, so every rule is tested without a database.

Edits apply one after another, each naming scenes as they stand after the edits before it
("swap the last two and make them night scenes"). An edit that cannot apply (a scene that
does not exist, an impossible move) rejects the whole list: nothing is half done.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.errors import InputRejected
from bot.studio.attribution import clean_name
from bot.studio.edits import (
    END,
    AddFootageScene,
    AddScenes,
    AmendIdea,
    AttachFootage,
    CorrectCredit,
    CycleMotion,
    Delete,
    Duplicate,
    Edit,
    Every,
    FromEnd,
    FromStart,
    Keep,
    Move,
    Numbered,
    PinSection,
    Place,
    Relative,
    Replan,
    Same,
    ScaleLength,
    SceneEdit,
    SceneRef,
    SetAspect,
    SetCaption,
    SetCaptions,
    SetFit,
    SetFootageStart,
    SetIdea,
    SetLength,
    SetMotion,
    SetMusicCredit,
    SetStyle,
    SetSwitch,
    SetTitle,
    SetTransition,
    Shift,
    Slot,
    Swap,
)
from bot.studio.models import CreditRole, ProjectSwitch
from bot.studio.project_state import ProjectOptions, ProjectState, SceneState
from bot.studio.sections import SectionPin
from bot.studio.text import checked_text
from bot.studio.timeline import CaptionsMode, FootageSound, Motion
from bot.studio.timing import (
    ASPECTS,
    MOTION_CYCLE,
    clock,
    default_motion,
    default_transition,
)

MIN_SECONDS, MAX_SECONDS = 1.0, 30.0


@dataclass(frozen=True)
class Rules:
    """The limits edits must keep."""

    max_scenes: int
    max_idea_chars: int
    max_title_chars: int
    default_seconds: float
    style_keys: tuple[str, ...]


@dataclass(frozen=True)
class Change:
    """One thing that changed, for the reply: a catalog key under `edit.` and its values."""

    key: str
    numbers: tuple[int, ...] = ()
    value: str = ""


@dataclass(frozen=True)
class Applied:
    """The state after the edits and what changed, in the order it happened."""

    state: ProjectState
    changes: tuple[Change, ...]


def next_motion(motion: Motion) -> Motion:
    """The next camera move in the cycle (a button steps through them)."""
    moves = [*MOTION_CYCLE, Motion.STILL]
    return moves[(moves.index(motion) + 1) % len(moves)]


CAPTIONS_CYCLE = (CaptionsMode.IDEAS, CaptionsMode.LYRICS, CaptionsMode.BOTH, CaptionsMode.NONE)


def next_captions(mode: CaptionsMode) -> CaptionsMode:
    """The next captions mode in the cycle (the /status button steps through them)."""
    return CAPTIONS_CYCLE[(CAPTIONS_CYCLE.index(mode) + 1) % len(CAPTIONS_CYCLE)]


def scaled_length(current: float | None, factor: float, default_seconds: float) -> float:
    """A scene's wished length times `factor`, kept to what a scene can hold."""
    return clamp_seconds((current or default_seconds) * factor)


def clamp_seconds(seconds: float) -> float:
    """A wished length kept between a second and half a minute."""
    return round(min(MAX_SECONDS, max(MIN_SECONDS, seconds)), 2)


def resolve(state: ProjectState, ref: SceneRef, focus_id: int | None = None) -> list[int]:
    """Indices (0-based) of the scenes `ref` names (InputRejected when there are none such)."""
    return _Draft(state, _NO_RULES, focus_id).resolve(ref)


def apply_edits(
    state: ProjectState, edits: Sequence[Edit], rules: Rules, focus_id: int | None = None
) -> Applied:
    """Apply `edits` in order; raise InputRejected (nothing applied) when one cannot apply."""
    draft = _Draft(state, rules, focus_id)
    for edit in edits:
        draft.apply(edit)
    return Applied(draft.state(), tuple(draft.changes))


_NO_RULES = Rules(
    max_scenes=0, max_idea_chars=0, max_title_chars=0, default_seconds=0, style_keys=()
)


class _Draft:
    """The project while edits are applied to it."""

    def __init__(self, state: ProjectState, rules: Rules, focus_id: int | None) -> None:
        self.project_id = state.project_id
        self.options = state.options
        self.scenes = list(state.scenes)
        self.credits = list(state.credits)
        self.rules = rules
        self.focus = next(
            (i for i, scene in enumerate(self.scenes) if scene.id == focus_id and focus_id), None
        )
        self.changes: list[Change] = []
        self.named: list[int] = []  # the scenes the last edit named, where they are now

    def state(self) -> ProjectState:
        return ProjectState(self.project_id, self.options, tuple(self.scenes), tuple(self.credits))

    # naming scenes
    def resolve(self, ref: SceneRef) -> list[int]:
        """Indices (0-based) of the scenes `ref` names, in storyboard order."""
        count = len(self.scenes)
        if count == 0:
            raise InputRejected("edit.no_scenes")
        if isinstance(ref, Numbered):
            for number in ref.numbers:
                if not 1 <= number <= count:
                    raise InputRejected("edit.no_such_scene", number=number, count=count)
            return sorted({number - 1 for number in ref.numbers})
        if isinstance(ref, FromStart | FromEnd):
            if not 1 <= ref.count <= count:
                raise InputRejected("edit.not_that_many", wanted=ref.count, count=count)
            first = 0 if isinstance(ref, FromStart) else count - ref.count
            return list(range(first, first + ref.count))
        if isinstance(ref, Same):
            if self.named:
                return list(self.named)
            ref = Relative(0)
        if isinstance(ref, Relative):
            index = (self.focus if self.focus is not None else count - 1) + ref.offset
            if not 0 <= index < count:
                raise InputRejected("edit.no_neighbour", count=count)
            return [index]
        assert isinstance(ref, Every)
        return list(range(count))

    def numbers(self, indices: Sequence[int]) -> tuple[int, ...]:
        return tuple(index + 1 for index in indices)

    def note(self, key: str, indices: Sequence[int] = (), value: str = "") -> None:
        self.changes.append(Change(key, self.numbers(indices), value))
        if indices:
            self.focus = indices[0]
            self.named = list(indices)

    def update(self, indices: Sequence[int], change: Callable[[SceneState], SceneState]) -> None:
        for index in indices:
            self.scenes[index] = change(self.scenes[index])

    def check_room(self, extra: int) -> None:
        if len(self.scenes) + extra > self.rules.max_scenes:
            raise InputRejected("error.too_many_scenes", limit=self.rules.max_scenes)

    def idea(self, text: str) -> str:
        return checked_text(text, self.rules.max_idea_chars, "error.idea_too_long")

    # the edits
    def apply(self, edit: Edit) -> None:
        """Apply one edit to the draft."""
        if isinstance(edit, SetStyle | SetAspect | SetTitle | SetSwitch):
            self.apply_to_project(edit)
        elif isinstance(edit, SetCaptions):
            mode = edit.mode or next_captions(self.options.captions)
            self.options = dataclasses.replace(self.options, captions=mode)
            self.note("captions", value=mode.value)
        elif isinstance(edit, CorrectCredit | SetMusicCredit):
            self.credit(edit)
        elif isinstance(edit, AddScenes):
            self.add(edit)
        elif isinstance(edit, AddFootageScene):
            self.add_footage_scene(edit)
        elif isinstance(edit, Replan):
            self.replan(edit)
        elif isinstance(edit, Move | Shift | Swap | Delete | Duplicate):
            self.rearrange(edit)
        else:
            self.change_scenes(edit)

    def apply_to_project(self, edit: SetStyle | SetAspect | SetTitle | SetSwitch) -> None:
        options = self.options
        if isinstance(edit, SetStyle):
            if edit.style not in self.rules.style_keys:
                raise InputRejected("edit.unknown_style")
            self.options = dataclasses.replace(options, style=edit.style)
            self.note("style", value=edit.style)
        elif isinstance(edit, SetAspect):
            if edit.aspect not in ASPECTS:
                raise InputRejected("edit.unknown_aspect")
            self.options = dataclasses.replace(options, aspect=edit.aspect)
            self.note("aspect", value=edit.aspect)
        elif isinstance(edit, SetTitle):
            title = checked_text(edit.title, self.rules.max_title_chars, "error.title_too_long")
            self.options = dataclasses.replace(options, title=title)
            self.note("title", value=title)
        else:
            self.options = _switched(options, edit)
            on = _switched_on(self.options, edit.switch)
            self.note("switch_on" if on else "switch_off", value=edit.switch.value)

    def credit(self, edit: CorrectCredit | SetMusicCredit) -> None:
        """A credit line's name, as the director says it (the credits card goes on, unless
        they chose otherwise: naming someone is asking for them to be credited)."""
        name = clean_name(edit.name)
        if not any(ch.isalnum() for ch in name):
            raise InputRejected("credits.empty_name")
        if isinstance(edit, SetMusicCredit):
            music = [c for c in self.credits if c.role is CreditRole.MUSIC]
            if not music:
                raise InputRejected("credits.no_song")
            line = {music[-1].id}
        else:
            target = next((c for c in self.credits if c.id == edit.credit_id), None)
            if target is None:
                raise InputRejected("credits.gone")
            line = {
                c.id
                for c in self.credits
                if c.role is target.role and c.shown_name == target.shown_name
            }
        self.credits = [
            dataclasses.replace(c, corrected=name) if c.id in line else c for c in self.credits
        ]
        if self.options.credits_card is None:
            self.options = dataclasses.replace(self.options, credits_card=True)
        key = "music_credit" if isinstance(edit, SetMusicCredit) else "credit"
        self.note(key, value=name)

    def add(self, edit: AddScenes) -> None:
        ideas = [self.idea(idea) for idea in edit.ideas]
        if not ideas:
            raise InputRejected("error.empty_idea")
        self.check_room(len(ideas))
        at = self.insertion_index(edit.place, moving=())
        new = [
            SceneState(
                id=None,
                idea=idea,
                caption=idea,
                motion=default_motion(at + offset + 1),
                transition=default_transition(at + offset + 1),
            )
            for offset, idea in enumerate(ideas)
        ]
        self.scenes[at:at] = new
        self.note("added", range(at, at + len(new)))

    def add_footage_scene(self, edit: AddFootageScene) -> None:
        idea = self.idea(edit.idea) if edit.idea.strip() else ""
        self.check_room(1)
        at = self.insertion_index(edit.place, moving=())
        self.scenes.insert(
            at,
            SceneState(
                id=None,
                idea=idea,
                caption=idea,
                motion=default_motion(at + 1),
                transition=default_transition(at + 1),
                footage_sha=edit.sha,
            ),
        )
        self.note("footage", [at])

    def replan(self, edit: Replan) -> None:
        """The plan's order and camera work; a scene it leaves out keeps its place at the end."""
        used: set[int] = set()
        planned: list[SceneState] = []
        added: list[int] = []
        for shot in edit.shots:
            index = None if shot.idea_number is None else shot.idea_number - 1
            if index is not None and (index in used or not 0 <= index < len(self.scenes)):
                continue  # a scene planned twice, or one that is not there: the first wins
            if index is None:
                base = SceneState(
                    id=None,
                    idea=self.idea(shot.idea),
                    caption="",
                    motion=shot.motion,
                    transition=shot.transition,
                )
                added.append(len(planned))
            else:
                used.add(index)
                base = self.scenes[index]
            planned.append(
                dataclasses.replace(
                    base,
                    caption=shot.caption or base.caption or base.idea,
                    motion=shot.motion,
                    transition=shot.transition,
                    duration=shot.seconds,
                    image_prompt=shot.image_prompt,
                )
            )
        planned += [scene for i, scene in enumerate(self.scenes) if i not in used]
        self.check_room(len(planned) - len(self.scenes))
        self.scenes = planned
        self.changes.append(Change("planned", self.numbers(added), str(len(planned))))

    def insertion_index(self, place: Place | None, moving: Sequence[int]) -> int:
        """Where scenes go in the list that is left once `moving` is taken out."""
        remaining = len(self.scenes) - len(moving)
        if place is None:
            return remaining
        if isinstance(place, Slot):
            return max(0, min(remaining, (place.position if place.position < END else END) - 1))
        anchors = self.resolve(place.anchor)
        if set(anchors) & set(moving):
            raise InputRejected("edit.move_onto_itself")
        anchor = anchors[-1] if place.after else anchors[0]
        index = anchor - sum(1 for i in moving if i < anchor)
        return index + 1 if place.after else index

    def rearrange(self, edit: Move | Shift | Swap | Delete | Duplicate) -> None:
        if isinstance(edit, Swap):
            self.swap(edit)
            return
        if isinstance(edit, Delete):
            indices = self.resolve(edit.scenes)
            numbers = self.numbers(indices)
            self.scenes = [s for i, s in enumerate(self.scenes) if i not in set(indices)]
            self.changes.append(Change("deleted", numbers))
            self.focus = min(indices[0], len(self.scenes) - 1) if self.scenes else None
            self.named = []
            return
        if isinstance(edit, Duplicate):
            indices = self.resolve(edit.scenes)
            self.check_room(len(indices))
            for shift, index in enumerate(indices):
                at = index + shift
                self.scenes.insert(at + 1, dataclasses.replace(self.scenes[at], id=None))
            self.changes.append(Change("duplicated", self.numbers(indices)))
            self.named = [index + shift for shift, index in enumerate(indices)]
            return
        indices = self.resolve(edit.scenes)
        if isinstance(edit, Shift):
            at = max(0, min(len(self.scenes) - len(indices), indices[0] + edit.steps))
            if at == indices[0] and indices == list(range(at, at + len(indices))):
                key = "edit.cannot_move_earlier" if edit.steps < 0 else "edit.cannot_move_later"
                raise InputRejected(key, number=indices[0] + 1)
        else:
            at = self.insertion_index(edit.place, moving=indices)
        moving = [self.scenes[i] for i in indices]
        rest = [s for i, s in enumerate(self.scenes) if i not in set(indices)]
        self.scenes = rest[:at] + moving + rest[at:]
        self.changes.append(Change("moved", self.numbers(indices), str(at + 1)))
        self.focus = at
        self.named = list(range(at, at + len(indices)))

    def swap(self, edit: Swap) -> None:
        first = self.resolve(edit.first)
        pair = first if edit.second is None else first + self.resolve(edit.second)
        if len(pair) != 2 or pair[0] == pair[1]:
            raise InputRejected("edit.swap_needs_two")
        a, b = sorted(pair)
        self.scenes[a], self.scenes[b] = self.scenes[b], self.scenes[a]
        self.note("swapped", [a, b])

    def change_scenes(self, edit: SceneEdit) -> None:
        if isinstance(edit, Move | Shift | Swap | Delete | Duplicate):
            raise TypeError(edit)  # rearrange() applies these
        indices = self.resolve(edit.scenes)
        replace = dataclasses.replace
        if isinstance(edit, SetIdea | AmendIdea):
            for index in indices:
                idea = self.idea(
                    edit.idea
                    if isinstance(edit, SetIdea)
                    else _amended(self.scenes[index].idea, edit.addition)
                )
                self.scenes[index] = replace(
                    self.scenes[index], idea=idea, caption=idea, image_prompt="", accepted=False
                )
            if isinstance(edit, SetIdea):
                self.note("idea", indices, self.scenes[indices[0]].idea)
            else:
                self.note("amended", indices, self.idea(edit.addition))
        elif isinstance(edit, SetCaption):
            caption = self.idea(edit.caption)
            self.update(indices, lambda s: replace(s, caption=caption))
            self.note("caption", indices, caption)
        elif isinstance(edit, SetMotion | CycleMotion):
            for index in indices:
                motion = (
                    edit.motion
                    if isinstance(edit, SetMotion)
                    else next_motion(self.scenes[index].motion)
                )
                self.scenes[index] = replace(self.scenes[index], motion=motion)
            self.note("motion", indices, self.scenes[indices[0]].motion.value)
        elif isinstance(edit, SetFit):
            self.update(indices, lambda s: replace(s, fit=edit.fit.value))
            self.note("fit", indices, edit.fit.value)
        elif isinstance(edit, SetTransition):
            self.update(indices, lambda s: replace(s, transition=edit.transition))
            self.note("transition", indices, edit.transition.value)
        elif isinstance(edit, SetLength):
            seconds = None if edit.seconds is None else clamp_seconds(edit.seconds)
            self.update(indices, lambda s: replace(s, duration=seconds))
            self.note("length", indices, "" if seconds is None else f"{seconds:g}")
        elif isinstance(edit, ScaleLength):
            default = self.rules.default_seconds
            self.update(
                indices,
                lambda s: replace(s, duration=scaled_length(s.duration, edit.factor, default)),
            )
            self.note("longer" if edit.factor > 1 else "shorter", indices)
        elif isinstance(edit, PinSection):
            pin = None if edit.section is None else SectionPin(edit.section, edit.occurrence)
            text = None if pin is None else pin.to_text()
            self.update(indices, lambda s: replace(s, section_pin=text))
            self.note("unpinned" if pin is None else "pinned", indices, text or "")
        elif isinstance(edit, Keep):
            self.update(indices, lambda s: replace(s, accepted=edit.keep))
            self.note("kept" if edit.keep else "unkept", indices)
        elif isinstance(edit, AttachFootage):
            self.update(
                indices,
                lambda s: replace(s, footage_sha=edit.sha, footage_start=None, accepted=False),
            )
            self.note("footage", indices)
        elif isinstance(edit, SetFootageStart):
            self.set_footage_start(indices, edit.seconds)
        else:
            self.update(indices, lambda s: replace(s, variant=s.variant + 1, accepted=False))
            self.note("remade", indices)

    def set_footage_start(self, indices: Sequence[int], seconds: float | None) -> None:
        for index in indices:
            scene = self.scenes[index]
            if scene.footage_sha is None:
                raise InputRejected("edit.no_footage", number=index + 1)
            length = scene.footage_seconds
            if seconds is not None and length is not None and seconds >= length:
                raise InputRejected(
                    "edit.footage_too_short", number=index + 1, length=clock(length)
                )
            start = None if seconds is None else round(max(0.0, seconds), 2)
            self.scenes[index] = dataclasses.replace(scene, footage_start=start)
        if seconds is None:
            self.note("footage_lively", indices)
        else:
            self.note("footage_start", indices, clock(max(0.0, seconds)))


def _switched(options: ProjectOptions, edit: SetSwitch) -> ProjectOptions:
    """The options with one switch set (or flipped when `edit.on` is None)."""
    on = not _switched_on(options, edit.switch) if edit.on is None else edit.on
    if edit.switch is ProjectSwitch.CLIPS:
        return dataclasses.replace(options, clips_enabled=on)
    if edit.switch is ProjectSwitch.RESTYLE:
        return dataclasses.replace(options, restyle_enabled=on)
    if edit.switch is ProjectSwitch.CLIP_SOUND:
        sound = FootageSound.DUCK if on else FootageSound.DROP
        return dataclasses.replace(options, footage_sound=sound)
    if edit.switch is ProjectSwitch.CREDITS:
        return dataclasses.replace(options, credits_card=on)
    return dataclasses.replace(options, previews_enabled=on)


def _switched_on(options: ProjectOptions, switch: ProjectSwitch) -> bool:
    if switch is ProjectSwitch.CLIPS:
        return options.clips_enabled
    if switch is ProjectSwitch.RESTYLE:
        return options.restyle_enabled
    if switch is ProjectSwitch.CLIP_SOUND:
        return options.footage_sound is FootageSound.DUCK
    if switch is ProjectSwitch.CREDITS:
        return options.credits_card is True
    return options.previews_enabled


def _amended(idea: str, addition: str) -> str:
    """An idea with more said about it ("a boat" + "at night" = "a boat, at night")."""
    return f"{idea.rstrip(' ,.')}, {addition}" if idea.strip() else addition
