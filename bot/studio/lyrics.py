"""The director's lyrics as text: plain lines or an .lrc file, read into lines (pure).

An .lrc line is `[mm:ss.xx]text` (several time tags may share one text: a repeated chorus);
`[ar:...]`-style tags and blank lines are skipped; a line that looks like neither is a bad
line, named by its number, and the good lines are still used.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum


class LyricsKind(StrEnum):
    """Where a project's lyric text came from."""

    TEXT = "text"  # pasted lines, timed from the transcript or the beat grid
    LRC = "lrc"  # lines with their own times


@dataclass(frozen=True)
class TimedText:
    """One line of an .lrc file: its text from `start` seconds."""

    start: float
    text: str


@dataclass(frozen=True)
class LrcReading:
    """An .lrc file's good lines in time order, and the numbers (from 1) of its bad lines."""

    lines: tuple[TimedText, ...]
    bad_lines: tuple[int, ...]


_TIME_TAG = re.compile(r"\[(\d{1,3}):(\d{1,2})(?:[.:](\d{1,3}))?\]")
_META_TAG = re.compile(r"^\[[a-zA-Z#]+:[^\]]*\]$")
_LEADING_TAGS = re.compile(r"^(?:\[[^\]]*\]\s*)+")
_WORD_TAG = re.compile(r"<\d{1,3}:\d{1,2}(?:[.:]\d{1,3})?>")


def looks_like_lrc(text: str) -> bool:
    """Whether the text is an .lrc file (most non-blank lines start with a time tag)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    timed = sum(1 for line in lines if _TIME_TAG.match(line))
    return bool(lines) and timed * 2 >= len(lines)


def read_lrc(text: str) -> LrcReading:
    """The timed lines of an .lrc file (enhanced word tags are dropped from the text)."""
    good: list[TimedText] = []
    bad: list[int] = []
    for number, raw in enumerate(clean(text).splitlines(), start=1):
        line = raw.strip()
        if not line or _META_TAG.match(line):
            continue
        times: list[float] = []
        rest = line
        while match := _TIME_TAG.match(rest):
            minutes, seconds, fraction = match.groups()
            if int(seconds) >= 60:
                break
            times.append(int(minutes) * 60 + int(seconds) + _fraction(fraction))
            rest = rest[match.end() :].lstrip()
        words = " ".join(_WORD_TAG.sub("", rest).split())
        if not times or _LEADING_TAGS.match(rest):
            bad.append(number)
            continue
        if not words:  # an empty timed line ends the line before it (a pause)
            good.extend(TimedText(time, "") for time in times)
            continue
        good.extend(TimedText(time, words) for time in times)
    return LrcReading(tuple(sorted(good, key=lambda item: item.start)), tuple(bad))


def plain_lines(text: str) -> tuple[str, ...]:
    """The non-blank lines of pasted lyrics, spaces tidied; section labels like [Chorus] go."""
    lines = []
    for raw in clean(text).splitlines():
        line = " ".join(raw.split())
        if not line or re.fullmatch(r"\[[^\]]*\]|\([^)]*\)", line):
            continue
        lines.append(line)
    return tuple(lines)


def clean(text: str) -> str:
    """NFC (precomposed letters draw right), no byte-order mark, Unix line ends."""
    text = unicodedata.normalize("NFC", text).lstrip("\ufeff")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _fraction(digits: str | None) -> float:
    if not digits:
        return 0.0
    return int(digits) / float(10 ** len(digits))
