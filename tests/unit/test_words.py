"""The offline reader: the phrasings table, folding and scene references."""

import pytest

from bot.studio.edits import (
    Delete,
    Every,
    FromEnd,
    FromStart,
    Keep,
    Numbered,
    Relative,
    Same,
    SceneRef,
    SetStyle,
)
from bot.studio.reading import Instruction, InstructionReader, Meaning, ReadRequest, SceneIdea
from bot.studio.words import OfflineReader, read_words
from bot.studio.words.normalise import fold
from bot.studio.words.numbers import MAX_RANGE, parse_ref
from tests.words_phrasings import PHRASINGS, STYLES


@pytest.mark.parametrize(("text", "meaning"), PHRASINGS, ids=[t for t, _ in PHRASINGS])
def test_phrasing_reads_as_expected(text: str, meaning: Meaning) -> None:
    assert read_words(text, STYLES) == meaning


_VIETNAMESE_WORDS = {"canh", "xoa", "doi", "giu", "lam", "lai", "dat", "ten", "phong", "cach"}
_VIETNAMESE_WORDS |= {"doc", "bao", "nhieu", "quay", "tan", "hoan", "tac", "xuat", "co"}


def test_table_covers_both_languages_and_ideas() -> None:
    marked = [t for t, _ in PHRASINGS if not t.isascii()]
    unmarked = [t for t, _ in PHRASINGS if t.isascii() and _VIETNAMESE_WORDS & set(t.split())]
    ideas = [t for t, m in PHRASINGS if isinstance(m, SceneIdea)]
    assert len(PHRASINGS) >= 80
    assert len(ideas) >= 15
    assert len(unmarked) >= 12
    assert len(marked) + len(unmarked) >= len(PHRASINGS) / 2


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Xoá CẢNH 2!", "xoa canh 2 ,"),
        ("đổi chỗ cảnh 1 với cảnh 3", "doi cho canh 1 voi canh 3"),
        ("xóa cảnh 2", "xoa canh 2"),
        ("make it 16:9", "make it 16:9"),
        ("don't keep scene 2", "dont keep scene 2"),
        ("scenes 2-4, then render", "scenes 2-4 , then render"),
        ("cross-fade", "cross fade"),
        ("cảnh sáu", "canh 6"),
        ("cảnh cười", "canh cười"),
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text).text == folded


def test_fold_keeps_the_source_of_every_character() -> None:
    folded = fold('Caption of scene 2: "Hà Nội 1945".')
    colon = folded.text.index(":")
    assert folded.original(colon + 1, len(folded.text)) == "Hà Nội 1945"


@pytest.mark.parametrize(
    ("text", "ref"),
    [
        ("scene 2", Numbered((2,))),
        ("scenes 2-4", Numbered((2, 3, 4))),
        ("scenes 2 to 4", Numbered((2, 3, 4))),
        ("canh 2 den 4", Numbered((2, 3, 4))),
        ("tu canh 2 toi 4", Numbered((2, 3, 4))),
        ("scenes 1, 2 and 4", Numbered((1, 2, 4))),
        ("scene two", Numbered((2,))),
        ("the second scene", Numbered((2,))),
        ("canh thu hai", Numbered((2,))),
        ("canh nam", Numbered((5,))),
        ("the first", FromStart(1)),
        ("canh dau tien", FromStart(1)),
        ("the first two", FromStart(2)),
        ("the last two", FromEnd(2)),
        ("hai canh cuoi", FromEnd(2)),
        ("canh cuoi cung", FromEnd(1)),
        ("this one", Relative(0)),
        ("canh nay", Relative(0)),
        ("the next one", Relative(1)),
        ("canh tiep theo", Relative(1)),
        ("canh truoc", Relative(-1)),
        ("every scene", Every()),
        ("tat ca cac canh", Every()),
        ("it", Same()),
        ("them", Same()),
        ("those two", Same()),
        ("both of them", Same()),
        ("nó", Same()),
        ("chung nó", Same()),
        ("chung no", Same()),
        ("ca hai", Same()),
        ("hai canh do", Same()),
        ("canh do", Relative(0)),
    ],
)
def test_parse_ref(text: str, ref: SceneRef) -> None:
    assert parse_ref(text) == ref


@pytest.mark.parametrize("text", ["no dai hon", "no zoom", "no longer", "no fade"])
def test_unmarked_no_starting_a_message_is_english_no(text: str) -> None:
    assert read_words(text) == SceneIdea()


def test_marked_no_is_the_pronoun_and_unmarked_no_after_a_verb() -> None:
    assert fold("Nó dài hơn").text == "nó dai hon"
    assert read_words("nó dài hơn") == read_words("cho no dai hon")


def test_pronouns_are_not_questions() -> None:
    assert read_words("what is it?") == SceneIdea()


def test_an_edit_repeating_the_one_before_on_its_scenes_is_dropped() -> None:
    assert read_words("keep scene 2 and keep it") == Instruction((Keep(Numbered((2,))),))


def test_a_range_is_capped() -> None:
    ref = parse_ref("scenes 2-5000")
    assert isinstance(ref, Numbered)
    assert len(ref.numbers) == MAX_RANGE


def test_long_input_is_an_idea_without_parsing() -> None:
    assert read_words("delete scene 2 " * 40) == SceneIdea()


def test_numbers_are_read_as_written() -> None:
    assert read_words("delete scene 57") == Instruction((Delete(Numbered((57,))),))


async def test_offline_reader_uses_the_request_styles_and_is_free() -> None:
    reader: InstructionReader = OfflineReader()
    request = ReadRequest(
        text="style: watercolor", language="en", styles=(("watercolor", "Watercolor"),)
    )
    reading = await reader.read(request)
    assert reading.meaning == Instruction((SetStyle("watercolor"),))
    assert reading.usage.provider == "offline"
    assert reader.name == "offline"


async def test_offline_reader_knows_every_language_s_style_names() -> None:
    reader = OfflineReader((("lacquer", "Lacquer painting"), ("lacquer", "Tranh sơn mài")))
    request = ReadRequest(text="đổi sang tranh sơn mài", language="en")
    assert (await reader.read(request)).meaning == Instruction((SetStyle("lacquer"),))
