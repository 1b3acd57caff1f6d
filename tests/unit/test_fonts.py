"""Glyph coverage read with fontTools: plain fonts and font collections."""

from __future__ import annotations

import io
from pathlib import Path

from fontTools.ttLib import TTFont
from fontTools.ttLib.ttCollection import TTCollection
from PIL import ImageFont

from bot.media.fonts import caption_font_path, covering_font, missing_glyphs

VIETNAMESE = "Chuyến đi Hạ Long"


def aileron(folder: Path) -> Path:
    """Pillow's built-in Aileron: Basic Latin only."""
    font = ImageFont.load_default(40)
    assert isinstance(font, ImageFont.FreeTypeFont) and isinstance(font.path, io.BytesIO)
    path = folder / "aileron.ttf"
    path.write_bytes(font.path.getvalue())
    return path


def collection(folder: Path, *fonts: Path) -> Path:
    """A TrueType collection (.ttc) of the fonts, in order."""
    bundle = TTCollection()
    bundle.fonts = [TTFont(str(font)) for font in fonts]
    path = folder / "bundle.ttc"
    bundle.save(str(path))
    return path


def test_a_collection_is_read_by_its_first_font(tmp_path: Path) -> None:
    latin = aileron(tmp_path)
    latin_first = collection(tmp_path, latin, caption_font_path())
    assert missing_glyphs("Ha Long", latin_first) == set()
    assert missing_glyphs(VIETNAMESE, latin_first) == missing_glyphs(VIETNAMESE, latin)
    assert missing_glyphs(VIETNAMESE, latin) >= {"ế", "ạ"}


def test_the_packaged_font_covers_vietnamese_and_lacks_emoji_and_han() -> None:
    assert missing_glyphs(VIETNAMESE, caption_font_path()) == set()
    assert missing_glyphs("🎬 漢", caption_font_path()) == {"🎬", "漢"}
    assert covering_font(VIETNAMESE, None) == caption_font_path()


def test_coverage_agrees_with_what_pillow_draws(tmp_path: Path) -> None:
    latin = aileron(tmp_path)
    font = ImageFont.truetype(str(latin), 40)

    def pixels(char: str) -> bytes:
        return bytes(font.getmask(char))

    notdef = pixels("\U0010fffd")  # a private-use code point no font maps: the .notdef box
    for char in "Aaếạ":
        assert (pixels(char) == notdef) == (char in missing_glyphs(char, latin)), char
