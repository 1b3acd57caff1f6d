"""The edit language as function tools: strict JSON schemas out, typed meanings back.

One tool per edit kind, plus `run_command`, `answer_question`, `ask_clarifying_question` and
`add_scene_idea`. Scenes are named by one object shape (see `SCENE_KINDS`), every field
required and nullable as strict mode wants. `read_calls` turns an answer's function calls into
one Meaning, or raises UnreadableAnswer: every call parses, or the whole answer is refused.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from openai.types.responses import FunctionToolParam

from bot.errors import UnreadableAnswer
from bot.studio.edits import (
    END,
    AddScenes,
    AmendIdea,
    Beside,
    Command,
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
    Remake,
    ScaleLength,
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
from bot.studio.models import ProjectSwitch
from bot.studio.reading import Clarification, Instruction, Meaning, Question, SceneIdea, Topic
from bot.studio.sections import SectionKind
from bot.studio.timeline import CaptionsMode, Fit, Motion, Transition

SCENE_KINDS = ("numbers", "first", "last", "relative", "all")
PLACE_KINDS = ("start", "end", "position", "after", "before")
ASPECTS = ("9:16", "16:9", "1:1")
SWITCHES = {
    "clips": ProjectSwitch.CLIPS,
    "previews": ProjectSwitch.PREVIEWS,
    "restyle": ProjectSwitch.RESTYLE,
    "clip_sound": ProjectSwitch.CLIP_SOUND,
    "credits": ProjectSwitch.CREDITS,
}
MIN_OPTIONS, MAX_OPTIONS = 2, 4
MAX_SECONDS = 600.0
MAX_FACTOR = 100.0

Call = Edit | Command | Question | Clarification | SceneIdea
Json = dict[str, object]
E = TypeVar("E", bound=StrEnum)


@dataclass(frozen=True)
class ToolContext:
    """What checking the model's arguments needs to know about the project and the limits."""

    styles: tuple[tuple[str, str], ...] = ()  # (key, name) on offer; empty: any non-empty key
    max_text_chars: int = 1000

    @property
    def style_keys(self) -> tuple[str, ...]:
        """The keys of the styles on offer."""
        return tuple(key for key, _ in self.styles)


class _BadArgument(Exception):
    """An argument that is missing, of the wrong type or out of range (names the field only)."""


# ---------------------------------------------------------------------------- schemas


def _nullable(schema: Json) -> Json:
    return {"anyOf": [schema, {"type": "null"}]}


def _object(properties: Mapping[str, Json], description: str = "") -> Json:
    schema: Json = {
        "type": "object",
        "properties": dict(properties),
        "required": list(properties),
        "additionalProperties": False,
    }
    if description:
        schema["description"] = description
    return schema


def _scene_ref(description: str) -> Json:
    return _object(
        {
            "kind": {
                "type": "string",
                "enum": list(SCENE_KINDS),
                "description": "numbers: scenes by number; first/last: the first or last "
                "`count` scenes; relative: next to the scene in focus; all: every scene",
            },
            "numbers": {
                "type": ["array", "null"],
                "items": {"type": "integer"},
                "description": "kind numbers: scene numbers (1 is the first) in order; a range "
                "lists every number in it. Else null",
            },
            "count": {
                "type": ["integer", "null"],
                "description": "kind first/last: how many scenes (null means 1). Else null",
            },
            "offset": {
                "type": ["integer", "null"],
                "description": "kind relative: 0 this scene, 1 the next, -1 the previous "
                "(null means 0). Else null",
            },
        },
        description,
    )


SCENES = _scene_ref("The scenes meant")
PLACE = _object(
    {
        "kind": {
            "type": "string",
            "enum": list(PLACE_KINDS),
            "description": "start/end of the video, a numbered position, or after/before "
            "the anchor scene",
        },
        "position": {
            "type": ["integer", "null"],
            "description": "kind position: the new position (1 is first). Else null",
        },
        "anchor": _nullable(_scene_ref("kind after/before: the scene to stand beside")),
    },
    "Where in the order",
)


def _text(description: str) -> Json:
    return {"type": "string", "description": description}


def _enum(values: Sequence[str], description: str) -> Json:
    return {"type": "string", "enum": list(values), "description": description}


# ---------------------------------------------------------------------------- argument checks


