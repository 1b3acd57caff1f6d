"""Footage rendered as footage: moving, upright, cropped, retimed, tone-mapped, with its sound."""

from __future__ import annotations

import dataclasses
import itertools
import subprocess
from pathlib import Path

import numpy as np
import pytest

from bot.media.clips import ClipSource, clip_focus
from bot.media.footage_probe import frame_at
from bot.media.renderer import RenderResult, render_timeline
from bot.media.yuv import frame_to_rgb
from bot.studio.timeline import Fit, FootageSound, Motion, Shot, Timeline, Transition
from tests.media.helpers import assert_probed_video, make_still, write_stereo_wav
from tests.support.synthetic_media import ffmpeg_exe, make_clip, make_vfr_clip, write_clip
from tests.support.video_checks import probe, video_frames

pytestmark = pytest.mark.slow

WIDTH, HEIGHT, FPS = 144, 256, 24  # a vertical video: landscape footage is cropped at its sides
RED, BLUE = (220, 30, 30), (30, 30, 220)


@pytest.fixture(scope="module")
def still(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_still(tmp_path_factory.mktemp("stills") / "still.jpg", (40, 160, 60), (640, 480))


def footage_timeline(still: Path, clip: Path, seconds: float, **shot: object) -> Timeline:
    """The clip as one shot, then a second of the still: cuts, so each frame is one shot's."""
    footage = Shot(str(still), 0.0, seconds, clip_path=str(clip), transition_in=Transition.CUT)
    after = Shot(str(still), seconds, 1.0, motion=Motion.STILL, transition_in=Transition.CUT)
    return Timeline(
        width=WIDTH,
        height=HEIGHT,
        fps=FPS,
        shots=(dataclasses.replace(footage, **shot), after),  # type: ignore[arg-type]
        fade_out_seconds=0.0,
    )


def render(timeline: Timeline, output: Path) -> RenderResult:
    result = render_timeline(timeline, output, workers=1)
    assert_probed_video(result, timeline.duration, (timeline.width, timeline.height), FPS)
    return result


def frames_of(path: Path, indices: range) -> list[np.ndarray]:
    decoded = video_frames(path, set(indices))
    return [decoded[i].astype(np.float32) for i in indices]


def difference(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a.astype(np.float32) - b.astype(np.float32)).mean())


def levels(count: int, first: int = 20, step: int = 10) -> list[np.ndarray]:
    """Frames of one flat grey each, brighter frame by frame: a frame's level tells its time."""
    width, height = 160, 96
    return [np.full((height, width, 3), first + step * n, dtype=np.uint8) for n in range(count)]


