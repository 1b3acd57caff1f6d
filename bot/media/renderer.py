"""Timeline to MP4: H.264 High/yuv420p + AAC, faststart, through moviepy and imageio-ffmpeg.

moviepy is imported inside `render_timeline`: importing it reads a `.env` and costs most of a
second, which the bot process should not pay for just importing this module.
"""

from __future__ import annotations

import logging
import math
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import cv2
import numpy as np
import proglog
from numpy.typing import NDArray
from PIL import Image

from bot.media.frames import Frame, TimelineFrames
from bot.studio.timeline import Timeline

if TYPE_CHECKING:
    from moviepy import AudioClip, AudioFileClip

logger = logging.getLogger(__name__)

AUDIO_FPS = 44100
AUDIO_BITRATE = "160k"
THUMBNAIL_SIDE = 320
THUMBNAIL_MAX_BYTES = 200_000
THUMBNAIL_SAMPLES = 6
PROGRESS_STEP = 0.01


@dataclass(frozen=True)
class RenderResult:
    """A rendered video and its thumbnail."""

    path: Path
    duration: float
    width: int
    height: int
    size_bytes: int
    thumbnail_path: Path
    fps: int


def partial_path(output: Path) -> Path:
    """Where the video is written before it is complete (then renamed to `output`)."""
    return output.with_name(f"{output.stem}.part{output.suffix or '.mp4'}")


def thumbnail_path(output: Path) -> Path:
    """Where the thumbnail of `output` is written."""
    return output.with_name(f"{output.stem}.thumb.jpg")


def render_timeline(
    timeline: Timeline,
    output: Path,
    *,
    on_progress: Callable[[float], None] | None = None,
    preset: str = "veryfast",
    crf: int = 23,
    max_bitrate_kbps: int | None = None,
    threads: int = 2,
    work_dir: Path | None = None,
) -> RenderResult:
    """Render the timeline to an MP4 at `output`, reporting frame progress as 0..1."""
    from moviepy import VideoClip

    _check(timeline)
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    frame_count = max(1, round(timeline.duration * timeline.fps))
    duration = _clip_duration(frame_count, timeline.fps)
    partial = partial_path(output)
    started = time.monotonic()
    with ExitStack() as stack:
        if work_dir is None:
            work_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="render-")))
        frames = TimelineFrames(timeline)
        stack.callback(frames.close)
        picker = _ThumbnailPicker(frames.frame_at, timeline)
        video = VideoClip(frame_function=picker, duration=duration)
        stack.callback(video.close)
        audio = _soundtrack(timeline, duration, stack)
        clip = video.with_audio(audio)
        stack.callback(clip.close)
        try:
            clip.write_videofile(
                str(partial),
                fps=timeline.fps,
                codec="libx264",
                audio_codec="aac",
                audio_bitrate=AUDIO_BITRATE,
                audio_fps=AUDIO_FPS,
                preset=preset,
                threads=threads,
                temp_audiofile_path=str(work_dir),
                ffmpeg_params=_encoder_params(crf, max_bitrate_kbps),
                logger=_ProgressLogger(on_progress) if on_progress else None,
            )
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        partial.replace(output)
        thumbnail = picker.save(thumbnail_path(output))
    elapsed = time.monotonic() - started
    logger.info(
        "rendered %d frames (%.1f s) in %.1f s: %.2fx realtime",
        frame_count,
        duration,
        elapsed,
        duration / elapsed if elapsed else 0.0,
    )
    return RenderResult(
        path=output,
        duration=frame_count / timeline.fps,
        width=timeline.width,
        height=timeline.height,
        size_bytes=output.stat().st_size,
        thumbnail_path=thumbnail,
        fps=timeline.fps,
    )


def _check(timeline: Timeline) -> None:
    if not timeline.shots or timeline.duration <= 0:
        raise ValueError("the timeline has no shots")
    if timeline.width <= 0 or timeline.height <= 0 or timeline.width % 2 or timeline.height % 2:
        raise ValueError("width and height must be positive and even (yuv420p)")
    if timeline.fps <= 0:
        raise ValueError("fps must be positive")


def _clip_duration(frame_count: int, fps: int) -> float:
    """A duration for which moviepy's `int(duration * fps)` yields exactly `frame_count`."""
    duration = frame_count / fps
    while int(duration * fps) < frame_count:
        duration = math.nextafter(duration, math.inf)
    return duration


def _encoder_params(crf: int, max_bitrate_kbps: int | None) -> list[str]:
    # moviepy appends "-pix_fmt yuva420p" after these; libx264 has no alpha, so ffmpeg falls
    # back to yuv420p (the renderer test checks it).
    # fmt: off
    params = [
        "-pix_fmt", "yuv420p",
        "-profile:v", "high",
        "-crf", str(crf),
        "-movflags", "+faststart",
        "-color_primaries", "bt709",
        "-color_trc", "bt709",
        "-colorspace", "bt709",
        # ffmpeg takes primaries and transfer from the frames, so the options alone are lost.
        "-vf", "setparams=color_primaries=bt709:color_trc=bt709",
        "-f", "mp4",
    ]
    # fmt: on
    if max_bitrate_kbps:
        # Capped CRF: one pass that stays under a size limit (see DESIGN.md).
        params += ["-maxrate", f"{max_bitrate_kbps}k", "-bufsize", f"{2 * max_bitrate_kbps}k"]
    return params


