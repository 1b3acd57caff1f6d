"""Song sections found from the audio, on a FluidSynth song with known verse/chorus bounds."""

from __future__ import annotations

import pytest

from bot.media.beats import analyse_song
from bot.studio.sections import SectionKind
from tests.support.music import CORPUS, render_piece, song_with_sections

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("bpm", [96.0, 128.0])
def test_verse_and_chorus_are_found_within_a_bar(
    tmp_path_factory: pytest.TempPathFactory, bpm: float
) -> None:
    piece = song_with_sections(bpm)
    analysis = analyse_song(render_piece(piece, tmp_path_factory.mktemp("sections")))
    bar = 4 * 60.0 / bpm
    truth = piece.section_starts()[1:]  # the first section starts the song
    found = [section.start for section in analysis.sections[1:]]
    assert len(found) == len(truth), analysis.sections
    assert all(abs(f - t) <= bar for f, t in zip(found, truth, strict=True)), (found, truth)
    assert [s.kind for s in analysis.sections] == [
        SectionKind.INTRO,
        SectionKind.VERSE,
        SectionKind.CHORUS,
        SectionKind.VERSE,
        SectionKind.CHORUS,
        SectionKind.OUTRO,
    ]
    assert analysis.sections[0].start == 0.0
    assert analysis.sections[-1].end == pytest.approx(analysis.duration)
    ends = [s.end for s in analysis.sections[:-1]]
    assert ends == [s.start for s in analysis.sections[1:]], "sections tile the song"


def test_a_steady_loop_is_one_section(tmp_path_factory: pytest.TempPathFactory) -> None:
    loop = next(piece for piece in CORPUS if piece.name == "rock-100-guitar")
    analysis = analyse_song(render_piece(loop, tmp_path_factory.mktemp("loop")))
    assert len(analysis.sections) <= 1, analysis.sections
