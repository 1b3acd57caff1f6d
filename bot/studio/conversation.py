"""The router: what a typed or spoken text is, and doing it.

A text replying to a scene is about that scene: an instruction ("make it at night") or, as
before, its new idea. Any other text is read by the offline reader first (free, instant);
what it takes for a scene idea but still talks like an editor (`words.gate`) goes to the AI
reader when one is configured, which may find an instruction, a question or a need to ask
back. What nobody reads as an instruction or a question is the next scene idea, as before.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from bot.errors import NoActiveProject, UnreadableAnswer
from bot.studio.answers import Answer, Answers, minutes
from bot.studio.budget import Budget
from bot.studio.crew import Actor, require_decider
from bot.studio.editing import EditOutcome, Edits
from bot.studio.material import IdeaAdded, Material
from bot.studio.models import Asset, Project
from bot.studio.ports import Usage
from bot.studio.project_state import ProjectState
from bot.studio.projects import Projects
from bot.studio.reading import (
    Clarification,
    Instruction,
    InstructionReader,
    Meaning,
    Question,
    ReadRequest,
    SceneFacts,
    SceneIdea,
)
from bot.studio.words.gate import might_be_directing

logger = logging.getLogger(__name__)

RECENT_MESSAGES = 12
# What an AI reading is expected to cost, held against the budget while it runs.
READING_RESERVE_USD = 0.01


class ReadingFacts(Protocol):
    """What the router reads and records besides the project's state."""

    def get_asset(self, sha: str) -> Asset | None: ...
    def conversation(self, owner_id: int, project_id: int, limit: int = 200) -> list[str]: ...
    def record_usage(self, owner_id: int, project_id: int, usage: Usage) -> None: ...


@dataclass(frozen=True)
class Heard:
    """What a text meant and what came of it (one of outcome, idea, answer, or a question)."""

    meaning: Meaning
    project: Project | None = None
    outcome: EditOutcome | None = None
    idea: IdeaAdded | None = None
    answer: Answer | None = None


class Conversation:
    """Reads each text and carries it out: edits, answers, questions back, or a new idea."""

    def __init__(
        self,
        projects: Projects,
        material: Material,
        edits: Edits,
        answers: Answers,
        facts: ReadingFacts,
        offline: InstructionReader,
        reader: InstructionReader | None,
        budget: Budget,
        style_names: Mapping[str, Mapping[str, str]],
    ) -> None:
        self.projects = projects
        self.material = material
        self.edits = edits
        self.answers = answers
        self.states = edits.states
        self.store = facts
        self.offline = offline
        self.reader = reader
        self.budget = budget
        self.style_names = style_names  # language -> style key -> name

    async def take(
        self,
        owner_id: int,
        text: str,
        language: str,
        default_title: str,
        about_scene_id: int | None = None,
        actor: Actor | None = None,
    ) -> Heard:
        """Read `text` (about one scene when it replies to one) and do what it says.

        An instruction that changes the project is carried out only for the director or an
        admin of the chat (`actor`; None: the chat's own user): NotYourCall, nothing changed.
        """
        project = self.projects.current(owner_id)
        state = self.states.load_state(owner_id, project.id) if project else None
        meaning = await self.read(owner_id, text, language, project, state)
        if isinstance(meaning, SceneIdea) and about_scene_id is not None:
            # A reply that is no instruction is the scene's new idea (the caller changes it).
            return Heard(meaning, project)
        if isinstance(meaning, SceneIdea):
            added = self.material.add_idea(owner_id, text, default_title)
            return Heard(meaning, added.project, idea=added)
        if project is None or state is None:
            if isinstance(meaning, Instruction) and not meaning.edits:
                return Heard(meaning)  # a command: its own handler says what is missing
            raise NoActiveProject()
        if isinstance(meaning, Question):
            if meaning.answer:
                return Heard(meaning, project)
            answer = self.answers.answer(owner_id, project, state, meaning, about_scene_id)
            return Heard(meaning, project, answer=answer)
        if isinstance(meaning, Clarification) or not meaning.edits:
            return Heard(meaning, project)
        if actor is not None:
            require_decider(actor, project)
        outcome = self.edits.apply(
            owner_id, project.id, meaning.edits, focus_scene_id=about_scene_id, source="chat"
        )
        return Heard(meaning, project, outcome=outcome)

    async def read(
        self,
        owner_id: int,
        text: str,
        language: str,
        project: Project | None,
        state: ProjectState | None,
    ) -> Meaning:
        """What the text means: the offline reading, else the AI's when there is something to
        edit and budget left."""
        styles = self._styles(language)
        meaning = (await self.offline.read(ReadRequest(text, language, styles=styles))).meaning
        if (
            not isinstance(meaning, SceneIdea)
            or self.reader is None
            or project is None
            or state is None
            or not state.scenes
            or not might_be_directing(text)
        ):
            return meaning
        # Only a text the model will read needs the project's facts (song, recent messages).
        request = self._request(owner_id, text, language, project, state)
        if not self.budget.reserve(owner_id, READING_RESERVE_USD, project.id):
            logger.info("Budget spent: reading offline only")
            return meaning
        try:
            reading = await self.reader.read(request)
        except UnreadableAnswer as refused:
            if refused.usage is not None and refused.usage.cost_usd > 0:
                self.store.record_usage(owner_id, project.id, refused.usage)
            raise
        finally:
            self.budget.release(owner_id, READING_RESERVE_USD, project.id)
        if reading.usage.cost_usd > 0:
            self.store.record_usage(owner_id, project.id, reading.usage)
        return reading.meaning

    def _styles(self, language: str) -> tuple[tuple[str, str], ...]:
        names = self.style_names.get(language) or next(iter(self.style_names.values()), {})
        return tuple(names.items())

    def _request(
        self, owner_id: int, text: str, language: str, project: Project, state: ProjectState
    ) -> ReadRequest:
        styles = self._styles(language)
        song = self.store.get_asset(project.song_sha) if project.song_sha else None
        song_line = None
        if song is not None:
            tempo = f", {song.tempo_bpm:.0f} BPM" if song.tempo_bpm else ""
            song_line = f"{song.original_name or 'song'}, {minutes(song.duration or 0)}{tempo}"
        return ReadRequest(
            text=text,
            language=language,
            title=state.options.title,
            aspect=state.options.aspect,
            style=state.options.style,
            styles=styles,
            scenes=tuple(
                SceneFacts(
                    number=number,
                    idea=scene.idea,
                    caption=scene.caption,
                    motion=scene.motion.value,
                    transition=scene.transition.value,
                    seconds=scene.duration,
                    photos=len(scene.references),
                    kept=scene.accepted,
                    clip_seconds=scene.footage_seconds if scene.footage_sha else None,
                    clip_start=scene.footage_start,
                )
                for number, scene in enumerate(state.scenes, start=1)
            ),
            song=song_line,
            clips_enabled=state.options.clips_enabled,
            captions=state.options.captions.value,
            restyle_enabled=state.options.restyle_enabled,
            conversation=tuple(
                self.store.conversation(owner_id, project.id, limit=RECENT_MESSAGES)
            ),
        )
