"""The caption credit reader and the forward origin's name (pure)."""

from __future__ import annotations

import unicodedata

import pytest
from telegram import Message

from bot.handlers.attribution import arrival_of, forward_name
from bot.studio.attribution import MAX_NAME_CHARS, CaptionCredit, music_credit, read_caption
from tests.support.telegram_emulator import (
    origin_channel,
    origin_chat,
    origin_hidden_user,
    origin_user,
)


@pytest.mark.parametrize(
    ("caption", "idea", "credit"),
    [
        ("Sunset over the bay © Anna Lee", "Sunset over the bay", "Anna Lee"),
        ("(c) Bob Marley", "", "Bob Marley"),
        ("Copyright 2024 Jane Doe.", "", "Jane Doe"),
        ("© 2023 Anna Lee", "", "Anna Lee"),
        ("Harbour lights\nPhoto: Minh Trần", "Harbour lights", "Minh Trần"),
        ("Photo by John Smith - a boat at night", "a boat at night", "John Smith"),
        ("Photographer: Ann Chen | Hanoi streets", "Hanoi streets", "Ann Chen"),
        ("Video: Bảo", "", "Bảo"),
        ("Footage by Lan", "", "Lan"),
        ("Sunset © @anna_photos", "Sunset", "@anna_photos"),
    ],
)
def test_english_credits_leave_the_idea(caption: str, idea: str, credit: str) -> None:
    assert read_caption(caption) == CaptionCredit(idea, credit)


@pytest.mark.parametrize(
    ("caption", "idea", "credit"),
    [
        ("Ảnh: Nguyễn Văn An", "", "Nguyễn Văn An"),
        ("Ảnh của Lê Thị Hoa", "", "Lê Thị Hoa"),
        ("Bến thuyền lúc bình minh\nẢnh: Trần Minh", "Bến thuyền lúc bình minh", "Trần Minh"),
        ("Phố cổ về đêm - Ảnh của Phạm Hùng", "Phố cổ về đêm", "Phạm Hùng"),
        ("Quay: Hùng", "", "Hùng"),
        ("Chợ nổi (Quay phim: Đức Anh)", "Chợ nổi", "Đức Anh"),
        ("Hoàng hôn © Nguyễn Thu Hà, chụp ở Hội An", "Hoàng hôn, chụp ở Hội An", "Nguyễn Thu Hà"),
    ],
)
def test_vietnamese_credits_leave_the_idea(caption: str, idea: str, credit: str) -> None:
    assert read_caption(caption) == CaptionCredit(idea, credit)


def test_decomposed_vietnamese_is_read_and_kept_composed() -> None:
    decomposed = unicodedata.normalize("NFD", "Ảnh: Nguyễn Văn An")
    said = read_caption(decomposed)
    assert said.credit == "Nguyễn Văn An"
    assert said.credit == unicodedata.normalize("NFC", said.credit)


@pytest.mark.parametrize(
    "caption",
    [
        "a boat at night",
        "the © sign on the old shop",  # "©" inside a sentence, no name after it
        "Photo: a boat at night on the river with lanterns",  # a description, not a name
        "photo of a boat",
        "I love this photo: it is nice",
        "Ảnh: những con thuyền trên sông",
    ],
)
def test_no_credit_keeps_the_whole_caption_as_the_idea(caption: str) -> None:
    assert read_caption(caption) == CaptionCredit(caption, None)


def test_no_caption_and_only_a_credit() -> None:
    assert read_caption(None) == CaptionCredit("", None)
    assert read_caption("   ") == CaptionCredit("", None)
    assert read_caption("© Anna Lee") == CaptionCredit("", "Anna Lee")


def test_a_very_long_name_is_cut_at_a_word() -> None:
    name = " ".join(["Verylongname"] * 20)
    said = read_caption(f"Rice fields © {name}")
    assert said.idea == "Rice fields"
    assert said.credit is not None and said.credit.endswith("…")
    assert len(said.credit) <= MAX_NAME_CHARS + 1
    assert "Verylongname Verylongname" in said.credit


def test_markup_characters_stay_in_the_name_and_markdown_emphasis_goes() -> None:
    assert read_caption("(c) Bob & <Co>").credit == "Bob & <Co>"
    assert read_caption("© **Anna**").credit == "Anna"


def test_music_credit_from_tags() -> None:
    assert music_credit("Trần Tiến", "Bài ca Hà Nội") == "Trần Tiến – Bài ca Hà Nội"
    assert music_credit(None, "Only a title") == "Only a title"
    assert music_credit("  ", None) == ""


def _forwarded(origin: dict[str, object], album: str | None = None) -> Message:
    data: dict[str, object] = {
        "message_id": 5,
        "date": 1_700_000_000,
        "chat": {"id": 42, "type": "private", "first_name": "Dũng"},
        "from": {"id": 42, "is_bot": False, "first_name": "Dũng", "username": "dung_dir"},
        "forward_origin": origin,
        "photo": [],
    }
    if album:
        data["media_group_id"] = album
    message = Message.de_json(data, None)
    assert message is not None
    return message


def test_forward_origins_name_the_author_or_the_chat() -> None:
    def name(origin: dict[str, object]) -> str | None:
        return forward_name(_forwarded(origin).forward_origin)

    assert name(origin_user(7, "Anna", "Lee", "annalee")) == "Anna Lee"
    assert name(origin_hidden_user("Hidden Photographer")) == "Hidden Photographer"
    assert name(origin_chat(-100, "Hanoi Photo Club")) == "Hanoi Photo Club"
    assert name(origin_channel(-200, "Ảnh Việt", 9, "Trần Minh")) == "Trần Minh (Ảnh Việt)"
    assert name(origin_channel(-200, "Ảnh Việt", 9)) == "Ảnh Việt"
    assert forward_name(None) is None


def test_the_arrival_records_the_sender_the_origin_and_the_album() -> None:
    arrival = arrival_of(_forwarded(origin_user(7, "Anna"), album="A1"))
    assert arrival is not None
    assert (arrival.sender.user_id, arrival.sender.name, arrival.sender.username) == (
        42,
        "Dũng",
        "dung_dir",
    )
    assert (arrival.forwarded_from, arrival.album) == ("Anna", "A1")
