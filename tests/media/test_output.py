"""What reaches the phone: every frame size probed, a 3-minute video under the upload limit."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.media.renderer import render_timeline
from bot.studio.timeline import Fit, Motion, Shot, Timeline, Transition
from bot.studio.timing import output_size
from tests.media.helpers import (
    assert_good_thumbnail,
    assert_probed_video,
    make_song,
    make_still,
)
from tests.support.synthetic_media import make_photo

pytestmark = pytest.mark.slow

CLOUD_LIMIT = 49 * 1024 * 1024


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("output")
    make_still(folder / "wide.jpg", (200, 60, 40), (1600, 900))
    make_still(folder / "tall.jpg", (40, 90, 200), (900, 1600))
    make_song(folder / "song.wav", 4.0)
    return folder


def two_shots(media: Path, size: tuple[int, int], fps: int, seconds: float) -> Timeline:
    half = seconds / 2
    return Timeline(
        width=size[0],
        height=size[1],
        fps=fps,
        title="Hạ Long",
        audio_path=str(media / "song.wav"),
        shots=(
            Shot(
                str(media / "wide.jpg"),
                0.0,
                half,
                caption="Vịnh Hạ Long lúc bình minh",
                transition_in=Transition.FADE_BLACK,
            ),
            Shot(str(media / "tall.jpg"), half, half, motion=Motion.PAN_UP, fit=Fit.CONTAIN),
        ),
    )


@pytest.mark.parametrize(
    ("aspect", "short"),
    [
        ("9:16", 1080),
        ("16:9", 1080),
        ("1:1", 1080),
        ("9:16", 720),
    ],
)
def test_every_frame_size_plays_on_a_phone(
    media: Path, tmp_path: Path, aspect: str, short: int
) -> None:
    size = output_size(aspect, short)
    result = render_timeline(two_shots(media, size, 30, 1.2), tmp_path / "v.mp4")
    assert_probed_video(result, 1.2, size, 30)
    assert_good_thumbnail(result.thumbnail_path)


def test_a_tight_byte_limit_lowers_the_frame_size_and_is_kept(media: Path, tmp_path: Path) -> None:
    limit = 400_000
    result = render_timeline(
        two_shots(media, (1080, 1920), 24, 8.0), tmp_path / "v.mp4", max_bytes=limit
    )
    assert (result.width, result.height) == (360, 640)
    assert_probed_video(result, 8.0, (360, 640), 24)
    assert result.size_bytes <= limit


def test_three_minutes_fit_the_cloud_upload_limit(tmp_path: Path) -> None:
    # Photos with fine noise are hard to compress: uncapped, this video would be far larger.
    stills = []
    for index in range(12):
        path = tmp_path / f"photo{index}.jpg"
        path.write_bytes(make_photo(960, 720, seed=index))
        stills.append(path)
    make_song(tmp_path / "song.wav", 181.0)
    seconds = 15.0
    timeline = Timeline(
        width=1280,
        height=720,
        fps=30,
        title="Ba phút",
        audio_path=str(tmp_path / "song.wav"),
        shots=tuple(
            Shot(
                str(path),
                index * seconds,
                seconds,
                caption=f"Cảnh {index + 1}",
                motion=list(Motion)[index % 6],
            )
            for index, path in enumerate(stills)
        ),
    )
    result = render_timeline(
        timeline, tmp_path / "long.mp4", max_bytes=CLOUD_LIMIT, preset="superfast"
    )
    assert result.size_bytes <= CLOUD_LIMIT
    assert (result.width, result.height) == (1280, 720)
    assert_probed_video(result, 180.0, (1280, 720), 30)
    assert_good_thumbnail(result.thumbnail_path)
