"""Typographic cards: the picture of a scene that has no reference photo."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

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
