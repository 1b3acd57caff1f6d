"""Lyric captions in frames: on at their frame, handed over without overlap, the word lit up."""

from __future__ import annotations

import dataclasses
import unicodedata
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from bot.media.captions import render_caption_overlay, render_lyric_overlays, safe_area
from bot.media.frames import TimelineFrames, end_fade_seconds
from bot.media.renderer import render_timeline
from bot.media.segments import plan_segments
from bot.media.yuv import YuvOverlay
from bot.studio.lyrics_timing import spread_words
from bot.studio.timeline import CaptionsMode, LyricLine, Motion, Shot, Timeline, Transition
from tests.media.helpers import assert_probed_video, make_song
from tests.support.video_checks import video_frames

WIDTH, HEIGHT, FPS = 360, 640, 24


def line(text: str, start: float, end: float) -> LyricLine:
    return LyricLine(text, start, end, spread_words(text, start, end))


LINES = (
    line("Walking down the river", 0.52, 1.31),  # neither time on the frame grid
    line("Đứng trên cầu Long Biên lúc bình minh", 1.31, 2.4),
    line("Hold the light", 2.9, 3.6),
)


@pytest.fixture(scope="module")
def dark_still(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("lyrics") / "dark.png"
    Image.new("RGB", (WIDTH, HEIGHT), (30, 30, 40)).save(path)
    return path


def timeline(still: Path, **changes: object) -> Timeline:
    shots = tuple(
        Shot(
            image_path=str(still),
            start=2.0 * index,
            duration=2.0,
            caption=f"scene {index + 1}",
            motion=Motion.STILL,
            transition_in=Transition.CUT,
        )
        for index in range(2)
    )
    base = Timeline(
        WIDTH, HEIGHT, FPS, shots, lyrics=LINES, captions=CaptionsMode.LYRICS, fade_out_seconds=0
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def expected_line(timeline: Timeline, index: int) -> int | None:
    """Which lyric line frame `index` must show: the one whose time holds the frame's time."""
    t = index / timeline.fps
    for number, lyric in enumerate(timeline.lyrics):
        if lyric.start <= t < lyric.end:
            return number
    return None


def test_each_line_is_drawn_exactly_on_the_frames_of_its_time(dark_still: Path) -> None:
    bare = TimelineFrames(timeline(dark_still, captions=CaptionsMode.NONE))
    sung = TimelineFrames(timeline(dark_still))
    prepared = {
        number: YuvOverlay.from_rgba(
            *render_lyric_overlays(lyric.text, len(lyric.words), WIDTH, HEIGHT).line,
            WIDTH,
            HEIGHT,
        )
        for number, lyric in enumerate(LINES)
    }
    shown = []
    end_fade_start = sung._timeline.duration - end_fade_seconds(sung._timeline)
    for index in range(round(3.8 * FPS)):
        t = index / FPS
        frame, plain = sung.i420_at(t), bare.i420_at(t)
        number = expected_line(sung._timeline, index)
        shown.append(number)
        if number is None:
            assert np.array_equal(frame, plain), f"frame {index} shows a lyric between lines"
            continue
        overlay = prepared[number]
        assert overlay is not None
        expected = plain.copy()
        overlay.blend_into(expected, WIDTH, HEIGHT)
        luma = slice(0, HEIGHT)
        changed = np.abs(frame[luma].astype(int) - plain[luma].astype(int)) > 8
        rows = np.flatnonzero(changed.any(axis=1))
        # the line's own ink, nothing else (the lit word only recolours inside it)
        assert overlay.top <= rows[0] and rows[-1] < overlay.top + overlay.luma.shape[0]
        if t < end_fade_start:  # in the closing fade the line darkens with the picture
            lit = np.abs(frame[luma].astype(int) - expected[luma].astype(int)) > 8
            assert lit.sum() < changed.sum() / 2, f"frame {index}: the lit word is in its line"
    # first frames at or after each start: 0.52 s -> frame 13, 1.31 -> 32, 2.9 -> 70
    assert shown.index(0) == 13 and shown.index(1) == 32 and shown.index(2) == 70
    assert shown[31] == 0 and shown[57] == 1 and shown[58] is None  # 2.4 s ends at frame 58


def test_the_current_word_is_highlighted_and_moves_along_the_line(dark_still: Path) -> None:
    frames = TimelineFrames(timeline(dark_still))
    lyric = LINES[0]
    centres = []
    for word in lyric.words:
        rgb = frames.frame_at((word.start + word.end) / 2).astype(int)
        yellow = (rgb[:, :, 0] > 180) & (rgb[:, :, 1] > 150) & (rgb[:, :, 2] < 110)
        cols = np.flatnonzero(yellow.any(axis=0))
        assert cols.size > 0, f"{word.text!r} is not lit"
        centres.append(cols.mean())
    assert centres == sorted(centres) and centres[-1] - centres[0] > WIDTH / 4


def test_long_and_vietnamese_lines_wrap_inside_the_vertical_safe_area() -> None:
    text = "Một cô gái đứng trên cầu Long Biên lúc bình minh"
    decomposed = unicodedata.normalize("NFD", text)
    overlays = render_lyric_overlays(decomposed, len(text.split()), WIDTH, HEIGHT)
    band, top = overlays.line
    left, safe_top, right, bottom = safe_area(WIDTH, HEIGHT)
    cols = np.flatnonzero(band[:, :, 3].any(axis=0))
    assert left <= cols[0] and cols[-1] < right
    assert safe_top <= top and top + band.shape[0] <= bottom
    line_height = render_lyric_overlays("Một", 1, WIDTH, HEIGHT).line[0].shape[0]
    assert band.shape[0] > 1.8 * line_height, "the line wraps"
    assert len(overlays.words) == len(text.split()), "every word can be lit"
    same = render_lyric_overlays(text, len(text.split()), WIDTH, HEIGHT).line[0]
    assert np.array_equal(band, same), "decomposed Vietnamese draws as its precomposed form"


def test_a_lit_word_recolours_only_its_own_letters() -> None:
    text = "Đứng trên cầu Long Biên lúc bình minh hôm ấy"
    overlays = render_lyric_overlays(text, len(text.split()), WIDTH, HEIGHT)
    band, top = overlays.line
    base = Image.new("RGBA", (WIDTH, HEIGHT), (0, 0, 0, 255))
    base.alpha_composite(Image.fromarray(band), (0, top))
    plain = np.asarray(base).astype(int)
    one_line = render_lyric_overlays("Đứng", 1, WIDTH, HEIGHT).line[0].shape[0]
    spans = []
    for word_band, word_top in overlays.words:
        lit = base.copy()
        lit.alpha_composite(Image.fromarray(word_band), (0, word_top))
        changed = np.abs(np.asarray(lit).astype(int) - plain).max(axis=2) > 30
        rows, cols = np.flatnonzero(changed.any(axis=1)), np.flatnonzero(changed.any(axis=0))
        assert rows.size, "the word changes colour"
        assert rows[-1] - rows[0] < one_line * 0.8, "no letter of the line above or below"
        spans.append((int(cols[0]), int(cols[-1])))
    lefts = [left for left, _ in spans]
    assert len(set(lefts)) == len(lefts), "each word lights its own place"


def test_both_mode_puts_the_idea_high_and_the_lyrics_low(dark_still: Path) -> None:
    frames = TimelineFrames(timeline(dark_still, captions=CaptionsMode.BOTH))
    bare = TimelineFrames(timeline(dark_still, captions=CaptionsMode.NONE))
    frame, plain = frames.i420_at(0.6), bare.i420_at(0.6)
    changed = np.abs(frame[:HEIGHT].astype(int) - plain[:HEIGHT].astype(int)) > 8
    rows = np.flatnonzero(changed.any(axis=1))
    idea_band, idea_top = render_caption_overlay("scene 1", WIDTH, HEIGHT, high=True)
    lyric_band, lyric_top = render_lyric_overlays(LINES[0].text, 4, WIDTH, HEIGHT).line
    assert idea_top < HEIGHT / 3 < 2 * HEIGHT / 3 < lyric_top
    assert rows[0] >= idea_top - 2 and rows[-1] <= lyric_top + lyric_band.shape[0] + 2
    assert changed[idea_top : idea_top + idea_band.shape[0]].any()
    assert changed[lyric_top : lyric_top + lyric_band.shape[0]].any()
    # lyrics mode without lines (an instrumental) keeps the ideas at the bottom
    ideas = TimelineFrames(timeline(dark_still, captions=CaptionsMode.IDEAS)).i420_at(0.6)
    fallback = TimelineFrames(timeline(dark_still, lyrics=())).i420_at(0.6)
    assert np.array_equal(ideas, fallback)


def test_a_lyric_change_re_encodes_only_the_segments_it_shows_in(dark_still: Path) -> None:
    before = timeline(dark_still)
    fingerprint: dict[str, object] = {"crf": 23}
    keys = [s.key for s in plan_segments(before, fingerprint)]
    third = line("Hold the lights", 2.9, 3.6)
    changed = dataclasses.replace(before, lyrics=(*LINES[:2], third))
    new_keys = [s.key for s in plan_segments(changed, fingerprint)]
    assert new_keys[0] == keys[0] and new_keys[1] != keys[1]
    ideas = [s.key for s in plan_segments(timeline(dark_still, captions=CaptionsMode.IDEAS), {})]
    both = [s.key for s in plan_segments(timeline(dark_still, captions=CaptionsMode.BOTH), {})]
    assert not set(ideas) & set(both), "moving the ideas up changes every segment"


@pytest.mark.slow
def test_rendered_video_shows_each_line_from_its_frame(dark_still: Path, tmp_path: Path) -> None:
    song = make_song(tmp_path / "song.wav", 4.0)
    lyric_timeline = timeline(dark_still, audio_path=str(song), captions=CaptionsMode.LYRICS)
    result = render_timeline(lyric_timeline, tmp_path / "lyrics.mp4")
    assert_probed_video(result, 4.0, (WIDTH, HEIGHT), FPS)
    wanted = {12, 13, 31, 32, 57, 58, 69, 70}
    frames = video_frames(result.path, wanted)
    _, safe_top, _, bottom = safe_area(WIDTH, HEIGHT)

    def inked_rows(index: int) -> int:
        band = frames[index][safe_top:bottom].astype(int)
        white = (band.min(axis=2) > 200).any(axis=1)
        return int(white.sum())

    assert inked_rows(12) == 0 < inked_rows(13)
    assert inked_rows(58) == 0 < inked_rows(57)
    assert inked_rows(69) == 0 < inked_rows(70)
    # 0.52-1.31 is one line, then a two-line Vietnamese line: the band grows at frame 32
    assert inked_rows(32) > inked_rows(31)