def marked(count: int, width: int = 320, height: int = 192) -> list[np.ndarray]:
    """A red band along the top of a blue picture, with a white square crossing it."""
    frames = []
    for n in range(count):
        frame = np.empty((height, width, 3), dtype=np.uint8)
        frame[:, :] = BLUE
        frame[: height // 4] = RED
        x = 40 + 6 * n
        frame[height // 2 : height // 2 + 30, x : x + 30] = 255
        frames.append(frame)
    return frames


def test_rotated_footage_moves_upright_at_the_videos_size_and_rate(
    still: Path, tmp_path: Path
) -> None:
    # Stored landscape, shown turned a quarter clockwise (a portrait phone clip): the top band
    # runs down the right-hand side, and the clip fills the vertical frame.
    clip = write_clip(tmp_path / "portrait.mov", marked(30), 15, rotation=90)
    result = render(footage_timeline(still, clip, 2.0), tmp_path / "out.mp4")
    frames = frames_of(result.path, range(0, 48, 8))
    for frame in frames:
        right, left = frame[:, -12:].reshape(-1, 3).mean(0), frame[:, :40].reshape(-1, 3).mean(0)
        assert right[0] > 150 > right[2], "the red band is on the right"
        assert left[2] > 150 > left[0], "blue on the left"
    moves = [difference(a, b) for a, b in itertools.pairwise(frames)]
    assert min(moves) > 1.0, "the footage moves"


def test_variable_frame_rate_footage_comes_out_evenly_timed(still: Path, tmp_path: Path) -> None:
    clip = make_vfr_clip(tmp_path / "vfr.mp4")
    result = render(footage_timeline(still, clip, 2.5), tmp_path / "out.mp4")
    frames = frames_of(result.path, range(0, 60, 6))
    assert min(difference(a, b) for a, b in itertools.pairwise(frames)) > 1.0


def test_a_short_clip_is_slowed_with_blended_frames_then_held(still: Path, tmp_path: Path) -> None:
    clip = write_clip(tmp_path / "short.mp4", levels(12, 20, 15), 12)  # 1 s, 12 frames
    result = render(footage_timeline(still, clip, 3.0), tmp_path / "out.mp4")
    means = [float(f.mean()) for f in frames_of(result.path, range(0, 72))]
    slowed, held = means[1:44], means[46:72]
    # 2x slower, 12 fps into 24: four output frames per source frame, three of them blends
    # of their neighbours (never repeats), so the level climbs every frame.
    assert all(b - a > 1.5 for a, b in itertools.pairwise(slowed)), slowed
    assert max(held) - min(held) < 1.0, "then the last frame holds"
    assert held[0] == pytest.approx(20 + 15 * 11, abs=6)


def test_a_clip_started_at_clip_start_shows_that_moment(still: Path, tmp_path: Path) -> None:
    clip = write_clip(tmp_path / "ramp.mp4", levels(30, 10, 7), 10)  # 3 s, a level per frame
    result = render(footage_timeline(still, clip, 0.5, clip_start=2.0), tmp_path / "out.mp4")
    first = float(frames_of(result.path, range(1))[0].mean())
    assert first == pytest.approx(10 + 7 * 20, abs=6)  # the frame at 2.0 s


def test_hdr_footage_comes_out_bt709_sdr_like_its_preview(still: Path, tmp_path: Path) -> None:
    patches = np.zeros((96, 160, 3), dtype=np.uint8)
    patches[:, :80], patches[:, 80:] = 170, 100  # a highlight and a mid tone, side by side
    clip = write_clip(tmp_path / "pq.mov", [patches] * 20, 10, codec="hevc", hdr="pq")
    timeline = dataclasses.replace(footage_timeline(still, clip, 1.5), width=256, height=144)
    result = render_timeline(timeline, tmp_path / "out.mp4", workers=1)
    assert_probed_video(result, 2.5, (256, 144), FPS)  # BT.709, limited range, yuv420p
    rendered = frames_of(result.path, range(12, 13))[0]
    preview = np.asarray(frame_at(clip, 0.5), dtype=np.float32)
    bright, mid = rendered[20:120, 40:100].mean(), rendered[20:120, 160:220].mean()
    assert 60 < mid < bright < 250, "highlights rolled off below white, mid tones kept"
    assert bright == pytest.approx(preview[:, :70].mean(), abs=8), "as the preview shows it"
    assert mid == pytest.approx(preview[:, 90:].mean(), abs=8)


def test_the_crop_keeps_the_detailed_subject_in_view(tmp_path: Path) -> None:
    # A flat picture with all its detail at the right edge: the vertical crop goes there.
    rng = np.random.default_rng(5)
    frames = []
    for n in range(10):
        frame = np.full((180, 320, 3), 90, dtype=np.uint8)
        frame[40:140, 250:310] = rng.integers(0, 256, (100, 60, 3), dtype=np.uint8)
        frame[0:4, n * 8 : n * 8 + 8] = 200  # a little motion
        frames.append(frame)
    clip = write_clip(tmp_path / "detail.mp4", frames, 10)
    focus = clip_focus(clip, 0.0, 1.0)
    assert focus[0] > 0.7
    source = ClipSource(clip, 1.0, 90, 160, FPS)
    try:
        picture = frame_to_rgb(source.frame(0.5), 90, 160).astype(np.float32)
    finally:
        source.close()
    assert picture[40:120].std() > 30, "the detailed patch is in the frame"


def test_a_contained_clip_shows_whole_over_its_darkened_blurred_cover(
    still: Path, tmp_path: Path
) -> None:
    # Landscape footage in a vertical video: red at its left edge, blue at its right, which a
    # cover crop cuts away and a contain keeps, letterboxed over a dark blur of the clip.
    frames = []
    for n in range(24):
        frame = np.full((180, 320, 3), 150, dtype=np.uint8)
        frame[:, :40], frame[:, 280:] = RED, BLUE
        frame[80:100, 100 + n * 4 : 120 + n * 4] = 255  # it moves
        frames.append(frame)
    clip = write_clip(tmp_path / "wide.mp4", frames, 24)
    inner_h = 2 * round(WIDTH * 180 / 320 / 2)  # 80 rows of the 256
    top = (HEIGHT - inner_h) // 2 // 2 * 2
    shown = {}
    for fit in (Fit.COVER, Fit.CONTAIN):
        output = tmp_path / f"{fit.value}.mp4"
        render(footage_timeline(still, clip, 1.0, fit=fit), output)
        shown[fit] = frames_of(output, range(10, 14))
    contained = np.mean(shown[Fit.CONTAIN], axis=0)
    band = contained[top + 8 : top + inner_h - 8]
    left, right, middle = (
        band[:, 2:8].mean(axis=(0, 1)),
        band[:, -8:-2].mean(axis=(0, 1)),
        band[:, 60:80].mean(),
    )
    assert left[0] > 150 and left[2] < 90, f"the clip's red left edge shows: {left}"
    assert right[2] > 150 and right[0] < 90, f"the clip's blue right edge shows: {right}"
    backdrop = np.concatenate([contained[8 : top - 8], contained[top + inner_h + 8 : -8]])
    assert 20 < backdrop.mean() < 0.7 * middle, "above and below: a darkened cover of the clip"
    assert backdrop.std(axis=(0, 1)).mean() < 25, "...blurred smooth"
    spots = [
        int(np.argmax(f[top : top + inner_h, 20:-20].sum(axis=(0, 2)))) for f in shown[Fit.CONTAIN]
    ]
    assert spots == sorted(spots) and spots[-1] > spots[0], f"the white spot moves right: {spots}"
    covered = np.mean(shown[Fit.COVER], axis=0)
    assert covered[:, :6, 0].mean() < 180 and covered[:, :6, 2].mean() < 180
    assert abs(covered[:, :6].mean() - 150) < 30, "a cover crop cuts both coloured edges away"


def decoded_audio(path: Path, rate: int = 8000) -> np.ndarray:
    command = [ffmpeg_exe(), "-v", "error", "-i", str(path), "-map", "0:a:0", "-ac", "1"]
    done = subprocess.run(
        [*command, "-ar", str(rate), "-f", "s16le", "-"],
        capture_output=True,
        check=True,
    )
    return np.frombuffer(done.stdout, dtype=np.int16).astype(np.float32) / 32768


def tone_level(samples: np.ndarray, frequency: float, rate: int = 8000) -> float:
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    bins = np.fft.rfftfreq(len(samples), 1 / rate)
    return float(spectrum[np.abs(bins - frequency) < 15].max() / len(samples))


def test_ducked_footage_sound_plays_under_the_song(still: Path, tmp_path: Path) -> None:
    t = np.arange(int(5.0 * 44100)) / 44100
    song = write_stereo_wav(tmp_path / "song.wav", 0.3 * np.sin(2 * np.pi * 220 * t))
    clip = make_clip(tmp_path / "talk.mp4", 3.0, 320, 240, 25, audio=True)  # a 660 Hz tone
    base = footage_timeline(still, clip, 2.0)
    opening = Shot(str(still), 0.0, 1.5, motion=Motion.STILL, transition_in=Transition.CUT)
    shots = (
        opening,
        dataclasses.replace(base.shots[0], start=1.5),
        dataclasses.replace(base.shots[1], start=3.5, duration=1.5),
    )
    timeline = dataclasses.replace(base, shots=shots, audio_path=str(song), fade_in_seconds=0.0)
    dropped = render(timeline, tmp_path / "drop.mp4")
    ducked = render(
        dataclasses.replace(timeline, footage_sound=FootageSound.DUCK), tmp_path / "duck.mp4"
    )
    rate = 8000
    for result, heard in ((dropped, False), (ducked, True)):
        audio = decoded_audio(result.path, rate)
        during, before = audio[int(1.8 * rate) : int(3.3 * rate)], audio[: int(1.3 * rate)]
        voice = tone_level(during, 660)
        assert (voice > 0.01) is heard, f"the clip's own sound {'in' if heard else 'out'}"
        if heard:
            assert tone_level(during, 220) < 0.5 * tone_level(before, 220), "the song ducks"
            assert tone_level(before, 660) < 0.1 * voice, "only while the clip plays"
    assert probe(ducked.path).audio_duration == pytest.approx(5.0, abs=0.1)


def test_a_clip_that_does_not_decode_falls_back_to_a_still(still: Path, tmp_path: Path) -> None:
    good = make_clip(tmp_path / "good.mp4", 2.0, 320, 240, 25)
    data = bytearray(good.read_bytes())
    mdat = data.find(b"mdat")
    data[mdat + 4 :] = bytes(len(data) - mdat - 4)  # a sound header over zeroed picture data
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(bytes(data))
    segments = tmp_path / "segments"
    timeline = footage_timeline(still, broken, 1.5)
    result = render_timeline(timeline, tmp_path / "out.mp4", workers=1, segment_dir=segments)
    assert_probed_video(result, 2.5, (WIDTH, HEIGHT), FPS)
    assert result.fallback_shots == (0,)
    shown = frames_of(result.path, range(6, 7))[0]
    assert shown[..., 1].mean() > shown[..., 0].mean() + 30, "the green still is shown instead"
    again = render_timeline(timeline, tmp_path / "again.mp4", workers=1, segment_dir=segments)
    assert again.fallback_shots == (0,), "a fallback is not cached: tried and told again"
    healthy = dataclasses.replace(
        timeline, shots=(dataclasses.replace(timeline.shots[0], clip_path=str(good)),)
    )
    assert render_timeline(healthy, tmp_path / "ok.mp4", workers=1).fallback_shots == ()
