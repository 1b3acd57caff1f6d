"""Reading a credit out of a caption ("© Name", "Photo: Name", "Ảnh của Tên"), pure.

A caption says two things at once: the scene idea and, often, whose work the photo or clip
is. The credit is taken out and the rest stays the idea. "©" and "(c)" mark a credit
anywhere; a label ("Photo:", "Photo by", "Ảnh:", "Quay:") only where a credit line starts (the
start of a line or after a separator), and only when a name follows, not a sentence.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MAX_NAME_CHARS = 80
MAX_LABEL_NAME_WORDS = 6  # "Photo: a boat at night on the river" is an idea, not a name

_LABELS = (
    # English
    r"photos?(?: by| credits?)?",
    r"photograph(?:s|y)?(?: by)?",
    r"photographer",
    r"shot by",
    r"pictures? by",
    r"images? by",
    r"videos?(?: by)?",
    r"footage(?: by)?",
    r"filmed by",
    r"credits?",
    r"courtesy(?: of)?",
    # Vietnamese
    r"ảnh(?: của| bởi| chụp)?",
    r"hình(?: ảnh)?(?: của| bởi)?",
    r"chụp(?: bởi)?",
    r"người chụp",
    r"nhiếp ảnh(?: gia)?",
    r"quay(?: phim)?(?: bởi)?",
    r"người quay",
    r"video của",
    r"tác giả",
)
_BY_WORDS = (" by", " của", " bởi", " of")
_COPYRIGHT = r"(?:©|\(c\)|\(C\)|copyright)"
# A name runs to the end of the line or to a separator.
_NAME = r"(?P<name>[^\n,;|()\[\]]+?)"
_END = r"(?=\s*(?:$|\n|[,;|()\[\]]|\s[-–—]\s|\.\s|\.$))"
_START = r"(?:(?<=^)|(?<=\n)|(?<=[-–—|,;(\[]\s)|(?<=[-–—|,;(\[])|(?<=\.\s))"
_LABEL_PATTERN = re.compile(
    _START + r"\s*(?P<label>" + "|".join(_LABELS) + r")\s*(?P<colon>[:：]\s*|\s+)" + _NAME + _END,
    re.IGNORECASE,
)
_COPYRIGHT_PATTERN = re.compile(
    _COPYRIGHT + r"\s*(?:\d{4}\s*)?" + _NAME + _END,
    re.IGNORECASE,
)
_YEAR = re.compile(r"\s*\b(?:19|20)\d{2}\b\s*$")
_DECORATION = "*_`~\"'“”‘’«» \t"
_LEFTOVER_EDGE = " \t-–—|,;:·•"
_SPACE_BEFORE_MARK = re.compile(r"\s+([,.;:!?])")
_EMPTY_BRACKETS = re.compile(r"\s*[(\[]\s*[)\]]")


@dataclass(frozen=True)
class CaptionCredit:
    """A caption split into its scene idea and the credit it gave (None when it gave none)."""

    idea: str
    credit: str | None


def clean_name(text: str) -> str:
    """A credit name as shown: NFC, single spaces, no markup around it, at most
    MAX_NAME_CHARS (cut at a word)."""
    name = " ".join(unicodedata.normalize("NFC", text).split()).strip(_DECORATION)
    name = _YEAR.sub("", name).strip(_DECORATION)
    if len(name) > MAX_NAME_CHARS:
        cut = name[:MAX_NAME_CHARS].rsplit(" ", 1)[0] or name[:MAX_NAME_CHARS]
        name = cut.rstrip(_LEFTOVER_EDGE) + "…"
    return name


def _is_name(name: str, labelled: bool, line_start: bool) -> bool:
    """Whether the words after a mark are a name: a label or a "©" inside a sentence wants a
    capital (or an @username); a label, a few words, not a sentence."""
    if not any(ch.isalpha() for ch in name):
        return False
    if (labelled or not line_start) and not (name[0].isupper() or name[0] in "@0123456789"):
        return False
    return not labelled or len(name.split()) <= MAX_LABEL_NAME_WORDS


def _at_line_start(text: str, index: int) -> bool:
    before = text[:index].rstrip(" \t")
    return not before or before.endswith("\n") or before[-1] in "-–—|,;([."


def _tidy(idea: str) -> str:
    lines = [
        _SPACE_BEFORE_MARK.sub(r"\1", _EMPTY_BRACKETS.sub("", " ".join(line.split()))).strip(
            _LEFTOVER_EDGE
        )
        for line in idea.splitlines()
    ]
    return "\n".join(line for line in lines if any(ch.isalnum() for ch in line)).strip()


def read_caption(caption: str | None) -> CaptionCredit:
    """The caption's credit (the first one it gives) and the idea without it."""
    text = unicodedata.normalize("NFC", caption or "").strip()
    if not text:
        return CaptionCredit("", None)
    for pattern, labelled in ((_COPYRIGHT_PATTERN, False), (_LABEL_PATTERN, True)):
        for found in pattern.finditer(text):
            label = found.groupdict().get("label") or ""
            colon = (found.groupdict().get("colon") or "").strip()
            # "Photo Anna" without a colon is a sentence unless the label ends in "by"/"của".
            if labelled and not colon and not label.lower().endswith(_BY_WORDS):
                continue
            name = clean_name(found.group("name"))
            if not _is_name(name, labelled, _at_line_start(text, found.start())):
                continue
            idea = _tidy(text[: found.start()] + " " + text[found.end() :])
            return CaptionCredit(idea, name)
    return CaptionCredit(text, None)


def music_credit(artist: str | None, title: str | None) -> str:
    """ "Artist – Title" from a song's tags (either alone when only one is known)."""
    parts = [clean_name(part) for part in (artist, title) if part and part.strip()]
    return " – ".join(part for part in parts if part)
