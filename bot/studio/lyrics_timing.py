"""Timing lyric lines on the song (pure): from a transcript, an .lrc file, or the beat grid.

Pasted lines are aligned to the transcript word by word (normalised words, longest matching
runs); each line takes the times of its matched words and unmatched words are interpolated
between their matched neighbours. Without a transcript, lines are laid one per musical phrase
(2 or 4 bars of the beat grid) from the first vocal-like onset. Every result hands over from
line to line without overlap, and what starts after the song ends is named, never squeezed.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from bot.studio.lyrics import TimedText
from bot.studio.timeline import LyricLine, LyricWord

BEATS_PER_BAR = 4
MAX_LINE_SECONDS = 8.0  # a line with no end of its own leaves the screen after this
LAST_WORD_HOLD = 0.6  # a line stays this long after its last sung word, if the next allows
DEFAULT_WORD_SECONDS = 0.4
MIN_PHRASE_SECONDS = 3.0  # a 2-bar phrase shorter than this (a fast song) becomes 4 bars
DEFAULT_PHRASE_SECONDS = 4.0  # no beat grid: a line every four seconds


@dataclass(frozen=True)
class SongTranscript:
    """What the transcription heard: its words and its segments (lines), with times."""

    text: str
    words: tuple[LyricWord, ...]
    segments: tuple[LyricLine, ...]

    @property
    def instrumental(self) -> bool:
        """No words were heard."""
        return not self.words and not any(s.text.strip() for s in self.segments)


@dataclass(frozen=True)
class TimedLyrics:
    """Lines timed on the song, and the lines that start after it ends (named, not shown)."""

    lines: tuple[LyricLine, ...]
    overflow: tuple[str, ...] = ()


def transcript_lines(transcript: SongTranscript) -> tuple[LyricLine, ...]:
    """The transcript's segments as lines, each with the words sung inside it."""
    lines = []
    for segment in transcript.segments:
        text = " ".join(segment.text.split())
        if not text:
            continue
        inside = tuple(
            w for w in transcript.words if segment.start <= (w.start + w.end) / 2 < segment.end
        )
        words = (
            inside if _same_words(inside, text) else spread_words(text, segment.start, segment.end)
        )
        lines.append(LyricLine(text, segment.start, segment.end, words))
    return no_overlap(lines)


def align_lines(lines: Sequence[str], words: Sequence[LyricWord]) -> tuple[LyricLine, ...] | None:
    """Pasted lines timed by the transcript's words; None when no word matches at all."""
    pasted = [(index, word) for index, line in enumerate(lines) for word in line.split()]
    heard = [normalised(w.text) for w in words]
    matcher = difflib.SequenceMatcher(
        a=[normalised(word) for _, word in pasted], b=heard, autojunk=False
    )
    anchors: dict[int, LyricWord] = {}
    for block in matcher.get_matching_blocks():
        for offset in range(block.size):
            if heard[block.b + offset]:
                anchors[block.a + offset] = words[block.b + offset]
    if not anchors:
        return None
    times = _interpolated(len(pasted), anchors)
    timed: list[list[LyricWord]] = [[] for _ in lines]
    for (line_index, word), (start, end) in zip(pasted, times, strict=True):
        timed[line_index].append(LyricWord(word, start, end))
    result = [
        LyricLine(line, line_words[0].start, line_words[-1].end + LAST_WORD_HOLD, tuple(line_words))
        for line, line_words in zip(lines, timed, strict=True)
        if line_words
    ]
    return no_overlap(result)


def lrc_lines(timed: Sequence[TimedText]) -> tuple[LyricLine, ...]:
    """An .lrc file's lines at its own times; each ends where the next begins (or a pause)."""
    lines = []
    for index, item in enumerate(timed):
        if not item.text:
            continue
        following = timed[index + 1].start if index + 1 < len(timed) else None
        end = min(item.start + MAX_LINE_SECONDS, following or item.start + MAX_LINE_SECONDS)
        lines.append(
            LyricLine(item.text, item.start, end, spread_words(item.text, item.start, end))
        )
    return no_overlap(lines)


def phrase_lines(
    lines: Sequence[str], beats: Sequence[float], first_onset: float
) -> tuple[LyricLine, ...]:
    """One line per musical phrase (2 bars, or 4 on a fast song) from the first vocal onset."""
    grid = sorted(b for b in beats if b >= 0)
    if len(grid) < 2:
        starts = [first_onset + index * DEFAULT_PHRASE_SECONDS for index in range(len(lines) + 1)]
    else:
        first = _nearest_at_or_before(grid, first_onset)
        period = (grid[-1] - grid[0]) / (len(grid) - 1)
        phrase_beats = 2 * BEATS_PER_BAR
        if phrase_beats * period < MIN_PHRASE_SECONDS:
            phrase_beats *= 2
        starts = [
            _beat_time(grid, period, first + index * phrase_beats)
            for index in range(len(lines) + 1)
        ]
    timed = [
        LyricLine(line, start, end, spread_words(line, start, end))
        for line, start, end in zip(lines, starts, starts[1:], strict=False)
    ]
    return no_overlap(timed)


