"""Lyric captions benchmark: what drawing timed lines (and the lit word) adds to a frame.

    python bench/lyrics_frames.py               # 720x1280, 20 s, a line every 2 s
    python bench/lyrics_frames.py --seconds 60 --short-side 1080

Computes every I420 frame of the same timeline three times in one process: with the scene
ideas as captions (the baseline: today's cost), with lyrics, and with both. Prints ms per
frame and the ratio to the baseline, then one line of key=value pairs.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402

from bot.media.frames import TimelineFrames  # noqa: E402
from bot.studio.lyrics_timing import spread_words  # noqa: E402
from bot.studio.timeline import (  # noqa: E402
    CaptionsMode,
    LyricLine,
    Motion,
    Shot,
    Timeline,
    Transition,
)

WORDS = (
    "Một", "cô", "gái", "đứng", "trên", "cầu", "Long", "Biên", "lúc", "bình", "minh",
    "walking", "down", "the", "river",
)  # fmt: skip


def _timeline(still: Path, seconds: float, width: int, height: int, fps: int) -> Timeline:
    shots = tuple(
        Shot(
            image_path=str(still),
            start=4.0 * index,
            duration=4.0,
            caption=f"Scene {index + 1}: boats in the morning mist",
            motion=Motion.ZOOM_IN,
            transition_in=Transition.CROSSFADE,
        )
        for index in range(int(seconds // 4))
    )
    lines = []
    for index in range(int(seconds // 2)):
        text = " ".join(WORDS[index % 5 : index % 5 + 6])
        start = 2.0 * index + 0.13
        lines.append(LyricLine(text, start, start + 1.8, spread_words(text, start, start + 1.8)))
    return Timeline(width, height, fps, shots, lyrics=tuple(lines))


def _ms_per_frame(timeline: Timeline) -> float:
    frames = TimelineFrames(timeline)
    total = round(timeline.duration * timeline.fps)
    began = time.perf_counter()
    for index in range(total):
        frames.i420_at(index / timeline.fps)
    frames.close()
    return (time.perf_counter() - began) * 1000 / total


def main() -> None:
    """Time the three captions modes on one timeline and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--short-side", type=int, default=720)
    parser.add_argument("--fps", type=int, default=30)
    args = parser.parse_args()
    width, height = args.short_side, round(args.short_side * 16 / 9)
    with tempfile.TemporaryDirectory() as folder:
        still = Path(folder) / "still.jpg"
        Image.effect_mandelbrot((width + 200, height + 300), (-2, -1.5, 1, 1.5), 60).convert(
            "RGB"
        ).save(still)
        base = _timeline(still, args.seconds, width, height, args.fps)
        ideas = _ms_per_frame(dataclasses.replace(base, captions=CaptionsMode.IDEAS))
        lyrics = _ms_per_frame(dataclasses.replace(base, captions=CaptionsMode.LYRICS))
        both = _ms_per_frame(dataclasses.replace(base, captions=CaptionsMode.BOTH))
    print(f"{width}x{height} @ {args.fps} fps, {args.seconds:g} s, {len(base.lyrics)} lines")
    print(f"ideas (baseline): {ideas:6.2f} ms/frame")
    print(f"lyrics:           {lyrics:6.2f} ms/frame  ({lyrics / ideas:.2f}x)")
    print(f"both:             {both:6.2f} ms/frame  ({both / ideas:.2f}x)")
    print(
        f"ideas_ms={ideas:.3f} lyrics_ms={lyrics:.3f} both_ms={both:.3f} "
        f"lyrics_ratio={lyrics / ideas:.3f} both_ratio={both / ideas:.3f}"
    )


if __name__ == "__main__":
    main()
