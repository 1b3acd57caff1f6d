"""The storyboard planner on OpenAI's Responses API with structured output, plus its repair."""

from __future__ import annotations

import dataclasses
import logging
import math
from collections.abc import Sequence

import openai
import pydantic
from openai import Omit, omit
from openai.types.responses import Response
from openai.types.shared import ReasoningEffort
from openai.types.shared_params import Reasoning
from pydantic import BaseModel, Field

from bot.errors import ProviderError
from bot.providers.errors_map import SERVICE, openai_errors
from bot.providers.offline import CAPTION_CHARS, short_caption
from bot.providers.pricing import response_usage
from bot.providers.prompts import PromptTemplates, load_templates
from bot.studio.ports import Plan, PlannedScene, PlanRequest
from bot.studio.timeline import Motion, Transition
from bot.studio.timing import default_motion, default_transition

logger = logging.getLogger(__name__)

MIN_SCENE_SECONDS = 1.5
MAX_SCENE_SECONDS = 20.0
DEFAULT_MAX_SCENES = 100  # Settings.max_scenes
OWN_IDEA_CHARS = 500
LANGUAGE_NAMES = {"en": "English", "vi": "Vietnamese (tiếng Việt)"}
ORIENTATIONS = {"9:16": "portrait", "16:9": "landscape", "1:1": "square"}


class StoryboardScene(BaseModel):
    """One scene: for the director's idea `idea_number`, or (None) one of the model's own."""

    idea_number: int | None
    idea: str  # the model's own scene's idea; empty for a director's idea
    image_prompt: str
    caption: str
    seconds: float
    # The schema offers only our values; parsing stays lenient so one odd value is repaired
    # instead of throwing the whole storyboard away.
    motion: str = Field(json_schema_extra={"enum": [m.value for m in Motion]})
    transition: str = Field(json_schema_extra={"enum": [t.value for t in Transition]})


class Storyboard(BaseModel):
    """The storyboard: every idea once, in order, with the model's own scenes between them."""

    scenes: list[StoryboardScene]


def scene_total(request: PlanRequest, max_scenes: int = DEFAULT_MAX_SCENES) -> int:
    """Scenes the storyboard holds: every idea, and more up to the target (at most max_scenes)."""
    return max(len(request.ideas), min(request.target_scenes or 0, max_scenes))


def repair_storyboard(
    raw_scenes: Sequence[StoryboardScene],
    request: PlanRequest,
    max_scenes: int = DEFAULT_MAX_SCENES,
) -> list[PlannedScene]:
    """Every idea exactly once in the user's order, the model's own scenes between, sound values.

    The model's own scenes (no idea number, an idea of their own) keep their place after the
    idea they followed in its answer and are cut to the target; a missing idea is planned from
    its words.
    """
    ideas = request.ideas
    matched, own = _sort_scenes(raw_scenes, len(ideas))
    own = own[: scene_total(request, max_scenes) - len(ideas)]
    slots: list[tuple[str, int | None, StoryboardScene | None]] = []
    for gap in range(len(ideas) + 1):
        if gap:
            slots.append((ideas[gap - 1], gap, matched.get(gap)))
        slots.extend(
            (_clip_words(raw.idea.strip(), OWN_IDEA_CHARS), None, raw) for g, raw in own if g == gap
        )
    if not slots:
        slots.append((request.title, None, None))
    scenes = [
        _repair_scene(raw, idea, number, position)
        for position, (idea, number, raw) in enumerate(slots, start=1)
    ]
    return _fit_to_song(scenes, request.song_seconds)


def _sort_scenes(
    raw_scenes: Sequence[StoryboardScene], count: int
) -> tuple[dict[int, StoryboardScene], list[tuple[int, StoryboardScene]]]:
    """The first scene for each idea number, and the model's own scenes with the furthest idea
    reached before them in the answer (0: before the first idea)."""
    matched: dict[int, StoryboardScene] = {}
    own: list[tuple[int, StoryboardScene]] = []
    after = 0
    for scene in raw_scenes:
        number = scene.idea_number
        if number is not None and 1 <= number <= count:
            matched.setdefault(number, scene)
            after = max(after, number)
        elif scene.idea.strip():
            own.append((after, scene))
    if matched or not count:
        return matched, own
    # The model ignored the numbering altogether: its first scenes are the ideas, in order.
    return {position: scene for position, scene in enumerate(raw_scenes[:count], start=1)}, []


