"""Parsing untrusted input: callback data, file kinds, user text."""

import pytest

from bot.handlers.callback_data import encode, parse_id_pair, parse_int_argument
from bot.handlers.files import FileKind, audio_extension, classify_document, extension_of
from bot.studio.text import clean_text, language_for


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("switch:12", 12),
        ("switch:", None),
        ("switch:-1", None),
        ("switch:1e3", None),
        ("other:12", None),
        (None, None),
        ("switch:" + "9" * 40, None),
    ],
)
def test_parse_int_argument(data: str | None, expected: int | None) -> None:
    assert parse_int_argument(data, "switch") == expected


def test_encode_refuses_over_64_bytes() -> None:
    assert encode("switch", 42) == "switch:42"
    with pytest.raises(ValueError):
        encode("switch", "x" * 64)


@pytest.mark.parametrize(
    ("mime", "name", "kind"),
    [
        ("image/jpeg", "a.jpg", FileKind.IMAGE),
        (None, "photo.PNG", FileKind.IMAGE),
        ("image/heic", "IMG_0001.HEIC", FileKind.IMAGE),
        ("image/heif", None, FileKind.IMAGE),
        ("image/heic-sequence", "IMG_0002.HEIC", FileKind.IMAGE),
        ("application/octet-stream", "IMG_0003.heic", FileKind.IMAGE),
        (None, "photo.heif", FileKind.IMAGE),
        ("audio/mpeg", "song.mp3", FileKind.AUDIO),
        ("application/octet-stream", "x.flac", FileKind.AUDIO),
        ("application/pdf", "doc.pdf", FileKind.OTHER),
        (None, None, FileKind.OTHER),
    ],
)
def test_classify_document(mime: str | None, name: str | None, kind: FileKind) -> None:
    assert classify_document(mime, name) is kind


def test_extensions_never_carry_paths() -> None:
    assert extension_of("../../etc/passwd") == ""
    assert extension_of("..\\..\\evil.MP3") == "mp3"
    assert audio_extension("audio/mpeg", "../x") == "mp3"
    assert audio_extension(None, "weird.exe") == "audio"


def test_clean_text_normalises_to_nfc_and_drops_controls() -> None:
    decomposed = "Vi\u0323nh Ha\u0323 Long"
    assert clean_text(decomposed) == "Vịnh Hạ Long"
    assert clean_text("a\x00b\u200b  c\n") == "ab c"


def test_language_for() -> None:
    assert language_for("vi") == "vi"
    assert language_for("vi-VN") == "vi"
    assert language_for("de") == "en"
    assert language_for(None) == "en"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("undo:12:345", (12, 345)),
        ("undo:12", None),
        ("undo:12:x", None),
        ("undo::3", None),
        ("undo:1:2:3", None),
        ("pj:1:2", None),
        ("undo:1:" + "9" * 19, None),
        (None, None),
    ],
)
def test_undo_buttons_carry_two_ids_and_nothing_else(
    data: str | None, expected: tuple[int, int] | None
) -> None:
    assert parse_id_pair(data, "undo") == expected
