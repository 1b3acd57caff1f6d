"""Caption layout: measured wrapping, Vietnamese coverage, and text inside the safe area."""

from __future__ import annotations

import io
import itertools
import logging
import unicodedata
from pathlib import Path

import numpy as np
import pytest
from PIL import ImageFont

from bot.media.captions import (
    ELLIPSIS,
    render_caption_overlay,
    render_title_overlay,
    safe_area,
    wrap_caption,
)
from bot.media.fonts import (
    caption_font_path,
    covering_font,
    load_font,
    missing_glyphs,
    normalise_text,
)

VIETNAMESE = "Vịnh Hạ Long lúc bình minh"


def ink_box(overlay: tuple[np.ndarray, int]) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) in frame pixels of the overlay's non-transparent pixels."""
    band, y = overlay
    rows = np.flatnonzero(band[:, :, 3].any(axis=1))
    cols = np.flatnonzero(band[:, :, 3].any(axis=0))
    return int(cols[0]), y + int(rows[0]), int(cols[-1]) + 1, y + int(rows[-1]) + 1


def test_font_is_packaged_and_loads_by_weight() -> None:
    assert caption_font_path().is_file()
    bold, regular = load_font(40, "Bold"), load_font(40, "Regular")
    assert bold is load_font(40, "Bold"), "fonts are cached"
    assert bold.getlength(VIETNAMESE) > regular.getlength(VIETNAMESE)
    with pytest.raises(ValueError, match="weight"):
        load_font(40, "Wobbly")


def test_vietnamese_is_fully_covered_even_when_decomposed() -> None:
    assert missing_glyphs(VIETNAMESE, caption_font_path()) == set()
    decomposed = unicodedata.normalize("NFD", VIETNAMESE)
    assert decomposed != VIETNAMESE
    assert normalise_text(decomposed) == VIETNAMESE
    assert missing_glyphs(decomposed, caption_font_path()) == set()


def test_missing_glyphs_finds_what_the_font_lacks() -> None:
    assert missing_glyphs("Hi 🎬 漢字\n", caption_font_path()) == {"🎬", "漢", "字"}


def test_wrapping_uses_measured_width_not_character_count() -> None:
    font = load_font(40)
    narrow, wide = " ".join(["iiii"] * 8), " ".join(["WWWW"] * 8)
    limit = font.getlength("WWWW WWWW") + 1
    narrow_lines = wrap_caption(narrow, font, limit, max_lines=10, balance=False)
    wide_lines = wrap_caption(wide, font, limit, max_lines=10, balance=False)
    assert len(wide_lines) == 4
    assert len(narrow_lines) < len(wide_lines)
    for lines in (narrow_lines, wide_lines):
        assert all(font.getlength(line) <= limit for line in lines)
        assert " ".join(lines) == (narrow if lines is narrow_lines else wide)


def test_greedy_wrapping_fills_each_line() -> None:
    font = load_font(32)
    text = "Vịnh Hạ Long lúc bình minh, khi sương còn phủ trên mặt nước xanh"
    lines = wrap_caption(text, font, 420, max_lines=10, balance=False)
    for line, following in itertools.pairwise(lines):
        assert font.getlength(f"{line} {following.split()[0]}") > 420


def test_balanced_wrapping_keeps_the_line_count_and_avoids_orphans() -> None:
    font = load_font(40)
    text = "Vịnh Hạ Long lúc bình minh, khi sương còn phủ trên mặt nước"
    greedy = wrap_caption(text, font, 1000, balance=False)
    balanced = wrap_caption(text, font, 1000)
    assert greedy[-1] == "trên mặt nước"
    assert len(balanced) == len(greedy) == 2
    assert " ".join(balanced) == text

    def spread(lines: list[str]) -> float:
        widths = [font.getlength(line) for line in lines]
        return max(widths) - min(widths)

    assert all(font.getlength(line) <= 1000 for line in balanced)
    assert spread(balanced) < spread(greedy) / 3


def test_overflow_ends_in_an_ellipsis_within_max_lines() -> None:
    font = load_font(40)
    lines = wrap_caption(" ".join(["mùa hè"] * 30), font, 300, max_lines=3)
    assert len(lines) == 3
    assert lines[-1].endswith(ELLIPSIS)
    assert all(font.getlength(line) <= 300 for line in lines)


def test_a_word_wider_than_the_line_is_broken() -> None:
    font = load_font(40)
    lines = wrap_caption("Supercalifragilisticexpialidocious", font, 200, max_lines=10)
    assert len(lines) > 1
    assert "".join(lines) == "Supercalifragilisticexpialidocious"
    assert all(font.getlength(line) <= 200 for line in lines)


def test_wrapping_normalises_to_nfc() -> None:
    font = load_font(40)
    lines = wrap_caption(unicodedata.normalize("NFD", VIETNAMESE), font, 2000)
    assert lines == [VIETNAMESE]


