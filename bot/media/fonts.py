"""The caption font: where it lives, loading it by weight, and which characters it can draw."""

from __future__ import annotations

import functools
import struct
import unicodedata
from pathlib import Path

import fontpkg_noto_sans
from PIL import ImageFont

_NOTO_SANS = "NotoSans[wdth,wght].ttf"
# cmap subtables that map Unicode code points: (platform, encoding) pairs.
_UNICODE_ENCODINGS = {(0, 3), (0, 4), (0, 6), (3, 1), (3, 10)}


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
    data = font_path.read_bytes()
    cmap = _table(data, b"cmap")
    (count,) = struct.unpack_from(">H", cmap, 2)
    covered: set[int] = set()
    for index in range(count):
        platform, encoding, offset = struct.unpack_from(">HHI", cmap, 4 + 8 * index)
        if (platform, encoding) not in _UNICODE_ENCODINGS:
            continue
        (fmt,) = struct.unpack_from(">H", cmap, offset)
        if fmt == 4:
            covered |= _format4(cmap, offset)
        elif fmt == 12:
            covered |= _format12(cmap, offset)
    return frozenset(covered)


def _table(data: bytes, tag: bytes) -> bytes:
    start = 0
    if data[:4] == b"ttcf":  # a collection: use its first font
        (start,) = struct.unpack_from(">I", data, 12)
    (count,) = struct.unpack_from(">H", data, start + 4)
    for index in range(count):
        record = start + 12 + 16 * index
        if data[record : record + 4] == tag:
            offset, length = struct.unpack_from(">II", data, record + 8)
            return data[offset : offset + length]
    raise ValueError(f"font has no {tag.decode()} table")


def _format4(cmap: bytes, offset: int) -> set[int]:
    (seg_count_x2,) = struct.unpack_from(">H", cmap, offset + 6)
    segs = seg_count_x2 // 2
    ends_at = offset + 14
    starts_at = ends_at + seg_count_x2 + 2
    deltas_at = starts_at + seg_count_x2
    range_offsets_at = deltas_at + seg_count_x2
    covered: set[int] = set()
    for seg in range(segs):
        (end,) = struct.unpack_from(">H", cmap, ends_at + 2 * seg)
        (start,) = struct.unpack_from(">H", cmap, starts_at + 2 * seg)
        (delta,) = struct.unpack_from(">H", cmap, deltas_at + 2 * seg)
        range_offset_at = range_offsets_at + 2 * seg
        (range_offset,) = struct.unpack_from(">H", cmap, range_offset_at)
        for code in range(start, end + 1):
            if code == 0xFFFF:
                continue
            if range_offset == 0:
                glyph = (code + delta) & 0xFFFF
            else:
                at = range_offset_at + range_offset + 2 * (code - start)
                (glyph,) = struct.unpack_from(">H", cmap, at)
                glyph = (glyph + delta) & 0xFFFF if glyph else 0
            if glyph:
                covered.add(code)
    return covered


def _format12(cmap: bytes, offset: int) -> set[int]:
    (groups,) = struct.unpack_from(">I", cmap, offset + 12)
    covered: set[int] = set()
    for group in range(groups):
        start, end, first_glyph = struct.unpack_from(">III", cmap, offset + 16 + 12 * group)
        covered.update(range(start + (1 if first_glyph == 0 else 0), end + 1))
    return covered