class _Args:
    """The model's arguments of one call, read field by field with our limits."""

    def __init__(self, values: Mapping[str, object], context: ToolContext) -> None:
        self._values = values
        self._context = context

    def _get(self, name: str) -> object:
        if name not in self._values:
            raise _BadArgument(name)
        return self._values[name]

    def text(self, name: str, *, allow_empty: bool = False) -> str:
        value = self._get(name)
        if not isinstance(value, str):
            raise _BadArgument(name)
        text = value.strip()
        if (not text and not allow_empty) or len(text) > self._context.max_text_chars:
            raise _BadArgument(name)
        return text

    def optional_text(self, name: str) -> str | None:
        if self._get(name) is None:
            return None
        return self.text(name, allow_empty=True) or None

    def texts(self, name: str, low: int = 1, high: int | None = None) -> tuple[str, ...]:
        values = self._get(name)
        if not isinstance(values, list) or len(values) < low:
            raise _BadArgument(name)
        if high is not None and len(values) > high:
            raise _BadArgument(name)
        return tuple(_Args({name: value}, self._context).text(name) for value in values)

    def integer(self, name: str, low: int | None = None) -> int:
        number = _as_int(self._get(name))
        if number is None or (low is not None and number < low):
            raise _BadArgument(name)
        return number

    def optional_integer(self, name: str, default: int, low: int | None = None) -> int:
        return default if self._get(name) is None else self.integer(name, low)

    def number(self, name: str, high: float) -> float:
        value = self._get(name)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _BadArgument(name)
        if not math.isfinite(value) or not 0 < value <= high:
            raise _BadArgument(name)
        return float(value)

    def moment(self, name: str, high: float) -> float:
        """Seconds into a clip: 0 (its start) up to `high`."""
        value = self._get(name)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _BadArgument(name)
        if not math.isfinite(value) or not 0 <= value <= high:
            raise _BadArgument(name)
        return float(value)

    def flag(self, name: str) -> bool:
        value = self._get(name)
        if not isinstance(value, bool):
            raise _BadArgument(name)
        return value

    def choice(self, name: str, enum: type[E]) -> E:
        value = self._get(name)
        if not isinstance(value, str) or value not in set(enum):
            raise _BadArgument(name)
        return enum(value)

    def one_of(self, name: str, values: Sequence[str]) -> str:
        value = self._get(name)
        if not isinstance(value, str) or value not in values:
            raise _BadArgument(name)
        return value

    def nested(self, name: str) -> _Args:
        value = self._get(name)
        if not isinstance(value, dict):
            raise _BadArgument(name)
        return _Args(value, self._context)

    def scenes(self, name: str = "scenes") -> SceneRef:
        ref = self.nested(name)
        kind = ref.one_of("kind", SCENE_KINDS)
        if kind == "numbers":
            numbers = ref._get("numbers")
            if not isinstance(numbers, list) or not numbers:
                raise _BadArgument(f"{name}.numbers")
            checked = [_as_int(n) for n in numbers]
            if any(n is None or n < 1 for n in checked):
                raise _BadArgument(f"{name}.numbers")
            return Numbered(tuple(dict.fromkeys(n for n in checked if n is not None)))
        if kind == "first":
            return FromStart(ref.optional_integer("count", 1, low=1))
        if kind == "last":
            return FromEnd(ref.optional_integer("count", 1, low=1))
        if kind == "relative":
            return Relative(ref.optional_integer("offset", 0))
        return Every()

    def optional_scenes(self, name: str) -> SceneRef | None:
        return None if self._get(name) is None else self.scenes(name)

    def place(self, name: str = "place") -> Place:
        place = self.nested(name)
        kind = place.one_of("kind", PLACE_KINDS)
        if kind == "start":
            return Slot(1)
        if kind == "end":
            return Slot(END)
        if kind == "position":
            return Slot(place.integer("position", low=1))
        return Beside(place.scenes("anchor"), after=kind == "after")

    def optional_place(self, name: str) -> Place | None:
        return None if self._get(name) is None else self.place(name)

    def style(self, name: str) -> str:
        keys = self._context.style_keys
        return self.one_of(name, keys) if keys else self.text(name)

    def is_null(self, name: str) -> bool:
        return self._get(name) is None

    def nonzero(self, name: str) -> int:
        steps = self.integer(name)
        if steps == 0:
            raise _BadArgument(name)
        return steps

    def optional_flag(self, name: str) -> bool | None:
        return None if self._get(name) is None else self.flag(name)


