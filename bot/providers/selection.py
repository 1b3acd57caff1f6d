"""Pick the provider implementations that the settings ask for."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import openai

from bot.config import Settings
from bot.providers.offline import OfflineImageMaker, OfflinePlanner
from bot.providers.openai_editor import OpenAIInstructionReader
from bot.providers.openai_images import OpenAIImageMaker
from bot.providers.openai_lyrics import OpenAILyricsTranscriber
from bot.providers.openai_planner import OpenAIPlanner
from bot.providers.openai_transcriber import OpenAITranscriber
from bot.providers.prompts import load_templates
from bot.providers.runway_clips import RunwayClipMaker
from bot.providers.runway_restyle import RunwayFootageRestyler
from bot.providers.runway_tasks import RunwayAccess
from bot.studio.ports import (
    ClipMaker,
    FootageRestyler,
    ImageMaker,
    Planner,
    SongTranscriber,
    Transcriber,
)
from bot.studio.reading import InstructionReader

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Providers:
    """The edges the studio talks to; `offline_images` is the free fallback."""

    planner: Planner
    images: ImageMaker
    offline_images: ImageMaker
    transcriber: Transcriber | None
    clips: ClipMaker | None
    # The AI reader of instructions; offline the router's own rule-based reader is the only one.
    instructions: InstructionReader | None = None
    restyler: FootageRestyler | None = None
    lyrics: SongTranscriber | None = None  # hears a song's lyrics with their times


def select_providers(settings: Settings) -> Providers:
    """OpenAI (and Runway) when configured, offline otherwise."""
    offline_images = OfflineImageMaker()
    clips: ClipMaker | None = None
    restyler: FootageRestyler | None = None
    templates = load_templates()
    if settings.runwayml_api_secret is not None:
        access = RunwayAccess(
            settings.runwayml_api_secret.get_secret_value(),
            settings.runwayml_base_url,
            settings.runway_poll_interval,
            settings.runway_timeout,
        )
        clips = RunwayClipMaker(
            access.api_secret,
            access.base_url,
            settings.runway_model,
            access.poll_interval,
            access.timeout,
        )
        restyler = RunwayFootageRestyler(access, templates, settings.runway_restyle_model)
    if settings.active_provider == "offline":
        return Providers(
            OfflinePlanner(), offline_images, offline_images, None, clips, restyler=restyler
        )
    # The client reads OPENAI_API_KEY and OPENAI_BASE_URL itself.
    client = openai.AsyncOpenAI(
        max_retries=settings.openai_max_retries, timeout=settings.openai_timeout
    )
    logger.info(
        "Using OpenAI models %s, %s and %s",
        settings.openai_planner_model,
        settings.openai_editor_model,
        settings.openai_image_model,
    )
    return Providers(
        planner=OpenAIPlanner(
            client,
            settings.openai_planner_model,
            templates,
            reasoning_effort=settings.openai_reasoning_effort,
            max_scenes=settings.max_scenes,
        ),
        images=OpenAIImageMaker(
            client,
            settings.openai_image_model,
            settings.openai_image_quality,
            settings.openai_max_references,
            templates,
        ),
        offline_images=offline_images,
        transcriber=OpenAITranscriber(client, settings.openai_transcribe_model),
        lyrics=OpenAILyricsTranscriber(client, settings.openai_lyrics_model),
        clips=clips,
        instructions=OpenAIInstructionReader(
            client,
            settings.openai_editor_model,
            templates,
            reasoning_effort=settings.openai_editor_reasoning_effort,
            timeout=settings.openai_editor_timeout,
            max_output_tokens=settings.openai_editor_max_output_tokens,
            max_text_chars=settings.max_idea_chars,
        ),
        restyler=restyler,
    )
