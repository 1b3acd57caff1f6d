"""Caption and title layout: wrapping by measured width, drawn with an outline and a soft shadow.

An overlay is a full-width RGBA band (uint8) plus the row where it starts; it is rendered once
per shot and blended over each frame's band only.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from bot.media.fonts import covering_font, load_font, missing_glyphs, normalise_text

logger = logging.getLogger(__name__)

Overlay = tuple[NDArray[np.uint8], int]

ELLIPSIS = "…"
CAPTION_SIZE = 0.055  # of the short side
TITLE_SIZE = 0.10
SHADOW_OPACITY = 0.65


def safe_area(width: int, height: int) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) of the area that text may use."""
    if width / height < 0.7:
        # Vertical short video: Reels/TikTok draw buttons at the right and text at the bottom.
        left, top = round(0.06 * width), round(0.10 * height)
        return (left, top, round(0.88 * width), round(0.80 * height))
    mx, my = round(0.08 * width), round(0.08 * height)
    return (mx, my, width - mx, height - my)


def wrap_caption(
    text: str,
    font: ImageFont.FreeTypeFont,
    max_width_px: float,
    max_lines: int = 3,
    *,
    balance: bool = True,
) -> list[str]:
    """Word wrap by measured width; the last line ends in an ellipsis if the text is cut.

    With `balance`, the lines are made as even as possible without adding a line, so a caption
    does not end on one orphaned word.
    """
    lines = _wrap(text, font, max_width_px)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = _with_ellipsis(lines[-1], font, max_width_px)
        return lines
    if balance and len(lines) > 1:
        lines = _balanced(text, font, max_width_px, len(lines))
    return lines


@dataclass(frozen=True)
class _Placement:
    """How one kind of overlay is sized and where its band sits in the safe area."""

    size: float  # of the short side
    min_size: int  # px
    centred: bool  # vertically in the safe area; else on its bottom edge


_CAPTION = _Placement(CAPTION_SIZE, 12, centred=False)
_TITLE = _Placement(TITLE_SIZE, 16, centred=True)


def render_caption_overlay(
    text: str,
    width: int,
    height: int,
    font_size: int | None = None,
    *,
    font_path: Path | None = None,
    max_lines: int = 3,
) -> Overlay:
    """A scene caption at the bottom of the safe area, centred in it."""
    return _render_overlay(_CAPTION, text, width, height, font_size, font_path, max_lines)


def render_title_overlay(
    title: str,
    width: int,
    height: int,
    font_size: int | None = None,
    *,
    font_path: Path | None = None,
    max_lines: int = 3,
) -> Overlay:
    """The project title, bigger, centred in the safe area."""
    return _render_overlay(_TITLE, title, width, height, font_size, font_path, max_lines)


def _render_overlay(
    placement: _Placement,
    text: str,
    width: int,
    height: int,
    font_size: int | None,
    font_path: Path | None,
    max_lines: int,
) -> Overlay:
    """The text in bold, in a font that covers its characters, placed as `placement` says."""
    size = font_size or max(placement.min_size, round(min(width, height) * placement.size))
    font_path = covering_font(text, font_path)
    font = load_font(size, "Bold", font_path)
    band = _text_band(text, font, width, height, max_lines, font_path)
    _, top, _, bottom = safe_area(width, height)
    y = (top + bottom - band.shape[0]) // 2 if placement.centred else bottom - band.shape[0]
    return _trim(band, y)


