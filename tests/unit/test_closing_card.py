"""The closing credits card on the timeline (pure timing) and in the segment cache keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.media.cards import make_credits_card
from bot.media.segments import plan_segments
from bot.providers.styles_file import load_styles
from bot.studio.timeline import Motion, Timeline, Transition
from bot.studio.timing import CREDITS_CARD_SECONDS, ShotSource, build_timeline, closing_seconds

FPS = 24


def _sources(folder: Path, count: int) -> list[ShotSource]:
    sources = []
    for index in range(count):
        path = folder / f"scene-{index}.jpg"
        path.write_bytes(bytes([index]) * 64)
        sources.append(
            ShotSource(str(path), f"scene {index}", Motion.ZOOM_IN, Transition.CROSSFADE)
        )
    return sources


def _card(folder: Path, name: str) -> ShotSource:
    path = folder / f"card-{name}.jpg"
    style = next(iter(load_styles().values()))
    make_credits_card([("Photographs by", [name])], style, 320, 180).save(path, "JPEG")
    return ShotSource(str(path), "", Motion.STILL, Transition.FADE_BLACK)


def _timeline(
    sources: list[ShotSource], closing: ShotSource | None, song: float | None
) -> Timeline:
    return build_timeline(
        sources,
        width=320,
        height=180,
        fps=FPS,
        title="Film",
        audio_path=None,
        song_seconds=song,
        seconds_without_song=4.0,
        closing=closing,
    )


def test_the_card_takes_the_songs_last_seconds_after_the_last_scene(tmp_path: Path) -> None:
    sources = _sources(tmp_path, 4)
    timeline = _timeline(sources, _card(tmp_path, "Anna"), 24.0)
    *scenes, card = timeline.shots
    assert len(scenes) == 4
    assert card.start == pytest.approx(scenes[-1].end)
    assert card.duration == pytest.approx(CREDITS_CARD_SECONDS)
    assert timeline.duration == pytest.approx(24.0)  # the video still ends with the song
    assert (card.motion, card.transition_in, card.caption) == (
        Motion.STILL,
        Transition.FADE_BLACK,
        "",
    )


def test_without_a_song_the_card_follows_the_scenes(tmp_path: Path) -> None:
    timeline = _timeline(_sources(tmp_path, 2), _card(tmp_path, "Anna"), None)
    assert timeline.duration == pytest.approx(2 * 4.0 + CREDITS_CARD_SECONDS)


def test_a_short_video_gives_the_card_a_fair_share() -> None:
    assert closing_seconds(6.0, 2, FPS) == pytest.approx(2.0)
    assert closing_seconds(2.0, 3, FPS) == pytest.approx(1.0)
    assert closing_seconds(600.0, 10, FPS) == CREDITS_CARD_SECONDS


def test_another_name_on_the_card_changes_only_the_cards_segment(tmp_path: Path) -> None:
    sources = _sources(tmp_path, 3)
    anna = plan_segments(_timeline(sources, _card(tmp_path, "Anna"), 20.0), {})
    minh = plan_segments(_timeline(sources, _card(tmp_path, "Trần Minh"), 20.0), {})
    assert [s.key for s in anna[:-1]] == [s.key for s in minh[:-1]]
    assert anna[-1].key != minh[-1].key
    plain = plan_segments(_timeline(sources, None, 20.0), {})
    assert len(plain) == len(anna) - 1