def _soundtrack(timeline: Timeline, duration: float, stack: ExitStack) -> AudioClip:
    """The song from `audio_offset`, cut or padded with silence to the video, with fades."""
    from moviepy import AudioClip, AudioFileClip, afx

    if timeline.audio_path is None:
        return AudioClip(frame_function=_silence, duration=duration, fps=AUDIO_FPS)
    song = AudioFileClip(timeline.audio_path, fps=AUDIO_FPS)
    stack.callback(song.close)  # it holds an ffmpeg decoder process
    track = AudioClip(
        frame_function=_TrimmedSong(song, timeline.audio_offset), duration=duration, fps=AUDIO_FPS
    )
    effects: list[Any] = []
    if timeline.fade_in_seconds > 0:
        effects.append(afx.AudioFadeIn(min(timeline.fade_in_seconds, duration)))
    if timeline.fade_out_seconds > 0:
        effects.append(afx.AudioFadeOut(min(timeline.fade_out_seconds, duration)))
    return track.with_effects(effects) if effects else track


def _silence(t: float | NDArray[np.float64]) -> NDArray[np.float64]:
    return np.zeros((len(t), 2) if isinstance(t, np.ndarray) else 2)


class _TrimmedSong:
    """Audio frame function: the song shifted by `offset`, silent outside the song."""

    def __init__(self, song: AudioFileClip, offset: float) -> None:
        self._song = song
        self._offset = offset
        self._end = float(song.duration)
        self._channels = int(song.nchannels)

    def __call__(self, t: float | NDArray[np.float64]) -> NDArray[np.float64]:
        times = np.atleast_1d(np.asarray(t, dtype=np.float64)) + self._offset
        samples = np.zeros((times.size, self._channels))
        inside = (times >= 0.0) & (times < self._end)
        if inside.any():
            samples[inside] = self._song.get_frame(times[inside])
        return samples if np.ndim(t) else samples[0]


class _ProgressLogger(proglog.ProgressBarLogger):  # type: ignore[misc]
    """Forwards moviepy's frame bar to a callback as a 0..1 fraction, in steps of 1%."""

    def __init__(self, on_progress: Callable[[float], None]) -> None:
        super().__init__(logged_bars=None)  # the default keeps a log line per frame
        self._on_progress = on_progress
        self._last = -1.0

    def bars_callback(self, bar: str, attr: str, value: Any, old_value: Any = None) -> None:
        """Report the frame bar's index as a fraction of its total."""
        if bar != "frame_index" or attr != "index":
            return
        total = self.bars[bar].get("total") or 0
        if total <= 0:
            return
        fraction = min(1.0, max(0.0, value / total))
        if fraction >= 1.0 or fraction - self._last >= PROGRESS_STEP:
            self._last = fraction
            self._on_progress(fraction)


class _ThumbnailPicker:
    """Frame function wrapper that keeps the most vivid of a few shot midpoints as it passes."""

    def __init__(self, frame_function: Callable[[float], Frame], timeline: Timeline) -> None:
        self._frame_function = frame_function
        self._fps = timeline.fps
        shots = timeline.shots
        picks = np.linspace(0, len(shots) - 1, min(len(shots), THUMBNAIL_SAMPLES)).round()
        middles = [shots[int(i)].start + shots[int(i)].duration / 2 for i in picks]
        self._pending = {round(t * self._fps) for t in middles}
        self._best: tuple[float, Frame] | None = None

    def __call__(self, t: float) -> Frame:
        frame = self._frame_function(t)
        index = round(t * self._fps)
        if index in self._pending:
            self._pending.discard(index)
            self._consider(frame)
        return frame

    def save(self, path: Path) -> Path:
        """Write the chosen frame as a JPEG within Telegram's thumbnail limits."""
        if self._best is None:
            self._consider(self._frame_function(0.0))
        assert self._best is not None
        image = Image.fromarray(self._best[1])
        for quality in range(85, 20, -10):
            image.save(path, "JPEG", quality=quality, optimize=True)
            if path.stat().st_size <= THUMBNAIL_MAX_BYTES:
                break
        return path

    def _consider(self, frame: Frame) -> None:
        height, width = frame.shape[:2]
        scale = min(1.0, THUMBNAIL_SIDE / max(width, height))
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        small = cast(Frame, cv2.resize(frame, size, interpolation=cv2.INTER_AREA))
        luma = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY)
        saturation = cv2.cvtColor(small, cv2.COLOR_RGB2HSV)[:, :, 1]
        score = float(luma.std()) / 255.0 + float(saturation.mean()) / 255.0
        if self._best is None or score > self._best[0]:
            self._best = (score, small)
