"""Numbers and scene references as directors write them, in folded English and Vietnamese.

`REF` is a regular-expression fragment for one reference ("scene 2", "scenes 2-4", "the last
two", "hai cảnh cuối", "cảnh tiếp theo", "tất cả các cảnh"); `BARE_REF` also takes plain
numbers ("swap 2 and 3"). `parse_ref` turns the text one of them matched into a SceneRef.

`PRONOUN` is a pronoun standing for scenes: "it", "them", "those", "both", "nó", "chúng (nó)",
"cả hai", "hai cảnh đó"; it reads as `Same()`, the scenes the edit before named (in a message's
first edit, the scene in focus). It is kept out of `REF`, so questions ("what is it?") and places
("after it") never take one; the rule templates add it to their slots. The singular "this one",
"that one", "cảnh này", "cảnh đó" stay `Relative(0)`, the focus itself. Unmarked "no" is also
English "no" ("no zoom", "no longer"), so the builders take it for "nó" only after a verb.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.studio.edits import Every, FromEnd, FromStart, Numbered, Relative, Same, SceneRef

MAX_RANGE = 100

_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a couple of": 2, "a couple": 2,
    "mot": 1, "hai": 2, "ba": 3, "bon": 4, "tu": 4, "nam": 5, "bay": 7, "tam": 8, "chin": 9,
    "muoi": 10,
}  # fmt: skip
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12,
}  # fmt: skip
_VI_ORDINALS = {"nhat": 1, "sau": 6, **{k: v for k, v in _WORDS.items() if " " not in k}}


def _alt(words: Iterable[str]) -> str:
    return "(?:" + "|".join(sorted(words, key=len, reverse=True)) + ")"


DIGITS = r"\d{1,4}"
NUMBER = f"(?:{DIGITS}|{_alt(_WORDS)})"
QUANTITY = r"(?:\d{1,4}(?:\.\d+)?|" + _alt(_WORDS) + ")"
ORDINAL = f"(?:{_alt(_ORDINALS)}|" + r"\d{1,4}(?:st|nd|rd|th))"
_NOUN = r"(?:scenes?|shots?|canh|phan canh)"
_NOUNS = rf"(?:(?:the )?{_NOUN}|cac canh|nhung canh|(?:cac|nhung) phan canh)"
_THROUGH = r"(?:\s*-\s*|\s+(?:to|through|thru|until|till|den|toi|->)\s+)"
_AND = r"(?:\s*,\s*(?:and |va )?|\s+(?:and|va|&|voi)\s+)"
_SINGULAR = r"(?:scene|shot|one)"
_PLURAL = r"(?:scenes|shots|ones)"

# Each reference kind: (name, pattern); a kind's pattern may use named groups of its own.
_KINDS: tuple[tuple[str, str], ...] = (
    (
        "every",
        r"all(?: of)?(?: the)?(?: "
        + _PLURAL
        + r")?|all of them|every(?: single)? "
        + _SINGULAR
        + r"|each "
        + _SINGULAR
        + r"|everything|the (?:whole|entire) (?:video|thing|film)"
        + r"|the video|tat ca(?: cac)?(?: canh)?|tat ca moi canh|moi canh|cac canh|het cac canh"
        + r"|toan bo(?: cac)?(?: canh)?|toan bo video|ca video",
    ),
    (
        "relative",
        r"(?P<this>this(?: "
        + _SINGULAR
        + r")?|that(?: "
        + _SINGULAR
        + r")?|the current "
        + _SINGULAR
        + r"|canh (?:nay|do|hien tai|vua roi))"
        + r"|(?P<next>(?:the )?next(?: "
        + _SINGULAR
        + r")?|the one after|the following "
        + _SINGULAR
        + r"|canh (?:tiep theo|tiep|ke tiep|ke|sau|sau do))"
        + r"|(?P<previous>(?:the )?(?:previous|preceding)(?: "
        + _SINGULAR
        + r")?"
        + r"|the one before|canh (?:truoc|truoc do|lien truoc))",
    ),
    (
        "ends",
        r"(?:the )?(?:very )?(?P<en>first|last|final)(?: (?P<en_count>"
        + NUMBER
        + r"))?"
        + r"(?: "
        + _SINGULAR
        + r"| "
        + _PLURAL
        + r")?"
        + r"|(?:the )?(?P<en_count_before>"
        + NUMBER
        + r") (?P<en_after>first|last)(?: "
        + _PLURAL
        + r")?"
        + r"|(?:the )?(?P<en_word>intro|opening(?: "
        + _SINGULAR
        + r")?|ending|outro|closing "
        + _SINGULAR
        + r")"
        + r"|(?:(?P<vi_count>"
        + NUMBER
        + r") )?(?:canh|phan canh|doan|phan) "
        + r"(?P<vi>dau tien|dau|mo dau|cuoi cung|cuoi|ket thuc|ket)",
    ),
    (
        "ordinal",
        r"(?:the )?(?P<en_ordinal>"
        + ORDINAL
        + r")(?: "
        + _SINGULAR
        + r")?"
        + r"|(?:canh|phan canh) thu (?P<vi_ordinal>"
        + DIGITS
        + "|"
        + _alt(_VI_ORDINALS)
        + ")",
    ),
)


def _numbered(noun: str) -> str:
    item = rf"(?:{noun} )?{NUMBER}(?:{_THROUGH}(?:{noun} )?{NUMBER})?"
    listed = rf"{item}(?:{_AND}{item})*"
    return (
        rf"(?:{_NOUNS}(?: so| number| no| #)? {listed}|(?:from |tu ){_NOUN} {item}"
        rf"|{_NOUN} (?:from|tu) {item}|(?:tu ){_NOUN} {NUMBER}{_THROUGH}{NUMBER})"
    )


def _plain(pattern: str) -> str:
    return re.sub(r"\(\?P<\w+>", "(?:", pattern)


_NUMBERED = _numbered(_NOUN)
_DIGIT_ITEM = rf"{DIGITS}(?:{_THROUGH}{DIGITS})?"
_BARE = rf"(?:{_DIGIT_ITEM}(?:{_AND}{_DIGIT_ITEM})*)"
PRONOUN = (
    r"(?:it|them(?: both)?|they|(?:these|those)(?: (?:scenes|shots|ones|two|three))?"
    r"|both(?: of them| of those| scenes| shots)?|the same (?:scenes?|shots?|ones?)"
    r"|chung (?:nó|no)|chung|nó|no|ca hai(?: canh)?(?: (?:nay|do))?"
    r"|(?:hai|ba|cac|nhung|may) canh (?:nay|do|vua roi|vua doi|vua sua))"
)
REF = "(?:" + "|".join(_plain(p) for _, p in _KINDS) + "|" + _NUMBERED + ")"
BARE_REF = f"(?:{REF}|{_BARE})"

# A word that any scene reference holds; a part without one cannot be a scene edit.
REF_HINT = re.compile(
    r"\d|\b(?:scenes?|shots?|canh|last|final|next|previous|preceding|this|that|all|every|each"
    r"|everything|video|intro|opening|ending|outro|closing|it|its|them|they|these|those|both"
    r"|same|nó|no|chung|ca hai|" + _alt(_ORDINALS) + r")\b"
)
_PRONOUN_RE = re.compile(PRONOUN)
_KIND_RES = tuple((name, re.compile(pattern)) for name, pattern in _KINDS)
_NUMBER_RE = re.compile(rf"\b{NUMBER}\b")
_RANGE_RE = re.compile(rf"(?P<low>{NUMBER}){_THROUGH}(?:{_NOUN} )?(?P<high>{NUMBER})")


def number_value(word: str) -> int | None:
    """The value of a number word or digits ("3", "three", "ba"), else None."""
    if word.isdigit():
        return int(word)
    return _WORDS.get(word)


def quantity_value(text: str) -> float | None:
    """A quantity such as "2.5" or "four" as a float, else None."""
    try:
        return float(text)
    except ValueError:
        value = _WORDS.get(text)
        return None if value is None else float(value)


def ordinal_value(word: str) -> int | None:
    """The value of an ordinal ("second", "3rd", Vietnamese "hai" after "thứ"), else None."""
    if word in _ORDINALS:
        return _ORDINALS[word]
    if word[:-2].isdigit() and word[-2:] in {"st", "nd", "rd", "th"}:
        return int(word[:-2])
    if word.isdigit():
        return int(word)
    return _VI_ORDINALS.get(word)


def is_pronoun(text: str) -> bool:
    """Whether `text` is a pronoun standing for scenes ("it", "them", "nó"), read as Same()."""
    return _PRONOUN_RE.fullmatch(text.strip()) is not None


def parse_ref(text: str) -> SceneRef | None:
    """The scene reference that `text` (matched by REF or BARE_REF) names, else None."""
    text = text.strip()
    if is_pronoun(text):
        return Same()
    for name, pattern in _KIND_RES:
        found = pattern.fullmatch(text)
        if found is not None:
            return _kind(name, found)
    return _listed(text)


def _kind(name: str, found: re.Match[str]) -> SceneRef | None:
    if name == "every":
        return Every()
    if name == "relative":
        return Relative(0 if found["this"] else 1 if found["next"] else -1)
    if name == "ordinal":
        value = ordinal_value(found["en_ordinal"] or found["vi_ordinal"])
        if value is None or value < 1:
            return None
        return FromStart(1) if value == 1 and found["en_ordinal"] == "first" else Numbered((value,))
    word = found["en"] or found["en_after"] or found["en_word"] or found["vi"]
    count_word = found["en_count"] or found["en_count_before"] or found["vi_count"]
    count = number_value(count_word) if count_word else 1
    if count is None or count < 1:
        return None
    if word in {"last", "final", "ending", "outro", "cuoi", "cuoi cung", "ket", "ket thuc"}:
        return FromEnd(count)
    if word.startswith("closing"):
        return FromEnd(count)
    return FromStart(count)


def _listed(text: str) -> SceneRef | None:
    numbers: list[int] = []
    for piece in re.split(_AND, text):
        ranged = _RANGE_RE.search(piece)
        if ranged is not None:
            low = number_value(ranged["low"])
            high = number_value(ranged["high"])
            if low is None or high is None or low < 1 or high < low:
                return None
            numbers.extend(range(low, min(high, low + MAX_RANGE - 1) + 1))
            continue
        values = [number_value(w) for w in _NUMBER_RE.findall(piece) if number_value(w)]
        if len(values) != 1:
            return None
        numbers.extend(v for v in values if v is not None)
    if not numbers or min(numbers) < 1:
        return None
    return Numbered(tuple(dict.fromkeys(numbers)))