def _text_band(
    text: str,
    font: ImageFont.FreeTypeFont,
    width: int,
    height: int,
    max_lines: int,
    font_path: Path,
) -> NDArray[np.uint8]:
    left, _, right, _ = safe_area(width, height)
    size = int(font.size)
    stroke = max(1, round(size * 0.08))
    shadow = max(1, round(size * 0.05))
    blur = max(1.0, size * 0.06)
    pad = stroke + shadow + math.ceil(3 * blur) + 2
    lines = wrap_caption(_drawable(text, font_path), font, right - left - 2 * pad, max_lines)
    if not lines:
        return np.zeros((0, width, 4), dtype=np.uint8)
    ascent, descent = font.getmetrics()
    line_h = round((ascent + descent) * 1.05)
    band_h = line_h * len(lines) + 2 * pad
    centre = (left + right) / 2.0

    text_layer = Image.new("RGBA", (width, band_h), (0, 0, 0, 0))
    shadow_mask = Image.new("L", (width, band_h), 0)
    text_draw, shadow_draw = ImageDraw.Draw(text_layer), ImageDraw.Draw(shadow_mask)
    for index, line in enumerate(lines):
        y = pad + index * line_h
        text_draw.text(
            (centre, y),
            line,
            font=font,
            anchor="ma",
            fill=(255, 255, 255, 255),
            stroke_width=stroke,
            stroke_fill=(0, 0, 0, 255),
        )
        shadow_draw.text(
            (centre + shadow, y + shadow),
            line,
            font=font,
            anchor="ma",
            fill=255,
            stroke_width=stroke,
            stroke_fill=255,
        )
    shadow_mask = shadow_mask.filter(ImageFilter.GaussianBlur(blur))
    shadow_mask = shadow_mask.point(lambda value: round(value * SHADOW_OPACITY))
    band = Image.new("RGBA", (width, band_h), (0, 0, 0, 0))
    band.putalpha(shadow_mask)
    band.alpha_composite(text_layer)
    return np.asarray(band, dtype=np.uint8).copy()


def _trim(band: NDArray[np.uint8], y: int) -> Overlay:
    """Drop fully transparent rows so per-frame blending touches only inked rows."""
    rows = np.flatnonzero(band[:, :, 3].any(axis=1))
    if rows.size == 0:
        return band[:0].copy(), 0
    return band[rows[0] : rows[-1] + 1].copy(), y + int(rows[0])


def _drawable(text: str, font_path: Path) -> str:
    """Drop characters no font can draw (emoji, say) rather than draw boxes."""
    text = normalise_text(text)
    missing = missing_glyphs(text, font_path)
    if missing:
        logger.warning(
            "caption drops %d character(s) no font covers: %s",
            len(missing),
            " ".join(f"U+{ord(char):04X}" for char in sorted(missing)),
        )
    return "".join(char for char in text if char not in missing)


def _wrap(text: str, font: ImageFont.FreeTypeFont, max_width: float) -> list[str]:
    lines: list[str] = []
    for paragraph in normalise_text(text).splitlines():
        lines.extend(_wrap_paragraph(paragraph.split(), font, max_width))
    return lines


def _balanced(
    text: str, font: ImageFont.FreeTypeFont, max_width: float, line_count: int
) -> list[str]:
    """Greedy wrap at the narrowest width that still needs only `line_count` lines."""
    low, high = max_width / line_count / 2.0, max_width
    best = _wrap(text, font, max_width)
    while high - low > 1.0:
        middle = (low + high) / 2.0
        lines = _wrap(text, font, middle)
        if len(lines) <= line_count and all(font.getlength(line) <= middle for line in lines):
            best, high = lines, middle
        else:
            low = middle
    return best


def _wrap_paragraph(words: list[str], font: ImageFont.FreeTypeFont, max_width: float) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        if font.getlength(candidate) <= max_width:
            current = candidate
            continue
        if current:
            lines.append(current)
        while len(word) > 1 and font.getlength(word) > max_width:
            cut = _longest_prefix(word, font, max_width)
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    if current:
        lines.append(current)
    return lines


def _longest_prefix(word: str, font: ImageFont.FreeTypeFont, max_width: float) -> int:
    cut = 1
    while cut < len(word) and font.getlength(word[: cut + 1]) <= max_width:
        cut += 1
    return cut


def _with_ellipsis(line: str, font: ImageFont.FreeTypeFont, max_width: float) -> str:
    line = line.rstrip()
    while line and font.getlength(line + ELLIPSIS) > max_width:
        head, space, _ = line.rpartition(" ")
        line = head.rstrip() if space else line[:-1]
    return line + ELLIPSIS
