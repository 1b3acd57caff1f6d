"""The timeline app's view of a project: lengths as the render cuts them, the roll edit of a
dragged edge, and the files it may show (only the owner's)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import InputRejected, ProjectNotFound
from bot.media.previews import PreviewCache, song_peaks, thumbnail_jpeg
from bot.studio.beats import SongAnalysis
from bot.studio.edits import Numbered, SetLength
from bot.studio.sections import SectionKind, SongSection
from bot.studio.timeline import Motion, Transition
from bot.studio.timeline_board import TimelineBoard, cut_edits
from bot.studio.timing import ShotSource, build_timeline, cut_durations
from tests.studio.helpers import OWNER, STRANGER, World, build, with_ideas
from tests.support.synthetic_media import make_song


def board_of(world: World, *, credits: bool = False) -> TimelineBoard:
    return TimelineBoard(
        projects=world.store,
        states=world.edits.states,
        scenes=world.store,
        references=world.store,
        assets=world.store,
        media=world.media,
        limits=world.limits,
        ends_with_credits=(lambda owner, project: True) if credits else None,
    )


async def with_song(world: World, seconds: float = 16.0) -> None:
    source = world.upload(make_song(seconds=seconds, bpm=120.0, fmt="wav"), ".wav")
    await world.material.set_song(OWNER, source, "wav", "tide.wav", "Untitled")


def test_without_a_song_scenes_keep_their_own_lengths_end_to_end(tmp_path: Path) -> None:
    world = build(tmp_path)
    with_ideas(world, "a", "b", "c")
    boards = board_of(world)
    board = boards.board(OWNER)
    assert [(laid.start, laid.seconds) for laid in board.scenes] == [(0, 4), (4, 4), (8, 4)]
    assert board.song is None and board.duration == 12

    second = board.scenes[1].scene.id
    assert second is not None
    edits = cut_edits(board, second, 6.5)
    assert edits == (SetLength(Numbered((2,)), 6.5),)
    world.edits.apply(OWNER, board.project.id, edits, source="webapp")
    after = boards.board(OWNER)
    assert [laid.seconds for laid in after.scenes] == [4, 6.5, 4]
    assert after.scenes[2].start == 10.5


async def test_over_a_song_a_dragged_edge_rolls_the_cut_onto_a_beat(tmp_path: Path) -> None:
    world = build(tmp_path)
    with_ideas(world, "a", "b", "c", "d")
    await with_song(world)
    boards = board_of(world)
    board = boards.board(OWNER)
    assert board.song is not None and board.song.tempo_bpm == pytest.approx(120, rel=0.05)
    assert board.duration == pytest.approx(16, abs=0.05)
    before = [laid.seconds for laid in board.scenes]

    first = board.scenes[0].scene.id
    assert first is not None
    edits = cut_edits(board, first, 5.0)
    assert [type(edit) for edit in edits] == [SetLength, SetLength]
    world.edits.apply(OWNER, board.project.id, edits, source="webapp")
    after = boards.board(OWNER)
    seconds = [laid.seconds for laid in after.scenes]
    assert seconds[0] > before[0] and seconds[1] < before[1]
    assert seconds[2:] == pytest.approx(before[2:], abs=1 / world.limits.fps)  # nothing else moves
    assert min(abs(beat - after.scenes[1].start) for beat in board.song.beats) < 1 / 24
    assert sum(seconds) == pytest.approx(board.duration, abs=1e-6)  # the video ends with the song

    # The last scene ends with the song: its edge is not a cut.
    last = after.scenes[-1].scene.id
    assert last is not None
    with pytest.raises(InputRejected) as refused:
        cut_edits(after, last, 2.0)
    assert refused.value.key == "webapp.last_follows_song"


async def test_files_are_found_for_the_owner_only(tmp_path: Path) -> None:
    world = build(tmp_path)
    with_ideas(world, "a")
    photographed = await world.add_photo(seed=3, caption="harbour")
    await with_song(world, seconds=3.0)
    boards = board_of(world)
    board = boards.board(OWNER)
    assert board.scenes[0].thumbnail_key is None
    assert board.scenes[1].thumbnail_key is not None

    thumbnail = boards.thumbnail_source(OWNER, photographed.id)
    assert thumbnail is not None and thumbnail.path.exists()
    song = boards.song_file(OWNER, board.project.id)
    assert song is not None and song.path.exists()
    with pytest.raises(ProjectNotFound):
        boards.thumbnail_source(STRANGER, photographed.id)
    with pytest.raises(ProjectNotFound):
        boards.song_file(STRANGER, board.project.id)
    with pytest.raises(ProjectNotFound):
        boards.board(STRANGER, board.project.id)

    jpeg = thumbnail_jpeg(thumbnail.path, height=120)
    assert jpeg[:3] == b"\xff\xd8\xff"
    peaks = song_peaks(song.path, 3.0)
    assert len(peaks) == 120 and max(peaks) == 1.0 and min(peaks) >= 0.0
    cache = PreviewCache(capacity=1)
    assert await cache.peaks(song.path, 3.0) == peaks
    assert await cache.thumbnail(thumbnail.path) == thumbnail_jpeg(thumbnail.path)


async def test_the_board_shows_the_song_sections_and_cuts_as_the_render_does(
    tmp_path: Path,
) -> None:
    world = build(tmp_path)
    with_ideas(world, "a", "b", "c", "d", "e", "f")
    await with_song(world)
    project = world.projects.active(OWNER)
    assert project.song_sha is not None
    song = world.store.get_asset(project.song_sha)
    assert song is not None
    sections = (
        SongSection(SectionKind.VERSE, 0.0, 8.0),
        SongSection(SectionKind.CHORUS, 8.0, 16.0),
    )
    assert song.tempo_bpm is not None and song.duration is not None
    world.store.save_song_analysis(
        song.sha, SongAnalysis(song.tempo_bpm, song.beats, song.duration, song.downbeat, sections)
    )

    board = board_of(world).board(OWNER)
    assert board.song is not None and board.song.sections == sections
    render_cuts = cut_durations(
        [None] * 6,
        song.duration,
        world.limits.seconds_without_song,
        world.limits.fps,
        song.beats,
        downbeat=song.downbeat,
        sections=sections,
    )
    assert [laid.seconds for laid in board.scenes] == pytest.approx(render_cuts)
    # Choruses cut faster: the scenes over the chorus are shorter than those over the verse.
    assert board.scenes[-1].seconds < board.scenes[0].seconds


async def test_a_video_ending_with_credits_shows_the_card_and_cuts_as_the_render_does(
    tmp_path: Path,
) -> None:
    world = build(tmp_path)
    with_ideas(world, "a", "b", "c", "d")
    await with_song(world)
    project = world.projects.active(OWNER)
    song = world.store.get_asset(project.song_sha or "")
    assert song is not None and song.duration is not None
    plain = board_of(world).board(OWNER)
    board = board_of(world, credits=True).board(OWNER)
    # What the render lays out for the same scenes with the card (build_timeline's own rule).
    sources = [ShotSource("/s.jpg", "", Motion.STILL, Transition.CUT) for _ in range(4)]
    closing = ShotSource("/card.jpg", "", Motion.STILL, Transition.FADE_BLACK)
    timeline = build_timeline(
        sources,
        width=360,
        height=640,
        fps=world.limits.fps,
        title="",
        audio_path=None,
        song_seconds=song.duration,
        seconds_without_song=world.limits.seconds_without_song,
        beats=song.beats,
        downbeat=song.downbeat,
        closing=closing,
    )
    *scene_shots, card = timeline.shots
    assert [laid.seconds for laid in board.scenes] == pytest.approx(
        [s.duration for s in scene_shots]
    )
    assert board.closing_seconds == pytest.approx(card.duration) and card.duration > 0
    assert board.scenes_end == pytest.approx(card.start)
    assert board.duration == pytest.approx(plain.duration) == pytest.approx(song.duration)
    assert plain.closing_seconds == 0.0
