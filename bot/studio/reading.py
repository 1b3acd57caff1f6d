"""What a message means: the readers' port and the readings they return.

One router (`bot.studio.conversation`) asks a reader what a text is: edits (and perhaps a
command), a question, a clarifying question back to the director, or a new scene idea. The
offline reader (`bot.studio.words`) knows English and Vietnamese phrasings by rule; the OpenAI
reader asks the chat model with the edits as tools. The director's words are data for both.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from bot.studio.edits import Command, Edit, SceneRef
from bot.studio.ports import FREE, Usage


class Topic(StrEnum):
    """The questions the studio answers from the project by itself."""

    LENGTH = "length"  # how long is the video?
    SCENE_COUNT = "scene_count"  # how many scenes?
    SCENE = "scene"  # what is scene 3?
    COST = "cost"  # what does it cost?
    SONG = "song"  # which song, how long, what tempo?
    STYLE = "style"  # which style / aspect?
    HELP = "help"  # what can I say?


@dataclass(frozen=True)
class Instruction:
    """Edits to apply in one go, then perhaps a command (render, storyboard, undo)."""

    edits: tuple[Edit, ...] = ()
    command: Command | None = None


@dataclass(frozen=True)
class Question:
    """A question about the project; `answer` is the AI's own, else the studio answers."""

    topic: Topic
    scene: SceneRef | None = None
    answer: str | None = None


@dataclass(frozen=True)
class Clarification:
    """One question back, when a sentence is truly ambiguous; each option is a reading."""

    question: str
    options: tuple[str, ...]


@dataclass(frozen=True)
class SceneIdea:
    """Not an instruction nor a question: the text is the next scene's idea."""


Meaning = Instruction | Question | Clarification | SceneIdea


@dataclass(frozen=True)
class Reading:
    """What a reader made of a message, and what reading it cost."""

    meaning: Meaning
    usage: Usage = FREE


@dataclass(frozen=True)
class SceneFacts:
    """One scene as the reader is told about it."""

    number: int
    idea: str
    caption: str
    motion: str
    transition: str
    seconds: float | None
    photos: int = 0
    kept: bool = False
    clip_seconds: float | None = None  # how long the director's own clip is, if it shows one
    clip_start: float | None = None  # where the director set its stretch to begin


@dataclass(frozen=True)
class ReadRequest:
    """A message and the project it is about."""

    text: str
    language: str
    title: str = ""
    aspect: str = "9:16"
    style: str = ""
    styles: tuple[tuple[str, str], ...] = ()  # (key, name in the user's language)
    scenes: tuple[SceneFacts, ...] = ()
    song: str | None = None  # "name, 3:12, 120 BPM"
    style_references: int = 0
    clips_enabled: bool = False
    captions: str = "ideas"  # what the captions show: ideas, lyrics, both or none
    restyle_enabled: bool = False
    conversation: tuple[str, ...] = ()  # the director's recent messages, oldest first


class InstructionReader(Protocol):
    """Reads a director's message into a meaning."""

    name: str

    async def read(self, request: ReadRequest) -> Reading:
        """What the message means; raise ProviderError when the reader could not answer."""
        ...
