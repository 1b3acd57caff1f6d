"""The caption font: where it lives, loading it by weight, and which characters it can draw."""

from __future__ import annotations

import functools
import unicodedata
from pathlib import Path

import fontpkg_noto_sans
from fontTools.ttLib import TTFont
from PIL import ImageFont

_NOTO_SANS = "NotoSans[wdth,wght].ttf"


def caption_font_path() -> Path:
    """Path of the packaged Noto Sans variable font (covers Latin, Vietnamese, Greek, Cyrillic)."""
    return Path(fontpkg_noto_sans.__file__).parent / "files" / _NOTO_SANS


def covering_font(text: str, preferred: Path | None = None) -> Path:
    """The first font of `preferred`, then the packaged one, that draws every character of `text`.

    When none covers it all, the one that misses fewest characters.
    """
    candidates = [path for path in (preferred, caption_font_path()) if path is not None]
    misses = [len(missing_glyphs(text, path)) for path in candidates]
    return candidates[misses.index(min(misses))]


def normalise_text(text: str) -> str:
    """NFC-normalise text so Pillow draws precomposed letters (Vietnamese needs it)."""
    return unicodedata.normalize("NFC", text)


@functools.lru_cache(maxsize=32)
def load_font(
    size: int, weight: str = "Bold", font_path: Path | None = None
) -> ImageFont.FreeTypeFont:
    """Load the caption font (or `font_path`) at `size` px, at a named weight if it is variable."""
    path = font_path or caption_font_path()
    font = ImageFont.truetype(str(path), size)
    try:
        names = font.get_variation_names()
    except OSError:  # not a variable font: it has one weight
        return font
    wanted = weight.encode()
    if wanted not in names:
        raise ValueError(f"font {path.name} has no weight {weight!r}")
    font.set_variation_by_name(weight)
    return font


def missing_glyphs(text: str, font_path: Path) -> set[str]:
    """Characters of the NFC-normalised text that the font's cmap does not map to a glyph."""
    covered = _covered_code_points(font_path)
    return {
        char
        for char in normalise_text(text)
        if ord(char) not in covered and unicodedata.category(char) != "Cc"
    }


@functools.lru_cache(maxsize=8)
def _covered_code_points(font_path: Path) -> frozenset[int]:
    """Code points the font's best Unicode cmap maps to a real glyph (a collection: its first)."""
    with TTFont(str(font_path), fontNumber=0, lazy=True) as font:
        cmap = font.getBestCmap() or {}
    return frozenset(code for code, glyph in cmap.items() if glyph != ".notdef")
