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
LYRIC_SIZE = 0.062
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
    where: str  # "bottom", "centre" or "top" of the safe area


_CAPTION = _Placement(CAPTION_SIZE, 12, "bottom")
_TITLE = _Placement(TITLE_SIZE, 16, "centre")
_HIGH_CAPTION = _Placement(CAPTION_SIZE, 12, "top")
_LYRIC = _Placement(LYRIC_SIZE, 12, "bottom")

WHITE = (255, 255, 255, 255)
HIGHLIGHT = (255, 214, 64, 255)  # the word being sung


@dataclass(frozen=True)
class LyricOverlays:
    """A lyric line drawn once in white, and each of its words once in the highlight colour.

    `words` holds one overlay per word of the line (the band masked to that word's box), or
    is empty when the drawn words cannot be matched to the line's timed words.
    """

    line: Overlay
    words: tuple[Overlay, ...]


def render_caption_overlay(
    text: str,
    width: int,
    height: int,
    font_size: int | None = None,
    *,
    font_path: Path | None = None,
    max_lines: int = 3,
    high: bool = False,
) -> Overlay:
    """A scene caption at the bottom of the safe area (or its top, `high`), centred in it."""
    placement = _HIGH_CAPTION if high else _CAPTION
    return _render_overlay(placement, text, width, height, font_size, font_path, max_lines)


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


def render_lyric_overlays(
    text: str,
    word_count: int,
    width: int,
    height: int,
    *,
    font_path: Path | None = None,
    max_lines: int = 3,
) -> LyricOverlays:
    """A lyric line low in the safe area, plus a highlighted overlay of each of its words."""
    size = max(_LYRIC.min_size, round(min(width, height) * _LYRIC.size))
    font_path = covering_font(text, font_path)
    font = load_font(size, "Bold", font_path)
    layout = _layout(text, font, width, height, max_lines, font_path)
    band = _draw(layout, font, width, WHITE)
    y = _band_top(_LYRIC, band.shape[0], width, height)
    words: tuple[Overlay, ...] = ()
    if len(layout.word_boxes) == word_count and not layout.cut:
        lit = _draw(layout, font, width, HIGHLIGHT)
        words = tuple(_trim(_masked(lit, box), y) for box in layout.word_boxes)
    return LyricOverlays(_trim(band, y), words)


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
    band = _draw(_layout(text, font, width, height, max_lines, font_path), font, width, WHITE)
    return _trim(band, _band_top(placement, band.shape[0], width, height))


def _band_top(placement: _Placement, band_height: int, width: int, height: int) -> int:
    _, top, _, bottom = safe_area(width, height)
    if placement.where == "centre":
        return (top + bottom - band_height) // 2
    if placement.where == "top":
        return top
    return bottom - band_height


@dataclass(frozen=True)
class _Layout:
    """Wrapped lines and where each word's ink may fall in the band (x0, y0, x1, y1)."""

    lines: tuple[str, ...]
    pad: int
    line_height: int
    stroke: int
    shadow: int
    blur: float
    centre: float
    word_boxes: tuple[tuple[int, int, int, int], ...]
    cut: bool  # the text did not fit in its lines (ellipsis)


def _layout(
    text: str,
    font: ImageFont.FreeTypeFont,
    width: int,
    height: int,
    max_lines: int,
    font_path: Path,
) -> _Layout:
    left, _, right, _ = safe_area(width, height)
    size = int(font.size)
    stroke = max(1, round(size * 0.08))
    shadow = max(1, round(size * 0.05))
    blur = max(1.0, size * 0.06)
    pad = stroke + shadow + math.ceil(3 * blur) + 2
    drawable = _drawable(text, font_path)
    lines = wrap_caption(drawable, font, right - left - 2 * pad, max_lines)
    ascent, descent = font.getmetrics()
    line_h = round((ascent + descent) * 1.05)
    centre = (left + right) / 2.0
    boxes: list[tuple[int, int, int, int]] = []
    for index, line in enumerate(lines):
        x = centre - font.getlength(line) / 2.0
        y = pad + index * line_h
        for word in line.split(" "):
            if not word:
                continue
            word_x = x
            word_w = font.getlength(word)
            # Only the fill differs between the white and the lit drawing, so the box need
            # not hold the word's shadow, and must not reach the fill of the lines around it.
            boxes.append(
                (
                    max(0, math.floor(word_x - stroke - 1)),
                    max(0, y - stroke // 2),
                    min(width, math.ceil(word_x + word_w + stroke + 1)),
                    y + ascent + descent + stroke // 2,
                )
            )
            x += word_w + font.getlength(" ")
    cut = bool(lines) and lines[-1].endswith(ELLIPSIS) and not drawable.endswith(ELLIPSIS)
    return _Layout(tuple(lines), pad, line_h, stroke, shadow, blur, centre, tuple(boxes), cut)


def _draw(
    layout: _Layout, font: ImageFont.FreeTypeFont, width: int, fill: tuple[int, int, int, int]
) -> NDArray[np.uint8]:
    if not layout.lines:
        return np.zeros((0, width, 4), dtype=np.uint8)
    pad, line_h, stroke, shadow = layout.pad, layout.line_height, layout.stroke, layout.shadow
    band_h = line_h * len(layout.lines) + 2 * pad
    centre = layout.centre
    text_layer = Image.new("RGBA", (width, band_h), (0, 0, 0, 0))
    shadow_mask = Image.new("L", (width, band_h), 0)
    text_draw, shadow_draw = ImageDraw.Draw(text_layer), ImageDraw.Draw(shadow_mask)
    for index, line in enumerate(layout.lines):
        y = pad + index * line_h
        text_draw.text(
            (centre, y),
            line,
            font=font,
            anchor="ma",
            fill=fill,
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
    shadow_mask = shadow_mask.filter(ImageFilter.GaussianBlur(layout.blur))
    shadow_mask = shadow_mask.point(lambda value: round(value * SHADOW_OPACITY))
    band = Image.new("RGBA", (width, band_h), (0, 0, 0, 0))
    band.putalpha(shadow_mask)
    band.alpha_composite(text_layer)
    return np.asarray(band, dtype=np.uint8).copy()


def _masked(band: NDArray[np.uint8], box: tuple[int, int, int, int]) -> NDArray[np.uint8]:
    """The band with everything outside `box` made transparent."""
    x0, y0, x1, y1 = box
    out = np.zeros_like(band)
    out[y0:y1, x0:x1] = band[y0:y1, x0:x1]
    return out


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
