"""Footage as phones send it, and the broken files a director may send by mistake."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from bot.media.footage_probe import (
    DEFAULT_MAX_PIXEL_RATE,
    FootageError,
    FootageFacts,
    FootageProblem,
    first_good_frame,
    frame_at,
    liveliness,
    probe_footage,
)
from bot.media.media_header import parse_header
from bot.studio.stretch import best_stretch
from tests.support.synthetic_media import (
    cut_short,
    make_clip,
    make_gif,
    make_song,
    make_vfr_clip,
    not_audio,
    write_clip,
)

RED, BLUE = (220, 30, 30), (30, 30, 220)


def probe(path: Path, max_seconds: float = 60.0) -> FootageFacts:
    return probe_footage(path, max_seconds=max_seconds, max_pixel_rate=DEFAULT_MAX_PIXEL_RATE)


def refusal(path: Path, max_seconds: float = 60.0) -> FootageError:
    with pytest.raises(FootageError) as caught:
        probe(path, max_seconds)
    assert str(path.parent) not in str(caught.value), "the message names no path"
    return caught.value


def red_top_band(width: int, height: int, count: int) -> list[np.ndarray]:
    """Frames with a red band across the top quarter of a blue picture (plus a little noise)."""
    rng = np.random.default_rng(3)
    frames = []
    for _ in range(count):
        frame = np.empty((height, width, 3), dtype=np.uint8)
        frame[:, :] = BLUE
        frame[: height // 4, :] = RED
        noise = rng.integers(-4, 5, frame.shape)
        frames.append(np.clip(frame.astype(np.int16) + noise, 0, 255).astype(np.uint8))
    return frames


def mean_colour(image: Image.Image, box: tuple[int, int, int, int]) -> np.ndarray:
    pixels: np.ndarray = np.asarray(image.crop(box), dtype=np.float32).reshape(-1, 3)
    return pixels.mean(axis=0)  # type: ignore[no-any-return]


def test_a_phone_clip_with_sound(tmp_path: Path) -> None:
    facts = probe(make_clip(tmp_path / "clip.mp4", 2.0, 320, 240, 30, audio=True))
    assert facts == FootageFacts(
        duration=pytest.approx(2.0, abs=0.05),  # type: ignore[arg-type]
        width=320,
        height=240,
        rotation=0,
        fps=pytest.approx(30.0, abs=0.01),  # type: ignore[arg-type]
        variable_fps=False,
        hdr=False,
        codec="h264",
        has_audio=True,
    )


@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_rotation_from_the_display_matrix_turns_the_size(tmp_path: Path, rotation: int) -> None:
    facts = probe(make_clip(tmp_path / "portrait.mov", 1.0, 320, 240, rotation=rotation))
    assert facts.rotation == rotation
    assert (facts.width, facts.height) == ((240, 320) if rotation != 180 else (320, 240))


def test_an_old_rotate_tag_counts_too(tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "tagged.mkv", 1.0, 320, 240, rotation=90, rotation_tag_only=True)
    facts = probe(clip)
    assert (facts.rotation, facts.width, facts.height) == (90, 240, 320)


def test_iphone_hdr_hevc_is_footage_and_known_as_hdr(tmp_path: Path) -> None:
    pq = probe(make_clip(tmp_path / "pq.mov", 1.0, codec="hevc", hdr="pq"))
    hlg = probe(make_clip(tmp_path / "hlg.mov", 1.0, codec="hevc", hdr="hlg", rotation=90))
    assert (pq.codec, pq.hdr, pq.rotation) == ("hevc", True, 0)
    assert (hlg.codec, hlg.hdr, hlg.rotation, hlg.width, hlg.height) == ("hevc", True, 90, 240, 320)
    assert not probe(make_clip(tmp_path / "sdr.mp4", 1.0, codec="hevc")).hdr


def test_vp9_webm_round_video_note_and_gif(tmp_path: Path) -> None:
    webm = probe(make_clip(tmp_path / "clip.webm", 1.0, codec="vp9", audio=True))
    assert (webm.codec, webm.has_audio) == ("vp9", True)
    note = probe(make_clip(tmp_path / "note.mp4", 1.5, 384, 384, 30, audio=True))
    assert (note.width, note.height, note.has_audio) == (384, 384, True)
    gif = probe(make_gif(tmp_path / "loop.gif", 1.5))
    assert (gif.codec, gif.has_audio) == ("gif", False)
    assert gif.fps == pytest.approx(10.0)
    assert gif.duration == pytest.approx(1.5, abs=0.11)
    silent = probe(make_clip(tmp_path / "animation.mp4", 1.0))  # Telegram's "GIF": MP4, no sound
    assert not silent.has_audio


def test_variable_frame_rate_is_noticed(tmp_path: Path) -> None:
    facts = probe(make_vfr_clip(tmp_path / "vfr.mp4"))
    assert facts.variable_fps
    assert facts.duration == pytest.approx(3.0, abs=0.1)
    assert facts.fps == pytest.approx(60 / facts.duration, abs=0.05)
    assert not probe(make_clip(tmp_path / "cfr.mp4", 1.0)).variable_fps


def test_a_cut_short_mp4_is_refused(tmp_path: Path) -> None:
    whole = make_clip(tmp_path / "whole.mp4", 3.0, audio=True)
    assert probe(whole).duration == pytest.approx(3.0, abs=0.05)
    assert refusal(cut_short(whole, tmp_path / "short.mp4")).problem is FootageProblem.TRUNCATED
    # Without the index (moov) at the front, the cut leaves no index at all: still cut short.
    late_index = tmp_path / "late.mkv"
    make_clip(late_index, 3.0)
    assert refusal(cut_short(late_index, tmp_path / "late-short.mkv")).problem in (
        FootageProblem.TRUNCATED,
        FootageProblem.UNREADABLE,
    )


def test_files_that_are_not_footage(tmp_path: Path) -> None:
    song = tmp_path / "song.m4a"
    make_song(song, seconds=2.0, fmt="m4a")
    assert refusal(song).problem is FootageProblem.NO_VIDEO
    text = tmp_path / "notes.mp4"
    text.write_bytes(not_audio())
    assert refusal(text).problem is FootageProblem.UNREADABLE
    one = make_clip(tmp_path / "one.mp4", 1 / 25, fps=25)
    assert refusal(one).problem is FootageProblem.ONE_FRAME
    still = tmp_path / "photo.png"
    Image.new("RGB", (64, 48), RED).save(still)
    assert refusal(still).problem is FootageProblem.ONE_FRAME


def test_a_clip_longer_than_the_limit(tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "long.mp4", 3.0, 160, 120, source="color=c=gray")
    assert probe(clip, max_seconds=3.0).duration == pytest.approx(3.0, abs=0.05)
    error = refusal(clip, max_seconds=2.0)
    assert error.problem is FootageProblem.TOO_LONG
    assert "3.0 s" in str(error)


def test_4k_60_is_too_demanding_but_4k_30_and_1080p_60_pass(tmp_path: Path) -> None:
    flat = "color=c=gray"  # cheap to encode and decode at any size
    uhd60 = make_clip(tmp_path / "uhd60.mp4", 0.5, 3840, 2160, 60, source=flat)
    assert refusal(uhd60).problem is FootageProblem.TOO_DEMANDING
    uhd30 = probe(make_clip(tmp_path / "uhd30.mp4", 0.5, 3840, 2160, 30, source=flat))
    assert (uhd30.width, uhd30.height) == (3840, 2160)
    assert uhd30.fps == pytest.approx(30.0)
    portrait_hd60 = make_clip(tmp_path / "hd60.mov", 0.5, 1920, 1080, 60, source=flat, rotation=90)
    assert (probe(portrait_hd60).width, probe(portrait_hd60).height) == (1080, 1920)


def test_cover_art_is_not_a_video_stream() -> None:
    stderr = (
        "Input #0, mp3, from 'song.mp3':\n"
        "  Duration: 00:03:01.20, start: 0.025057, bitrate: 320 kb/s\n"
        "  Stream #0:0: Audio: mp3 (mp3float), 44100 Hz, stereo, fltp, 320 kb/s\n"
        "  Stream #0:1: Video: mjpeg (Baseline), yuvj420p(pc, bt470bg/unknown/unknown), "
        "600x600 [SAR 1:1 DAR 1:1], 90k tbr, 90k tbn (attached pic)\n"
    )
    header = parse_header(stderr)
    assert header is not None
    assert header.video is None and header.audio_index == 0
    assert header.duration == pytest.approx(181.2)


@pytest.mark.parametrize(("name", "tag_only"), [("matrix.mov", False), ("tag.mkv", True)])
def test_frames_come_upright(tmp_path: Path, name: str, tag_only: bool) -> None:
    frames = red_top_band(160, 96, 10)
    clip = write_clip(tmp_path / name, frames, 10, rotation=90, rotation_tag_only=tag_only)
    image = frame_at(clip, 0.5)
    assert image.mode == "RGB" and image.size == (96, 160)
    # Turned a quarter clockwise, the band along the top runs down the right-hand side.
    right = mean_colour(image, (80, 0, 96, 160))
    left = mean_colour(image, (0, 0, 40, 160))
    assert right[0] > 150 > right[2] and left[2] > 150 > left[0]


def test_frame_at_shows_that_moment_and_stays_within_max_side(tmp_path: Path) -> None:
    ramp = [np.full((120, 200, 3), 20 + 10 * n, dtype=np.uint8) for n in range(20)]  # 2 s
    clip = write_clip(tmp_path / "ramp.mp4", ramp, 10)
    early, late = frame_at(clip, 0.3), frame_at(clip, 1.5)
    assert float(np.asarray(early).mean()) == pytest.approx(50, abs=6)
    assert float(np.asarray(late).mean()) == pytest.approx(170, abs=6)
    assert frame_at(clip, 99.0).size == (200, 120)  # past the end: the last frame
    assert frame_at(clip, 1.0, max_side=100).size == (100, 60)


def test_hdr_frames_are_tone_mapped_to_sdr(tmp_path: Path) -> None:
    # The same pixel values tagged SDR, PQ and HLG. A PQ code of ~0.67 is ~600 nits, far
    # above SDR white: the tone curve rolls it off below white instead of clipping it.
    patches = np.zeros((96, 128, 3), dtype=np.uint8)
    patches[:, :64] = 170  # bright highlights
    patches[:, 64:] = 110  # a mid tone
    frames = [patches] * 10
    sdr = frame_at(write_clip(tmp_path / "sdr.mov", frames, 10, codec="hevc"), 0.5)
    pq = frame_at(write_clip(tmp_path / "pq.mov", frames, 10, codec="hevc", hdr="pq"), 0.5)
    hlg = frame_at(write_clip(tmp_path / "hlg.mov", frames, 10, codec="hevc", hdr="hlg"), 0.5)
    for image in (pq, hlg):
        bright = mean_colour(image, (8, 8, 56, 88))
        mid = mean_colour(image, (72, 8, 120, 88))
        assert 60 < mid.mean() < bright.mean() < 250, "highlights above mid tones, not clipped"
        assert abs(float(bright[0] - bright[2])) < 12, "grey stays grey"
    assert np.abs(np.asarray(pq, np.float32) - np.asarray(sdr, np.float32)).mean() > 8


def test_first_good_frame_skips_a_black_start(tmp_path: Path) -> None:
    black = [np.zeros((96, 128, 3), dtype=np.uint8)] * 3
    frames = black + red_top_band(128, 96, 17)
    image = first_good_frame(write_clip(tmp_path / "fade-in.mp4", frames, 10))
    assert image is not None and mean_colour(image, (0, 0, 128, 20))[0] > 150
    whole = make_clip(tmp_path / "whole.mp4", 3.0, audio=True)
    assert first_good_frame(cut_short(whole, tmp_path / "short.mp4")) is not None
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(not_audio())
    assert first_good_frame(junk) is None


def textured(width: int, height: int, shift: int, blur: bool) -> np.ndarray:
    rng = np.random.default_rng(11)
    base = rng.integers(0, 256, (height, width + 200), dtype=np.uint8)
    grey: np.ndarray = np.ascontiguousarray(base[:, shift : shift + width])
    if blur:
        grey = cv2.GaussianBlur(grey, (0, 0), 4)
    return np.repeat(grey[:, :, None], 3, axis=2)


def test_liveliness_finds_the_sharp_moving_stretch(tmp_path: Path) -> None:
    fps, per = 12, 24  # 2 s per part
    parts = [
        [textured(160, 120, 0, blur=False)] * per,  # still and sharp
        [textured(160, 120, 4 * n, blur=True) for n in range(per)],  # moving but blurred
        [textured(160, 120, 100 + 4 * n, blur=False) for n in range(per)],  # moving and sharp
        [textured(160, 120, 0, blur=False)] * per,  # still again
    ]
    clip = write_clip(tmp_path / "parts.mp4", [f for part in parts for f in part], fps)
    scores = liveliness(clip, step=0.5)
    assert len(scores) == 16
    assert best_stretch(scores, 0.5, 8.0, 2.0) == pytest.approx(4.0, abs=0.5)
    sharp_motion, blurred_motion, still = (
        float(np.mean(scores[a:b])) for a, b in ((9, 11), (5, 7), (1, 3))
    )
    assert sharp_motion > 1.5 * blurred_motion, "sharpness counts"
    assert sharp_motion > 1.5 * still, "motion counts"
    assert len(liveliness(clip, step=1.0)) == 8
