"""Typographic cards: the picture of a scene that has no reference photo, and the credits."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from bot.media.captions import wrap_caption
from bot.media.fonts import load_font, normalise_text
from bot.studio.styles import StylePreset


def gradient(
    width: int, height: int, top: tuple[int, int, int], bottom: tuple[int, int, int]
) -> Image.Image:
    """A diagonal two-colour gradient."""
    ys = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None]
    xs = np.linspace(0.0, 1.0, width, dtype=np.float32)[None, :]
    weight = np.clip(0.7 * ys + 0.3 * xs, 0.0, 1.0)[..., None]
    pixels = np.array(top, np.float32) * (1 - weight) + np.array(bottom, np.float32) * weight
    return Image.fromarray(pixels.astype(np.uint8))


def make_card(text: str, style: StylePreset, width: int, height: int) -> Image.Image:
    """The idea in large type over the style's colours, centred in the frame."""
    top, bottom = style.card_colors
    card = gradient(width, height, top, bottom)
    text = normalise_text(text)
    font = load_font(max(24, round(min(width, height) * 0.075)))
    lines = wrap_caption(text, font, int(width * 0.78), max_lines=5)
    ascent, descent = font.getmetrics()
    line_height = round((ascent + descent) * 1.15)
    y = (height - line_height * len(lines)) // 2
    light_card = sum(top) / 3 > 150 and sum(bottom) / 3 > 150
    ink = (24, 20, 18) if light_card else (250, 246, 238)
    positions = [
        ((width - font.getlength(line)) / 2, y + i * line_height) for i, line in enumerate(lines)
    ]
    if not light_card:
        # A soft drop shadow keeps light type readable on the lighter end of the gradient.
        shadow = Image.new("L", (width, height), 0)
        shadow_draw = ImageDraw.Draw(shadow)
        for (x, line_y), line in zip(positions, lines, strict=True):
            shadow_draw.text((x + 3, line_y + 3), line, font=font, fill=110)
        shadow = shadow.filter(ImageFilter.GaussianBlur(6))
        card = Image.composite(Image.new("RGB", card.size, (0, 0, 0)), card, shadow)
    draw = ImageDraw.Draw(card)
    for (x, line_y), line in zip(positions, lines, strict=True):
        draw.text((x, line_y), line, font=font, fill=ink)
    return card


CREDIT_NAME_LINES = 2  # per heading; a long list of names is cut with "…"


def _dim(colour: tuple[int, int, int]) -> tuple[int, int, int]:
    red, green, blue = colour
    return red // 3, green // 3, blue // 3


def make_credits_card(
    sections: Sequence[tuple[str, Sequence[str]]], style: StylePreset, width: int, height: int
) -> Image.Image:
    """The closing credits: each heading ("Photographs by") small, its names large beneath,
    centred over the style's colours, in the caption font (text NFC-normalised)."""
    top, bottom = style.card_colors
    # The style's colours, dimmed: light type on a dark ground reads at a glance.
    card = gradient(width, height, _dim(top), _dim(bottom))
    short = min(width, height)
    heading_font = load_font(max(14, round(short * 0.034)), "Regular")
    name_font = load_font(max(18, round(short * 0.05)))
    blocks: list[tuple[list[str], list[str]]] = []
    for heading, names in sections:
        heading_lines = wrap_caption(normalise_text(heading), heading_font, int(width * 0.84), 1)
        text = normalise_text(", ".join(names))
        name_lines = wrap_caption(text, name_font, int(width * 0.84), CREDIT_NAME_LINES)
        blocks.append((heading_lines, name_lines))

    def height_of(font: ImageFont.FreeTypeFont) -> int:
        ascent, descent = font.getmetrics()
        return round((ascent + descent) * 1.2)

    heading_h, name_h, gap = height_of(heading_font), height_of(name_font), round(short * 0.05)
    total = sum(len(h) * heading_h + len(n) * name_h for h, n in blocks) + gap * (len(blocks) - 1)
    draw = ImageDraw.Draw(card)
    y = max(0, (height - total) // 2)
    for heading_lines, name_lines in blocks:
        for line in heading_lines:
            x = (width - heading_font.getlength(line)) / 2
            draw.text((x, y), line, font=heading_font, fill=(205, 200, 190))
            y += heading_h
        for line in name_lines:
            x = (width - name_font.getlength(line)) / 2
            draw.text((x, y), line, font=name_font, fill=(252, 250, 245))
            y += name_h
        y += gap
    return card


class PillowCards:
    """Implements the studio's CreditsCardMaker with Pillow, off the event loop."""

    async def make_credits_card(
        self,
        sections: Sequence[tuple[str, Sequence[str]]],
        style: StylePreset,
        width: int,
        height: int,
        output: Path,
    ) -> None:
        """Draw the credits card into `output` (a JPEG)."""

        def draw() -> None:
            make_credits_card(sections, style, width, height).save(output, "JPEG", quality=92)

        await asyncio.to_thread(draw)