def _repair_scene(
    raw: StoryboardScene | None, idea: str, number: int | None, position: int
) -> PlannedScene:
    if raw is None:
        return PlannedScene(
            idea=idea,
            caption=short_caption(idea),
            motion=default_motion(position),
            transition=default_transition(position),
            idea_number=number,
        )
    motion = raw.motion if raw.motion in set(Motion) else default_motion(position)
    transition = (
        raw.transition if raw.transition in set(Transition) else default_transition(position)
    )
    return PlannedScene(
        idea=idea,
        caption=_clip_words(raw.caption.strip(), CAPTION_CHARS) or short_caption(idea),
        motion=Motion(motion),
        transition=Transition(transition),
        seconds=_clamp_seconds(raw.seconds),
        image_prompt=raw.image_prompt.strip(),
        idea_number=number,
    )


def _clip_words(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _clamp_seconds(seconds: float) -> float | None:
    if not math.isfinite(seconds) or seconds <= 0:
        return None
    return min(max(seconds, MIN_SCENE_SECONDS), MAX_SCENE_SECONDS)


def _fit_to_song(scenes: list[PlannedScene], song_seconds: float | None) -> list[PlannedScene]:
    if not song_seconds or song_seconds <= 0:
        return scenes
    known = [s.seconds for s in scenes if s.seconds is not None]
    filler = sum(known) / len(known) if known else song_seconds / len(scenes)
    wishes = [s.seconds if s.seconds is not None else filler for s in scenes]
    scale = song_seconds / sum(wishes)
    lengths = [round(w * scale, 3) for w in wishes]
    lengths[-1] = round(song_seconds - sum(lengths[:-1]), 3)
    return [
        dataclasses.replace(s, seconds=length) for s, length in zip(scenes, lengths, strict=True)
    ]


class OpenAIPlanner:
    """Plans storyboards with an OpenAI model's structured output."""

    def __init__(
        self,
        client: openai.AsyncOpenAI,
        model: str = "gpt-5-mini",
        templates: PromptTemplates | None = None,
        reasoning_effort: ReasoningEffort = "low",
        max_scenes: int = DEFAULT_MAX_SCENES,
    ) -> None:
        self._client = client
        self._model = model
        self._templates = templates or load_templates()
        self._reasoning_effort = reasoning_effort
        self._max_scenes = max_scenes
        self.name = f"openai-{model}"

    def prompts(self, request: PlanRequest) -> tuple[str, str]:
        """The system and user prompts for a request."""
        system = self._templates.render(
            "storyboard_system",
            caption_chars=CAPTION_CHARS,
            min_seconds=MIN_SCENE_SECONDS,
            max_seconds=MAX_SCENE_SECONDS,
            motions=[m.value for m in Motion],
            transitions=[t.value for t in Transition],
        )
        user = self._templates.render(
            "storyboard_user",
            title=request.title,
            ideas=request.ideas,
            style_name=request.style.name("en"),
            style_prompt=request.style.prompt,
            aspect=request.aspect,
            orientation=ORIENTATIONS.get(request.aspect, "portrait"),
            song_seconds=request.song_seconds,
            tempo_bpm=request.tempo_bpm,
            sections=[
                {"kind": s.kind.value, "start": s.start, "end": s.end} for s in request.sections
            ],
            language_name=LANGUAGE_NAMES.get(request.language, request.language),
            conversation=request.conversation,
            reference_notes=request.reference_notes,
            scene_count=scene_total(request, self._max_scenes),
            lyrics=request.lyrics,
        )
        return system, user

    async def plan(self, request: PlanRequest) -> Plan:
        """Ask the model for a storyboard and repair what it answers."""
        if scene_total(request, self._max_scenes) == 0:
            return Plan(
                [
                    PlannedScene(
                        idea=request.title,
                        caption="",
                        motion=Motion.ZOOM_IN,
                        transition=Transition.FADE_BLACK,
                    )
                ]
            )
        system, user = self.prompts(request)
        reasoning: Reasoning | Omit = (
            {"effort": self._reasoning_effort} if self._reasoning_effort else omit
        )
        with openai_errors("storyboard"):
            # text_format sends the strict schema; parse_as=None leaves the parsing to us, so
            # an answer that does not parse is repaired and its tokens are still counted.
            response = await self._client.responses.parse(
                model=self._model,
                instructions=system,
                input=user,
                text_format=Storyboard,
                parse_as=None,
                reasoning=reasoning,
                store=False,
            )
        return Plan(
            repair_storyboard(_read_scenes(response), request, self._max_scenes),
            response_usage(self._model, "plan", response.usage),
        )


def _read_scenes(response: Response) -> list[StoryboardScene]:
    if any(
        content.type == "refusal"
        for item in response.output
        if item.type == "message"
        for content in item.content
    ):
        raise ProviderError("provider.refused", service=SERVICE)
    try:
        return Storyboard.model_validate_json(response.output_text).scenes
    except pydantic.ValidationError:
        logger.warning(
            "The storyboard answer (status %s) did not parse; planning from the ideas",
            response.status,
        )
        return []