def _as_int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


# ---------------------------------------------------------------------------- the tools


@dataclass(frozen=True)
class _Tool:
    name: str
    description: str
    properties: Mapping[str, Json]
    parse: Callable[[_Args], Call]


def _scene_tool(
    name: str, description: str, extra: Mapping[str, Json], parse: Callable[[_Args], Call]
) -> _Tool:
    return _Tool(name, description, {"scenes": SCENES, **extra}, parse)


_IDEA = "The scene idea in the director's language, as they would say it"
TOOLS: tuple[_Tool, ...] = (
    _Tool(
        "add_scenes",
        "Add new scenes with these ideas, at the end (place null) or at a place.",
        {
            "ideas": {"type": "array", "items": _text(_IDEA), "description": "One per scene"},
            "place": _nullable(PLACE),
        },
        lambda a: AddScenes(a.texts("ideas"), a.optional_place("place")),
    ),
    _scene_tool(
        "set_idea",
        "Replace the scenes' idea with a new one (their caption follows).",
        {"idea": _text(_IDEA)},
        lambda a: SetIdea(a.scenes(), a.text("idea")),
    ),
    _scene_tool(
        "amend_idea",
        'Add a detail to the scenes\' ideas ("make scene 3 at night": addition "at night").',
        {"addition": _text("The words to add, in the director's language")},
        lambda a: AmendIdea(a.scenes(), a.text("addition")),
    ),
    _scene_tool(
        "set_caption",
        "Set the words shown on screen during the scenes; an empty caption shows none.",
        {"caption": _text("The caption, in the director's language")},
        lambda a: SetCaption(a.scenes(), a.text("caption", allow_empty=True)),
    ),
    _scene_tool(
        "set_motion",
        "Set the camera move over the scenes' pictures.",
        {"motion": _enum([m.value for m in Motion], "The camera move")},
        lambda a: SetMotion(a.scenes(), a.choice("motion", Motion)),
    ),
    _scene_tool(
        "set_fit",
        "Show the scenes' pictures and clips whole, uncropped over a blurred copy of themselves"
        ' ("contain": "show all of scene 2", "don\'t crop it"), or cropped to fill the frame'
        ' ("cover", the default).',
        {"fit": _enum([f.value for f in Fit], "How the picture meets the frame")},
        lambda a: SetFit(a.scenes(), a.choice("fit", Fit)),
    ),
    _scene_tool(
        "cycle_motion",
        'Give the scenes the next camera move ("another move", unspecified).',
        {},
        lambda a: CycleMotion(a.scenes()),
    ),
    _scene_tool(
        "set_transition",
        "Set how the scenes begin after the scene before them.",
        {"transition": _enum([t.value for t in Transition], "The transition")},
        lambda a: SetTransition(a.scenes(), a.choice("transition", Transition)),
    ),
    _scene_tool(
        "set_length",
        "Set how many seconds the scenes last; null lets the song decide.",
        {"seconds": {"type": ["number", "null"], "description": "Seconds, or null"}},
        lambda a: SetLength(
            a.scenes(), None if a.is_null("seconds") else a.number("seconds", MAX_SECONDS)
        ),
    ),
    _scene_tool(
        "set_clip_start",
        "For scenes that show the director's own video clip: where in the clip their stretch "
        'begins, in seconds ("start scene 3 at 0:04" is 4); null goes back to the clip\'s '
        "liveliest stretch.",
        {
            "seconds": {
                "type": ["number", "null"],
                "description": "Seconds into the clip (0:04 is 4), or null for the liveliest",
            }
        },
        lambda a: SetFootageStart(
            a.scenes(), None if a.is_null("seconds") else a.moment("seconds", MAX_SECONDS)
        ),
    ),
    _scene_tool(
        "pin_to_section",
        'Make the scenes start a part of the song ("scene 5 starts the chorus", "cảnh 5 bắt '
        'đầu điệp khúc"); section null lets them start wherever the song puts them.',
        {
            "section": _nullable(_enum([k.value for k in SectionKind], "The part of the song")),
            "occurrence": {
                "type": ["integer", "null"],
                "description": "Which one (2 for the second chorus), or null for the next one",
            },
        },
        lambda a: PinSection(
            a.scenes(),
            None if a.is_null("section") else a.choice("section", SectionKind),
            None if a.is_null("occurrence") else a.integer("occurrence", low=1),
        ),
    ),
    _scene_tool(
        "scale_length",
        "Make the scenes longer (factor > 1) or shorter (factor < 1) than now.",
        {"factor": {"type": "number", "description": "1.5 for longer, 0.7 for shorter, 2 twice"}},
        lambda a: ScaleLength(a.scenes(), a.number("factor", MAX_FACTOR)),
    ),
    _scene_tool(
        "move_scenes",
        "Move the scenes to another place, keeping their order among themselves.",
        {"place": PLACE},
        lambda a: Move(a.scenes(), a.place("place")),
    ),
    _scene_tool(
        "shift_scenes",
        "Move the scenes earlier (negative steps) or later (positive steps) by a few places.",
        {"steps": {"type": "integer", "description": "-1 one place earlier, 2 two later"}},
        lambda a: Shift(a.scenes(), a.nonzero("steps")),
    ),
    _Tool(
        "swap_scenes",
        "Swap two scenes. With second null, first must name exactly two scenes "
        '("swap the last two": first = last, count 2).',
        {"first": _scene_ref("The first scene (or both)"), "second": _nullable(SCENES)},
        lambda a: Swap(a.scenes("first"), a.optional_scenes("second")),
    ),
    _scene_tool("delete_scenes", "Delete the scenes.", {}, lambda a: Delete(a.scenes())),
    _scene_tool(
        "duplicate_scenes",
        "Put a copy of each scene right after it.",
        {},
        lambda a: Duplicate(a.scenes()),
    ),
    _scene_tool(
        "keep_look",
        "Keep the scenes' pictures as they are (keep true) or let them be remade (false).",
        {"keep": {"type": "boolean", "description": "true to keep, false to stop keeping"}},
        lambda a: Keep(a.scenes(), a.flag("keep")),
    ),
    _scene_tool(
        "remake_pictures",
        "Make another take of the scenes' pictures.",
        {},
        lambda a: Remake(a.scenes()),
    ),
    _Tool(
        "set_style",
        "Set the project's visual style to one of the styles on offer.",
        {"style": _text("The style key")},
        lambda a: SetStyle(a.style("style")),
    ),
    _Tool(
        "set_aspect",
        "Set the video's aspect ratio (9:16 portrait, 16:9 landscape, 1:1 square).",
        {"aspect": _enum(ASPECTS, "The aspect ratio")},
        lambda a: SetAspect(a.one_of("aspect", ASPECTS)),
    ),
    _Tool(
        "set_music_credit",
        'Say who made the song, for the credits ("music: Artist - Title").',
        {"name": _text("The artist and title as the director gave them")},
        lambda a: SetMusicCredit(a.text("name")),
    ),
    _Tool(
        "set_title",
        "Rename the project.",
        {"title": _text("The new title, as the director gave it")},
        lambda a: SetTitle(a.text("title")),
    ),
    _Tool(
        "set_switch",
        "Turn a project option on or off: clips (AI video clips instead of still pictures), "
        "previews (show each picture as soon as it is made), restyle (redraw the director's "
        "own footage in the project's style with Runway), clip_sound (keep the sound of the "
        "director's own video clips, the song ducked beneath it) or credits (end the video with "
        "a credits card: photographs by, footage by, music, directed by); on null flips it.",
        {
            "switch": _enum(list(SWITCHES), "The option"),
            "on": {"type": ["boolean", "null"], "description": "true on, false off, null flip"},
        },
        lambda a: SetSwitch(SWITCHES[a.one_of("switch", list(SWITCHES))], a.optional_flag("on")),
    ),
    _Tool(
        "set_captions",
        "Choose what the video's captions show: ideas (each scene's idea), lyrics (the song's "
        "lines in time, the sung word lit), both (lyrics low, the idea as a title high) or none.",
        {"mode": _enum([m.value for m in CaptionsMode], "What the captions show")},
        lambda a: SetCaptions(a.choice("mode", CaptionsMode)),
    ),
    _Tool(
        "run_command",
        "Do something besides editing, after the edits of this answer: render the video, "
        "show the storyboard, or undo the last change.",
        {"command": _enum([c.value for c in Command], "What to do")},
        lambda a: a.choice("command", Command),
    ),
    _Tool(
        "answer_question",
        "The message is a question about the project: say its topic, the scene it is about, "
        "and your short answer in the director's language from the project facts.",
        {
            "topic": _enum([t.value for t in Topic], "What the question is about"),
            "scene": _nullable(_scene_ref("The scene asked about, if any")),
            "answer": {
                "type": ["string", "null"],
                "description": "A short answer in the director's language; null if the facts "
                "given do not hold it",
            },
        },
        lambda a: Question(
            a.choice("topic", Topic), a.optional_scenes("scene"), a.optional_text("answer")
        ),
    ),
    _Tool(
        "ask_clarifying_question",
        "The message is truly ambiguous: ask one short question back, with 2 to 4 options, "
        "each a short instruction sentence the director may have meant.",
        {
            "question": _text("The question, in the director's language"),
            "options": {
                "type": "array",
                "items": _text("An instruction sentence in the director's language"),
                "minItems": MIN_OPTIONS,
                "maxItems": MAX_OPTIONS,
            },
        },
        lambda a: Clarification(a.text("question"), a.texts("options", MIN_OPTIONS, MAX_OPTIONS)),
    ),
    _Tool(
        "add_scene_idea",
        "The message is neither an instruction nor a question: it is the next scene's idea.",
        {},
        lambda a: SceneIdea(),
    ),
)
TOOLS_BY_NAME = {tool.name: tool for tool in TOOLS}


