"""Scene pictures from OpenAI's image models: an edit of the references, or a fresh picture."""

from __future__ import annotations

import asyncio
import base64
import binascii
import io
import logging
from pathlib import Path
from typing import Literal

import openai
from openai.types import ImagesResponse
from PIL import Image, ImageOps, UnidentifiedImageError

from bot.errors import ProviderError
from bot.providers.errors_map import SERVICE, openai_errors
from bot.providers.prompts import PromptTemplates, load_templates
from bot.studio.ports import PictureRequest, Usage

logger = logging.getLogger(__name__)

Quality = Literal["low", "medium", "high", "auto"]
ApiSize = Literal["1024x1024", "1024x1536", "1536x1024"]
API_MAX_REFERENCES = 16
# US$ per output image by quality and size (OpenAI's published per-image examples).
# "auto" lets the model choose, so it is priced as "high".
IMAGE_PRICES: dict[str, dict[str, dict[str, float]]] = {
    "gpt-image-2": {
        "low": {"1024x1024": 0.006, "1024x1536": 0.005, "1536x1024": 0.005},
        "medium": {"1024x1024": 0.053, "1024x1536": 0.041, "1536x1024": 0.041},
        "high": {"1024x1024": 0.211, "1024x1536": 0.165, "1536x1024": 0.165},
    },
    "gpt-image-1.5": {
        "low": {"1024x1024": 0.009, "1024x1536": 0.013, "1536x1024": 0.013},
        "medium": {"1024x1024": 0.034, "1024x1536": 0.050, "1536x1024": 0.050},
        "high": {"1024x1024": 0.133, "1024x1536": 0.200, "1536x1024": 0.200},
    },
    "gpt-image-1-mini": {
        "low": {"1024x1024": 0.005, "1024x1536": 0.006, "1536x1024": 0.006},
        "medium": {"1024x1024": 0.011, "1024x1536": 0.015, "1536x1024": 0.015},
        "high": {"1024x1024": 0.036, "1024x1536": 0.052, "1536x1024": 0.052},
    },
}
# US$ per 1M input tokens (text, image): the prompt and, for edits, the reference photos.
INPUT_TOKEN_PRICES: dict[str, tuple[float, float]] = {
    "gpt-image-2": (5.00, 8.00),
    "gpt-image-1.5": (5.00, 8.00),
    "gpt-image-1-mini": (2.00, 2.50),
}
DEFAULT_PRICED_MODEL = "gpt-image-2"


def api_size(width: int, height: int) -> ApiSize:
    """The standard size closest in shape to the output picture."""
    if width > height * 1.1:
        return "1536x1024"
    if height > width * 1.1:
        return "1024x1536"
    return "1024x1024"


def image_cost(
    model: str, quality: Quality, size: ApiSize, usage: openai.types.images_response.Usage | None
) -> float:
    """US$ for one picture: the output by the price table plus the input tokens if reported."""
    family = max(
        (name for name in IMAGE_PRICES if model.startswith(name)),
        key=len,
        default=DEFAULT_PRICED_MODEL,
    )
    output = IMAGE_PRICES[family]["high" if quality == "auto" else quality][size]
    if usage is None:
        return output
    text_price, image_price = INPUT_TOKEN_PRICES[family]
    details = usage.input_tokens_details
    return output + (details.text_tokens * text_price + details.image_tokens * image_price) / 1e6


class OpenAIImageMaker:
    """Pictures from a GPT image model, guided by the scene's and the style's photos."""

    def __init__(
        self,
        client: openai.AsyncOpenAI,
        model: str = "gpt-image-2",
        quality: Quality = "medium",
        max_references: int = API_MAX_REFERENCES,
        templates: PromptTemplates | None = None,
    ) -> None:
        self._client = client
        self._model = model
        self._quality: Quality = quality
        self._max_references = max(0, min(max_references, API_MAX_REFERENCES))
        self._templates = templates or load_templates()
        self.name = f"openai-{model}-{quality}"

    def prompt(self, request: PictureRequest, scene_references: int, style_references: int) -> str:
        """The image prompt for a scene."""
        return self._templates.render(
            "picture",
            subject=(request.image_prompt or request.idea).strip(),
            style_prompt=request.style.prompt,
            scene_references=scene_references,
            style_references=style_references,
            orientation={"1536x1024": "landscape", "1024x1536": "portrait"}.get(
                api_size(request.width, request.height), "square"
            ),
        )

    def estimate_cost(self, request: PictureRequest) -> float:
        """The price-table cost of one picture of this size (input tokens not counted)."""
        return image_cost(self._model, self._quality, api_size(request.width, request.height), None)

    async def make_picture(self, request: PictureRequest, output: Path) -> Usage:
        """Edit the reference photos into the scene, or generate it; write a JPEG."""
        scene_refs, style_refs = pick_references(request, self._max_references)
        prompt = self.prompt(request, len(scene_refs), len(style_refs))
        size = api_size(request.width, request.height)
        references = scene_refs + style_refs
        with openai_errors("picture"):
            if references:
                files = await asyncio.to_thread(_read_files, references)
                result = await self._client.images.edit(
                    model=self._model,
                    image=files,
                    prompt=prompt,
                    size=size,
                    quality=self._quality,
                    n=1,
                )
            else:
                result = await self._client.images.generate(
                    model=self._model,
                    prompt=prompt,
                    size=size,
                    quality=self._quality,
                    n=1,
                )
        await asyncio.to_thread(
            _save_picture, _picture_bytes(result), request.width, request.height, output
        )
        return Usage(
            provider="openai",
            kind="image",
            units=1.0,
            cost_usd=image_cost(self._model, self._quality, size, result.usage),
        )


def pick_references(request: PictureRequest, limit: int) -> tuple[list[Path], list[Path]]:
    """The scene's photos first, then the style's, without repeats, `limit` in all."""
    scene: list[Path] = []
    style: list[Path] = []
    for group, paths in ((scene, request.references), (style, request.style_references)):
        for path in paths:
            if len(scene) + len(style) < limit and path not in scene and path not in style:
                group.append(path)
    return scene, style


def _read_files(paths: list[Path]) -> list[tuple[str, bytes, str]]:
    files = []
    for path in paths:
        data = path.read_bytes()
        files.append((path.name, data, _image_type(data)))
    return files


def _image_type(data: bytes) -> str:
    if data.startswith(b"\x89PNG"):
        return "image/png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return "image/jpeg"


def _picture_bytes(result: ImagesResponse) -> bytes:
    encoded = result.data[0].b64_json if result.data else None
    if not encoded:
        logger.warning("The image answer held no picture")
        raise ProviderError("provider.failed", service=SERVICE)
    try:
        return base64.b64decode(encoded, validate=True)
    except binascii.Error as error:
        raise ProviderError("provider.failed", service=SERVICE) from error


def _save_picture(data: bytes, width: int, height: int, output: Path) -> None:
    try:
        with Image.open(io.BytesIO(data)) as picture:
            fitted = ImageOps.fit(picture.convert("RGB"), (width, height), Image.Resampling.LANCZOS)
    except (UnidentifiedImageError, OSError) as error:
        logger.warning("The image answer was not a readable picture")
        raise ProviderError("provider.failed", service=SERVICE) from error
    fitted.save(output, "JPEG", quality=90)
