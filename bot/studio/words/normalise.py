"""A message folded for matching: NFC, lower case, Vietnamese marks off, punctuation as tokens.

Rules match the folded text, so "xoa canh 2" reads like "xoá cảnh 2" and "Đổi" like "doi".
Every folded character remembers where it came from, so the free text of an edit (an idea, a
caption, a title) is cut from the director's own words, marks and capitals intact.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Words whose marks tell them apart from a rule word they would fold into: "cười" (laugh) is
# not "cuối" (last), "sáu" (six) is not "sau" (after), "đọc" (read) is not "dọc" (vertical),
# "nó" (it) is not English "no" ("no zoom").
_KEPT_APART = {
    "sáu": "6",
    "bảy": "7",
    "bẩy": "7",
    "cười": "cười",
    "cánh": "cánh",
    "đọc": "đọc",
    "đợi": "đợi",
    "dại": "dại",
    "đừng": "khong",
    "nhà": "nhà",
    "nó": "nó",
}
_WORD = re.compile(r"\w+|\S")
_SENTENCE_MARKS = frozenset(",;.!…")
_TIGHT_BETWEEN_DIGITS = frozenset(":.-/")
_PADDED = frozenset(":?&")
_DROPPED = frozenset("'’‘`´")
_QUOTES = "\"'“”‘’«»`´()[]{}<>*_"


@dataclass(frozen=True)
class Folded:
    """The folded text of a message and, for each of its characters, its span in the source."""

    text: str
    source: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def original(self, start: int, end: int) -> str:
        """The source words behind folded[start:end], trimmed of spaces, quotes and end marks."""
        if start >= end:
            return ""
        words = self.source[self.starts[start] : self.ends[end - 1]]
        return words.strip().strip(_QUOTES).strip().rstrip(".!,;:…").strip().strip(_QUOTES)


@lru_cache(maxsize=4096)
def fold_letters(word: str) -> str:
    """A word in lower case without Vietnamese (or other) marks; đ becomes d."""
    decomposed = unicodedata.normalize("NFD", word.lower().replace("đ", "d").replace("Đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(text: str) -> Folded:
    """The message folded for matching (see the module's docstring)."""
    source = unicodedata.normalize("NFC", text)
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []

    def emit(chars: str, start: int, end: int) -> None:
        for char in chars:
            if char == " " and (not out or out[-1] == " "):
                continue
            out.append(char)
            starts.append(start)
            ends.append(end)

    for found in _WORD.finditer(source):
        token, start, end = found.group(), found.start(), found.end()
        if token[0].isalnum() or token[0] == "_":
            lower = token.lower()
            kept = _KEPT_APART.get(lower)
            if kept is not None:
                emit(" ", start, start)
                emit(kept, start, end)
                continue
            if out and out[-1] != " " and not _joins(source, start):
                emit(" ", start, start)
            emit(fold_letters(token), start, end)
        elif token in _DROPPED:
            continue
        elif token in _TIGHT_BETWEEN_DIGITS and _between_digits(source, start):
            emit(token, start, end)
        elif token in _SENTENCE_MARKS or token in _PADDED:
            emit(" ", start, start)
            emit("," if token in _SENTENCE_MARKS else token, start, end)
            emit(" ", end, end)
        else:
            emit(" ", start, end)
    while out and out[-1] == " ":
        out.pop()
        starts.pop()
        ends.pop()
    return Folded("".join(out), source, tuple(starts), tuple(ends))


def _between_digits(source: str, index: int) -> bool:
    return (
        0 < index < len(source) - 1 and source[index - 1].isdigit() and source[index + 1].isdigit()
    )


def _joins(source: str, start: int) -> bool:
    """Whether a word continues the previous one (after an apostrophe or a tight mark)."""
    before = source[start - 1] if start else " "
    return before in _DROPPED or (
        before in _TIGHT_BETWEEN_DIGITS and _between_digits(source, start - 1)
    )