def function_tools(context: ToolContext) -> list[FunctionToolParam]:
    """Every tool as a strict Responses API function tool (set_style offers the project's)."""
    tools: list[FunctionToolParam] = []
    for tool in TOOLS:
        properties = dict(tool.properties)
        if tool.name == "set_style" and context.styles:
            names = "; ".join(f"{key}: {name}" for key, name in context.styles)
            properties["style"] = _enum(context.style_keys, f"The style key ({names})")
        tools.append(
            FunctionToolParam(
                type="function",
                name=tool.name,
                description=tool.description,
                parameters=_object(properties),
                strict=True,
            )
        )
    return tools


def parse_call(name: str, arguments: str, context: ToolContext) -> Call:
    """One function call as a typed value; raise UnreadableAnswer when it is not sound."""
    tool = TOOLS_BY_NAME.get(name)
    if tool is None:
        raise UnreadableAnswer("unknown_tool", detail=_printable(name))
    try:
        values = json.loads(arguments)
    except (json.JSONDecodeError, RecursionError):
        raise UnreadableAnswer("malformed_arguments", detail=name) from None
    if not isinstance(values, dict):
        raise UnreadableAnswer("malformed_arguments", detail=name)
    try:
        return tool.parse(_Args(values, context))
    except _BadArgument as bad:
        raise UnreadableAnswer("invalid_arguments", detail=f"{name}.{bad}") from None


