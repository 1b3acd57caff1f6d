"""Real renders of small timelines, probed; frames checked; the worker process run and cancelled."""

from __future__ import annotations

import asyncio
import dataclasses
import multiprocessing
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from bot.media.frames import TimelineFrames
from bot.media.render_worker import RenderCancelled, RenderFailed, render_in_worker
from bot.media.renderer import RenderResult, render_timeline
from bot.media.video_renderer import WorkerRenderer
from bot.studio.timeline import Motion, Shot, Timeline, Transition
from tests.media.helpers import assert_good_thumbnail, assert_probed_video, make_song, make_still

WIDTH, HEIGHT, FPS = 640, 360, 24
COLOURS = [(200, 40, 40), (40, 160, 60), (40, 60, 200)]


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("media")
    sizes = [(1200, 900), (800, 450), (500, 700)]  # 4:3, 16:9, portrait: all cover-fitted
    for index, (colour, size) in enumerate(zip(COLOURS, sizes, strict=True)):
        make_still(folder / f"still{index}.jpg", colour, size)
    make_song(folder / "song.wav", 8.0)
    return folder


def timeline(
    media: Path, *, audio: bool = True, seconds_per_shot: float = 2.0, shots: int = 3
) -> Timeline:
    transitions = [
        Transition.CROSSFADE,
        Transition.CROSSFADE,
        Transition.FADE_BLACK,
        Transition.CUT,
    ]
    motions = [Motion.ZOOM_IN, Motion.PAN_RIGHT, Motion.ZOOM_OUT, Motion.PAN_UP]
    return Timeline(
        width=WIDTH,
        height=HEIGHT,
        fps=FPS,
        shots=tuple(
            Shot(
                image_path=str(media / f"still{i % 3}.jpg"),
                start=i * seconds_per_shot,
                duration=seconds_per_shot,
                caption="Vịnh Hạ Long lúc bình minh" if i == 1 else "",
                motion=motions[i % 4],
                transition_in=transitions[i % 4],
            )
            for i in range(shots)
        ),
        title="Chuyến đi",
        audio_path=str(media / "song.wav") if audio else None,
        audio_offset=1.0,
    )


def assert_good_video(result: RenderResult, seconds: float) -> None:
    assert_probed_video(result, seconds, (WIDTH, HEIGHT), FPS)


@pytest.mark.slow
def test_render_with_a_song(media: Path, tmp_path: Path) -> None:
    progress: list[float] = []
    result = render_timeline(
        timeline(media), tmp_path / "video.mp4", on_progress=progress.append, work_dir=tmp_path
    )
    assert_good_video(result, 6.0)
    assert_good_thumbnail(result.thumbnail_path)
    assert progress == sorted(progress) and progress[-1] == 1.0
    leftovers = {p.name for p in tmp_path.iterdir()} - {"video.mp4", "video.thumb.jpg"}
    assert not leftovers, "temporary audio and partial files are removed"


@pytest.mark.slow
def test_render_without_audio_still_has_an_aac_track(media: Path, tmp_path: Path) -> None:
    result = render_timeline(
        timeline(media, audio=False), tmp_path / "silent.mp4", max_bitrate_kbps=800
    )
    assert_good_video(result, 6.0)
    assert_good_thumbnail(result.thumbnail_path)


@pytest.mark.slow
def test_song_shorter_than_the_video_is_padded_with_silence(media: Path, tmp_path: Path) -> None:
    long = timeline(media, seconds_per_shot=3.0)  # 9 s of video, 7 s of song after the offset
    result = render_timeline(long, tmp_path / "long.mp4")
    assert_good_video(result, 9.0)