def fit_to_song(lines: Sequence[LyricLine], song_seconds: float | None) -> TimedLyrics:
    """Lines ending by the song's end; lines starting after it are the overflow."""
    if song_seconds is None:
        return TimedLyrics(tuple(lines))
    kept, overflow = [], []
    for line in lines:
        if line.start >= song_seconds:
            overflow.append(line.text)
        elif line.end > song_seconds:
            words = tuple(w for w in line.words if w.start < song_seconds)
            kept.append(LyricLine(line.text, line.start, song_seconds, words))
        else:
            kept.append(line)
    return TimedLyrics(tuple(kept), tuple(overflow))


def shifted(lines: Sequence[LyricLine], seconds: float, until: float) -> tuple[LyricLine, ...]:
    """Lines moved by `seconds` (song time to video time) and kept to [0, `until`)."""
    moved = []
    for line in lines:
        start, end = max(0.0, line.start + seconds), min(until, line.end + seconds)
        if end <= start:
            continue
        words = tuple(LyricWord(w.text, w.start + seconds, w.end + seconds) for w in line.words)
        moved.append(LyricLine(line.text, start, end, words))
    return tuple(moved)


def no_overlap(lines: Sequence[LyricLine]) -> tuple[LyricLine, ...]:
    """Lines in time order, each ending no later than the next begins; empty ones dropped."""
    ordered = sorted(lines, key=lambda line: line.start)
    result = []
    for index, line in enumerate(ordered):
        end = line.end
        if index + 1 < len(ordered):
            end = min(end, ordered[index + 1].start)
        if end > line.start:
            result.append(LyricLine(line.text, line.start, end, line.words))
    return tuple(result)


def spread_words(text: str, start: float, end: float) -> tuple[LyricWord, ...]:
    """The line's words over its time, each in proportion to its length."""
    words = text.split()
    if not words or end <= start:
        return ()
    total = sum(len(word) + 1 for word in words)
    result, at = [], start
    for word in words:
        length = (end - start) * (len(word) + 1) / total
        result.append(LyricWord(word, at, at + length))
        at += length
    return tuple(result)


def normalised(word: str) -> str:
    """A word as compared: no case, no accents or tone marks, letters and digits only."""
    decomposed = unicodedata.normalize("NFKD", word.casefold().replace("đ", "d"))
    return "".join(c for c in decomposed if c.isalnum() and not unicodedata.combining(c))


def _same_words(words: Sequence[LyricWord], text: str) -> bool:
    return [normalised(w.text) for w in words] == [normalised(w) for w in text.split()]


def _interpolated(count: int, anchors: dict[int, LyricWord]) -> list[tuple[float, float]]:
    """Times for `count` words: anchors keep theirs, the rest share the gaps between them."""
    known = sorted(anchors)
    times: list[tuple[float, float]] = []
    for index in range(count):
        if index in anchors:
            times.append((anchors[index].start, anchors[index].end))
            continue
        before = max((k for k in known if k < index), default=None)
        after = min((k for k in known if k > index), default=None)
        if before is None:
            assert after is not None
            start = anchors[after].start - (after - index) * DEFAULT_WORD_SECONDS
            times.append((max(0.0, start), max(0.0, start) + DEFAULT_WORD_SECONDS))
        elif after is None:
            start = anchors[before].end + (index - before - 1) * DEFAULT_WORD_SECONDS
            times.append((start, start + DEFAULT_WORD_SECONDS))
        else:
            gap_start, gap_end = anchors[before].end, anchors[after].start
            step = max(0.0, gap_end - gap_start) / (after - before)
            start = gap_start + (index - before - 1) * step
            times.append((start, start + step))
    return times


def _nearest_at_or_before(grid: Sequence[float], time: float) -> int:
    candidates = [index for index, beat in enumerate(grid) if beat <= time + 1e-6]
    return candidates[-1] if candidates else 0


def _beat_time(grid: Sequence[float], period: float, index: int) -> float:
    """The time of beat `index`, continuing the grid's tempo past its last beat."""
    if index < len(grid):
        return grid[index]
    return grid[-1] + (index - len(grid) + 1) * period
