"""The offline demo: a short music video about Vietnam's landscapes, made from nothing.

Photos are painted procedurally and the song is synthesised, so the demo needs no network,
no token and no files; it goes through the same use cases as the bot.
"""

from __future__ import annotations

import asyncio
import io
import logging
import shutil
import wave
from dataclasses import replace
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from bot.config import Settings
from bot.logs import PROGRESS, TerminalProgress
from bot.studio.ports import JobEvents, RenderedVideo, SceneReady

logger = logging.getLogger(__name__)

DEMO_USER = 1
DEMO_SCENES = (
    ("karsts", "Vịnh Hạ Long lúc bình minh"),
    ("terraces", "Ruộng bậc thang Mù Cang Chải mùa lúa chín"),
    ("lanterns", "Phố cổ Hội An rực rỡ đèn lồng"),
    ("sea", "Biển Mỹ Khê, sóng vỗ chiều hè"),
)
SAMPLE_RATE = 44100
LANTERN_COLORS = [[230, 60, 40], [250, 180, 40], [240, 90, 140]]


def _sky(
    width: int, height: int, top: tuple[int, int, int], bottom: tuple[int, int, int]
) -> Image.Image:
    ramp = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None, None]
    pixels = np.array(top, np.float32) * (1 - ramp) + np.array(bottom, np.float32) * ramp
    return Image.fromarray(np.repeat(pixels, width, axis=1).astype(np.uint8))


def paint(kind: str, width: int = 1600, height: int = 1200, seed: int = 0) -> Image.Image:
    """A simple landscape painting: karsts, terraces, lanterns or sea."""
    rng = np.random.default_rng(seed)
    if kind == "lanterns":
        image = _sky(width, height, (12, 16, 40), (40, 24, 52))
        draw = ImageDraw.Draw(image)
        for _ in range(60):
            x, y = rng.uniform(0, width), rng.uniform(0, height * 0.8)
            r = rng.uniform(18, 46)
            red, green, blue = (int(c) for c in rng.choice(LANTERN_COLORS))
            draw.ellipse([x - r, y - r * 1.2, x + r, y + r * 1.2], fill=(red, green, blue))
        return image.filter(ImageFilter.GaussianBlur(1.5))
    palette = {
        "karsts": ((250, 196, 140), (120, 160, 190)),
        "terraces": ((200, 226, 250), (230, 220, 150)),
        "sea": ((255, 170, 110), (60, 120, 170)),
    }[kind]
    image = _sky(width, height, *palette)
    draw = ImageDraw.Draw(image)
    draw.ellipse([width * 0.62, height * 0.12, width * 0.72, height * 0.25], fill=(255, 236, 200))
    for layer in range(4):
        shade = 40 + layer * 35
        base = height * (0.45 + layer * 0.13)
        xs = np.linspace(0, width, 24)
        if kind == "karsts":
            peaks = base - rng.uniform(80, 380, xs.size) * (1 - layer * 0.2)
        elif kind == "terraces":
            peaks = base - 60 * np.sin(xs / width * 6 + layer) - rng.uniform(0, 20, xs.size)
        else:
            peaks = base + 14 * np.sin(xs / width * 30 + layer * 2)
        points = [(0, height), *zip(xs.tolist(), peaks.tolist(), strict=True), (width, height)]
        color = (
            (shade // 2, shade + 40, shade // 2)
            if kind == "terraces"
            else (shade // 3, shade // 2 + 20, shade + 30)
        )
        draw.polygon(points, fill=color)
    return image.filter(ImageFilter.GaussianBlur(1.0))


def synthesize_song(seconds: float = 20.0, bpm: float = 100.0) -> bytes:
    """A WAV with a kick on every beat over a pentatonic melody."""
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    beat = 60.0 / bpm
    phase = t % beat
    kick = np.sin(2 * np.pi * 60 * phase) * np.exp(-phase * 18)
    notes = np.array([220.0, 247.5, 277.2, 330.0, 370.0, 440.0])
    melody_index = (t // (beat / 2)).astype(int) % len(notes)
    melody = 0.25 * np.sin(2 * np.pi * notes[melody_index] * t) * np.exp(-(t % (beat / 2)) * 4)
    pad = 0.12 * np.sin(2 * np.pi * 110 * t) * (0.6 + 0.4 * np.sin(2 * np.pi * t / 8))
    signal = np.clip(0.6 * kick + melody + pad, -1, 1)
    samples = (signal * 0.8 * 32767).astype(np.int16)
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(samples.tobytes())
    return buffer.getvalue()


async def render_demo(settings: Settings, output_dir: Path) -> RenderedVideo:
    """Build a sample project in `output_dir/data` and render it to `output_dir`."""
    from bot.studio.rendering import RENDER
    from bot.wiring import build_studio

    settings = settings.model_copy(update={"data_dir": output_dir / "data"})
    studio = build_studio(settings)
    try:
        projects, material = studio.projects, studio.material
        projects.register_user(DEMO_USER, "Demo", "vi")
        project = projects.start_project(DEMO_USER, "Việt Nam — Pocket Director demo")
        for index, (kind, caption) in enumerate(DEMO_SCENES):
            photo = material.scratch_path(".jpg")
            paint(kind, seed=index).save(photo, "JPEG", quality=90)
            await material.add_photo(DEMO_USER, photo, caption, f"{kind}.jpg", project.title)
        song = material.scratch_path(".wav")
        song.write_bytes(synthesize_song())
        await material.set_song(DEMO_USER, song, "wav", "demo-song.wav", project.title)
        job = studio.store.create_job(DEMO_USER, project.id, DEMO_USER, RENDER, "vi")

        progress = TerminalProgress(output_dir / "pocket-director-demo.log")

        async def show(fraction: float, step: str) -> None:
            logger.info("%s %3d%%", step, round(fraction * 100), extra=PROGRESS)
            progress.update(fraction, step)

        async def warn(position: int, key: str) -> None:
            logger.warning("Scene %s: %s", position, key)

        async def made(ready: SceneReady) -> None:
            logger.info("Scene %s: %s made", ready.scene.position, ready.kind)

        events = JobEvents(step=show, scene_failed=warn, scene_ready=made)
        video = await studio.rendering.run(job, events, asyncio.Event())
    finally:
        studio.database.close()
    target = output_dir / "pocket-director-demo.mp4"
    shutil.copyfile(video.path, target)
    shutil.copyfile(video.thumbnail_path, output_dir / "pocket-director-demo.jpg")
    return replace(video, path=target)