def test_frames_follow_the_transitions(media: Path) -> None:
    frames = TimelineFrames(timeline(media))
    half = 0.3  # transition_seconds 0.6, centred on each cut
    # Crossfade at the cut into shot 1 (t=2): the mix is the average of the two shots.
    before, after = frames.frame_at(2.0 - half), frames.frame_at(2.0 + half)
    middle = frames.frame_at(2.0).astype(np.float32)
    assert middle.mean() == pytest.approx((before.mean() + after.mean()) / 2, rel=0.1)
    # Fade through black at the cut into shot 2 (t=4).
    assert frames.frame_at(4.0).max() <= 3
    assert frames.frame_at(4.0 - half / 2).mean() < frames.frame_at(4.0 - half).mean()
    # Each frame is the right size and type.
    frame = frames.frame_at(5.0)
    assert frame.shape == (HEIGHT, WIDTH, 3) and frame.dtype == np.uint8


def test_captions_hand_over_in_a_crossfade_without_overlapping(media: Path) -> None:
    def frames_with(first: str, second: str) -> TimelineFrames:
        base = dataclasses.replace(timeline(media), title="")
        shots = list(base.shots)
        shots[0] = dataclasses.replace(shots[0], caption=first)
        shots[1] = dataclasses.replace(shots[1], caption=second)  # crossfades in at t=2
        return TimelineFrames(dataclasses.replace(base, shots=tuple(shots)))

    both = frames_with("Hà Nội mùa thu", "Huế trong mưa")
    only_old, only_new = frames_with("Hà Nội mùa thu", ""), frames_with("", "Huế trong mưa")
    bare = frames_with("", "")

    def same(a: TimelineFrames, b: TimelineFrames, t: float) -> bool:
        return bool(np.array_equal(a.frame_at(t), b.frame_at(t)))

    # A quarter into the 0.6 s crossfade only the old caption shows (fading); halfway none;
    # three quarters in only the new one.
    assert same(both, only_old, 1.85) and not same(both, bare, 1.85)
    assert same(both, bare, 2.0)
    assert same(both, only_new, 2.15) and not same(both, bare, 2.15)


def test_title_shows_first_then_fades(media: Path) -> None:
    titled = TimelineFrames(timeline(media))
    untitled = TimelineFrames(dataclasses.replace(timeline(media), title=""))

    def title_strength(t: float) -> float:
        difference = titled.frame_at(t).astype(int) - untitled.frame_at(t).astype(int)
        return float(np.abs(difference).mean())

    # The first shot lasts 2 s, so the title leaves with it, fading over its last 2/3 s.
    assert title_strength(0.0) > 1.0
    assert title_strength(0.5) == pytest.approx(title_strength(0.0), rel=0.2)  # the still moves
    assert 0.0 < title_strength(1.7) < title_strength(0.5)
    assert title_strength(2.5) == 0.0


def test_memory_stays_flat_across_shots(media: Path) -> None:
    frames = TimelineFrames(timeline(media, shots=8, seconds_per_shot=0.8))
    held = []
    for index in range(round(6.4 * FPS)):
        frames.frame_at(index / FPS)
        held.append(frames.prepared_count)
    assert max(held) == 2, "a transition holds two shots, never more"
    assert held[-1] == 1


def test_exif_orientation_is_applied(tmp_path: Path) -> None:
    # Stored sideways with orientation 6 (rotate 90° clockwise to view): upright, red is on top.
    pixels = np.zeros((300, 400, 3), dtype=np.uint8)
    pixels[:, :200] = (255, 0, 0)
    exif = Image.Exif()
    exif[0x0112] = 6
    path = tmp_path / "sideways.jpg"
    Image.fromarray(pixels).save(path, exif=exif)
    still = Timeline(
        width=300,
        height=400,
        fps=FPS,
        shots=(Shot(str(path), 0.0, 1.0, motion=Motion.STILL, transition_in=Transition.CUT),),
    )
    frame = TimelineFrames(still).frame_at(0.5).astype(int)
    assert frame[:150, :, 0].mean() > 200 and frame[:150, :, 2].mean() < 40
    assert frame[250:, :, 0].mean() < 40