def read_calls(calls: Sequence[tuple[str, str]], context: ToolContext) -> Meaning:
    """The meaning of an answer's function calls (name, JSON arguments), all or nothing."""
    if not calls:
        raise UnreadableAnswer("no_tool_call")
    parsed = [parse_call(name, arguments, context) for name, arguments in calls]
    edits: list[Edit] = []
    commands: list[Command] = []
    others: list[Question | Clarification | SceneIdea] = []
    for call in parsed:
        if isinstance(call, Command):
            commands.append(call)
        elif isinstance(call, Question | Clarification | SceneIdea):
            others.append(call)
        else:
            edits.append(call)
    for other in others:
        # Asking back applies nothing, so it is the safe reading whatever else was called.
        if isinstance(other, Clarification):
            return other
    names = ",".join(name for name, _ in calls)
    if others:
        if edits or commands or len(set(others)) > 1:
            raise UnreadableAnswer("conflicting_calls", detail=names)
        return others[0]
    if len(set(commands)) > 1:
        raise UnreadableAnswer("conflicting_calls", detail=names)
    return Instruction(tuple(edits), commands[0] if commands else None)


def _printable(name: str) -> str:
    # A name the model made up: keep it short and plain for the log.
    return "".join(c if c.isalnum() or c in "_-." else "?" for c in name[:40])
