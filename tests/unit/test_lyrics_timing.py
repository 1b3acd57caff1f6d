"""Lyrics as text and on the song's clock: .lrc reading, alignment, phrases, the song's end."""

from __future__ import annotations

import unicodedata

import pytest

from bot.studio.lyrics import TimedText, looks_like_lrc, plain_lines, read_lrc
from bot.studio.lyrics_timing import (
    MAX_LINE_SECONDS,
    SongTranscript,
    align_lines,
    fit_to_song,
    lrc_lines,
    no_overlap,
    normalised,
    phrase_lines,
    shifted,
    transcript_lines,
)
from bot.studio.timeline import LyricLine, LyricWord

LRC = """[ar:Nobody]
[ti:Test song]
[00:01.50]Walking down the river
[00:04.25][00:20.00]Hold the light
this line has no time
[00:07.00]Under the bridge at dawn
[01:99.00]bad seconds
[00:10.5]

[00:12.000]<00:12.00>Word <00:12.50>tags
"""


def test_lrc_lines_keep_their_own_times_and_bad_lines_are_named() -> None:
    reading = read_lrc(LRC)
    assert reading.bad_lines == (5, 7)
    texts = [(item.start, item.text) for item in reading.lines]
    assert texts == [
        (1.5, "Walking down the river"),
        (4.25, "Hold the light"),
        (7.0, "Under the bridge at dawn"),
        (10.5, ""),
        (12.0, "Word tags"),
        (20.0, "Hold the light"),
    ]
    lines = lrc_lines(reading.lines)
    assert [(line.start, line.end) for line in lines] == [
        (1.5, 4.25),
        (4.25, 7.0),
        (7.0, 10.5),  # the empty timed line is a pause
        (12.0, 20.0),
        (20.0, 20.0 + MAX_LINE_SECONDS),
    ]
    for line in lines:
        assert [w.text for w in line.words] == line.text.split()
        assert line.words[0].start == line.start and line.words[-1].end == pytest.approx(line.end)


def test_lrc_is_recognised_and_plain_lines_drop_section_labels() -> None:
    assert looks_like_lrc(LRC)
    assert not looks_like_lrc("one line\ntwo lines\n[00:01.00]three")
    assert plain_lines("[Chorus]\n  Hold   the light \r\n\n(x2)\nAgain\n") == (
        "Hold the light",
        "Again",
    )
    decomposed = unicodedata.normalize("NFD", "Một cô gái")
    assert plain_lines(decomposed) == ("Một cô gái",)


def _words(spec: str, start: float = 1.0, step: float = 0.5) -> tuple[LyricWord, ...]:
    return tuple(
        LyricWord(word, start + i * step, start + i * step + step * 0.8)
        for i, word in enumerate(spec.split())
    )


def test_pasted_lines_take_the_times_of_their_matched_words() -> None:
    heard = _words("walking down the river hold the lights tonight under the bridge")
    lines = ["Walking down the river,", "Hold the light tonight", "Under the bridge"]
    timed = align_lines(lines, heard)
    assert timed is not None
    assert [line.text for line in timed] == lines
    first, second, third = timed
    assert first.start == heard[0].start
    assert second.start == heard[4].start
    assert third.start == heard[8].start
    # "light" was heard as "lights": it sits between its matched neighbours
    light = second.words[2]
    assert heard[6].start >= second.words[1].end - 1e-9
    assert second.words[1].end <= light.start < light.end <= second.words[3].start + 1e-9
    assert first.end <= second.start and second.end <= third.start


def test_alignment_ignores_case_accents_and_tone_marks() -> None:
    assert normalised("Đường,") == normalised("duong") == "duong"
    heard = _words("mot co gai dung tren cau")
    timed = align_lines(["Một cô gái", "đứng trên cầu"], heard)
    assert timed is not None
    assert [line.start for line in timed] == [heard[0].start, heard[3].start]


def test_lines_before_the_first_match_are_extrapolated_and_nothing_matching_is_none() -> None:
    heard = _words("hold the light", start=10.0)
    timed = align_lines(["la la la", "hold the light"], heard)
    assert timed is not None
    assert timed[0].end <= timed[1].start == 10.0
    assert timed[0].start < 10.0
    assert align_lines(["nothing in common"], heard) is None


def test_transcript_segments_become_lines_with_their_words() -> None:
    words = _words("hello there my friend")
    transcript = SongTranscript(
        "hello there my friend",
        words,
        (
            LyricLine("Hello there", 0.9, 2.0),
            LyricLine("my friend", 2.0, 3.0),
            LyricLine("  ", 3.0, 4.0),
        ),
    )
    lines = transcript_lines(transcript)
    assert [line.text for line in lines] == ["Hello there", "my friend"]
    assert lines[0].words == words[:2]
    assert not transcript.instrumental
    assert SongTranscript("", (), ()).instrumental


def test_phrases_are_two_bars_or_four_on_a_fast_song() -> None:
    slow = [0.5 + i * 0.5 for i in range(200)]  # 120 BPM: 2 bars = 4 s
    lines = phrase_lines(["a b", "c d", "e f"], slow, first_onset=2.2)
    assert [(line.start, line.end) for line in lines] == [(2.0, 6.0), (6.0, 10.0), (10.0, 14.0)]
    fast = [i * 60 / 175 for i in range(400)]  # 175 BPM: 2 bars = 2.7 s, too quick to read
    lines = phrase_lines(["a", "b"], fast, first_onset=0.0)
    assert lines[1].start == pytest.approx(16 * 60 / 175)
    no_grid = phrase_lines(["a", "b"], [], first_onset=1.0)
    assert [line.start for line in no_grid] == [1.0, 5.0]


def test_lines_after_the_song_are_named_never_squeezed() -> None:
    lines = [LyricLine("one", 0.0, 4.0), LyricLine("two", 4.0, 9.0), LyricLine("three", 10, 12)]
    fitted = fit_to_song(lines, 8.0)
    assert [(line.text, line.end) for line in fitted.lines] == [("one", 4.0), ("two", 8.0)]
    assert fitted.overflow == ("three",)


def test_lines_never_overlap_and_shift_to_video_time() -> None:
    lines = no_overlap([LyricLine("b", 3.0, 6.0), LyricLine("a", 1.0, 4.0)])
    assert [(line.text, line.start, line.end) for line in lines] == [
        ("a", 1.0, 3.0),
        ("b", 3.0, 6.0),
    ]
    moved = shifted(lines, -2.0, until=3.5)
    assert [(line.start, line.end) for line in moved] == [(0.0, 1.0), (1.0, 3.5)]
    assert read_lrc("[00:01]x").lines == (TimedText(1.0, "x"),)