def worker_group_members(pgid: int) -> list[str]:
    """Processes (zombies included) in the worker's process group, as 'pid state'."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:
            members.append(f"{stat.parent.name} {fields[0]}")
    return members


@pytest.mark.slow
async def test_worker_reports_increasing_progress(media: Path, tmp_path: Path) -> None:
    seen: list[float] = []
    loop_ticks = 0

    async def tick() -> None:
        nonlocal loop_ticks
        while True:
            await asyncio.sleep(0.02)
            loop_ticks += 1

    workers: list[int] = []

    async def on_progress(fraction: float) -> None:
        seen.append(fraction)
        workers.extend(p.pid for p in multiprocessing.active_children() if p.pid)

    ticker = asyncio.create_task(tick())
    started = time.monotonic()
    result = await render_in_worker(timeline(media), tmp_path / "w.mp4", on_progress=on_progress)
    elapsed = time.monotonic() - started
    ticker.cancel()
    assert_good_video(result, 6.0)
    assert seen == sorted(seen) and len(seen) >= 3  # coalesced to one per poll
    assert seen[-1] == pytest.approx(1.0)
    assert loop_ticks > elapsed / 0.02 / 3, "the event loop kept running during the render"
    for pid in set(workers):
        assert worker_group_members(pid) == [], "the worker and its ffmpeg are gone"


@pytest.mark.slow
async def test_cancel_stops_the_worker_and_its_ffmpeg(media: Path, tmp_path: Path) -> None:
    cancel = asyncio.Event()
    workers: list[int] = []

    def on_progress(fraction: float) -> None:
        workers.extend(p.pid for p in multiprocessing.active_children() if p.pid)
        if fraction >= 0.1:
            cancel.set()

    output = tmp_path / "cancelled.mp4"
    long = timeline(media, shots=20, seconds_per_shot=2.0)  # 40 s: far from done when cancelled
    with pytest.raises(RenderCancelled):
        await asyncio.wait_for(
            render_in_worker(long, output, on_progress=on_progress, cancel_event=cancel), 60
        )
    assert workers, "progress arrived from a worker process"
    for pid in set(workers):
        assert worker_group_members(pid) == [], "no worker or ffmpeg (not even a zombie) is left"
    assert not output.exists()
    assert not list(tmp_path.glob("*.part*")), "the partial file is removed"


@pytest.mark.slow
async def test_cancel_is_prompt(media: Path, tmp_path: Path) -> None:
    cancel = asyncio.Event()
    set_at = 0.0

    def on_progress(fraction: float) -> None:
        nonlocal set_at
        if fraction >= 0.05 and not cancel.is_set():
            set_at = time.monotonic()
            cancel.set()

    long = timeline(media, shots=20, seconds_per_shot=2.0)
    with pytest.raises(RenderCancelled):
        await render_in_worker(
            long, tmp_path / "x.mp4", on_progress=on_progress, cancel_event=cancel
        )
    assert time.monotonic() - set_at < 3.0


@pytest.mark.slow
async def test_worker_failure_is_reported(tmp_path: Path) -> None:
    broken = Timeline(
        width=WIDTH,
        height=HEIGHT,
        fps=FPS,
        shots=(Shot(str(tmp_path / "missing.jpg"), 0.0, 1.0),),
    )
    with pytest.raises(RenderFailed, match="FileNotFoundError"):
        await render_in_worker(broken, tmp_path / "broken.mp4")
    assert not list(tmp_path.glob("broken*"))


@pytest.mark.slow
async def test_the_renderer_port_passes_its_settings_to_the_worker(
    media: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "segments"
    renderer = WorkerRenderer("veryfast", 23, segment_dir=cache, max_bytes=150_000)
    seen: list[float] = []

    async def on_progress(fraction: float) -> None:
        seen.append(fraction)

    video = await renderer.render(
        timeline(media), tmp_path / "port.mp4", on_progress, asyncio.Event()
    )
    assert video.size_bytes <= 150_000
    assert (video.width, video.height) == (640, 360), "a small budget keeps 360p"
    assert len(list(cache.glob("*.mp4"))) == 3, "one cached segment per shot"
    assert video.thumbnail_path.exists() and seen[-1] == pytest.approx(1.0)