@pytest.mark.parametrize(("width", "height"), [(720, 1280), (1080, 1920)])
def test_vertical_captions_keep_clear_of_the_reels_buttons(width: int, height: int) -> None:
    overlay = render_caption_overlay(VIETNAMESE, width, height)
    left, top, right, bottom = ink_box(overlay)
    assert bottom <= 0.80 * height, "the bottom 20% holds the app's caption and buttons"
    assert right <= 0.88 * width, "the right 12% holds the like/comment/share column"
    assert left >= 0 and top >= 0.10 * height
    assert bottom > 0.6 * height, "a caption sits in the lower part"


@pytest.mark.parametrize(("width", "height"), [(1280, 720), (640, 360), (1080, 1080)])
def test_other_aspects_keep_an_eight_percent_margin(width: int, height: int) -> None:
    long_caption = " ".join([VIETNAMESE] * 6)
    overlay = render_caption_overlay(long_caption, width, height)
    sl, st, sr, sb = safe_area(width, height)
    left, top, right, bottom = ink_box(overlay)
    assert (sl, st, sr, sb) == (
        round(0.08 * width),
        round(0.08 * height),
        width - round(0.08 * width),
        height - round(0.08 * height),
    )
    assert sl <= left and right <= sr and st <= top and bottom <= sb


def test_caption_has_a_dark_outline_around_light_text() -> None:
    band, _ = render_caption_overlay(VIETNAMESE, 1280, 720)
    opaque = band[:, :, 3] == 255
    luma = band[:, :, :3].mean(axis=2)
    assert (opaque & (luma > 240)).sum() > 500, "white letters"
    assert (opaque & (luma < 20)).sum() > 500, "black stroke"
    soft = (band[:, :, 3] > 0) & (band[:, :, 3] < 200)
    assert soft.sum() > 500, "a soft shadow"


def test_caption_drops_characters_the_font_cannot_draw() -> None:
    with_emoji, _ = render_caption_overlay(f"{VIETNAMESE} 🎬", 1280, 720)
    plain, _ = render_caption_overlay(VIETNAMESE, 1280, 720)
    assert with_emoji.shape == plain.shape
    assert np.array_equal(with_emoji, plain)


def test_empty_caption_is_an_empty_band() -> None:
    band, _ = render_caption_overlay("   ", 1280, 720)
    assert band.shape == (0, 1280, 4)


@pytest.mark.parametrize(("width", "height"), [(1280, 720), (720, 1280)])
def test_title_is_bigger_and_centred_in_the_safe_area(width: int, height: int) -> None:
    title = render_title_overlay("Chuyến đi mùa hè", width, height)
    caption = render_caption_overlay("Chuyến đi mùa hè", width, height)
    sl, st, sr, sb = safe_area(width, height)
    left, top, right, bottom = ink_box(title)
    assert sl <= left and right <= sr and st <= top and bottom <= sb
    assert abs((left + right) / 2 - (sl + sr) / 2) < 0.03 * width
    assert abs((top + bottom) / 2 - (st + sb) / 2) < 0.05 * height
    assert title[0].shape[0] > caption[0].shape[0]


@pytest.fixture
def latin_only_font(tmp_path: Path) -> Path:
    """Pillow's built-in Aileron: Basic Latin only, no Vietnamese letters."""
    font = ImageFont.load_default(40)
    assert isinstance(font.path, io.BytesIO)
    path = tmp_path / "aileron.ttf"
    path.write_bytes(font.path.getvalue())
    return path


def test_a_font_without_vietnamese_falls_back_to_one_that_covers_it(latin_only_font: Path) -> None:
    assert missing_glyphs(VIETNAMESE, latin_only_font), "the test font lacks Vietnamese"
    assert covering_font(VIETNAMESE, latin_only_font) == caption_font_path()
    assert covering_font("Ha Long Bay", latin_only_font) == latin_only_font
    fallback = render_caption_overlay(VIETNAMESE, 1080, 1920, font_path=latin_only_font)
    packaged = render_caption_overlay(VIETNAMESE, 1080, 1920)
    assert fallback[1] == packaged[1] and np.array_equal(fallback[0], packaged[0])


def test_a_vietnamese_caption_keeps_every_glyph_inside_the_safe_area(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING):
        overlay = render_caption_overlay(unicodedata.normalize("NFD", VIETNAMESE), 1080, 1920)
    assert not caplog.records, "nothing dropped"
    assert missing_glyphs(VIETNAMESE, covering_font(VIETNAMESE)) == set()
    left, top, right, bottom = ink_box(overlay)
    sl, st, sr, sb = safe_area(1080, 1920)
    assert sl <= left and right <= sr and st <= top and bottom <= sb
    # Drawn in the covering font, the text has the ink of its letters and diacritics: the
    # same text with its marks stripped draws less.
    plain = render_caption_overlay("Vinh Ha Long luc binh minh", 1080, 1920)
    assert (overlay[0][:, :, 3] == 255).sum() > (plain[0][:, :, 3] == 255).sum()


def test_characters_no_font_covers_are_dropped_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="bot.media.captions"):
        render_caption_overlay(f"{VIETNAMESE} 🎬", 1280, 720)
    assert any("U+1F3AC" in record.getMessage() for record in caplog.records)
