"""The offline look: grade a reference photo to a style preset with Pillow and numpy."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageEnhance, ImageOps

from bot.studio.styles import Grade

# Pictures are kept a little larger than the video so Ken Burns zooms stay sharp.
OVERSCAN = 1.3


def fit_for_output(image: Image.Image, width: int, height: int) -> Image.Image:
    """Shrink (never enlarge) so the image still covers the output with overscan."""
    scale = max(width * OVERSCAN / image.width, height * OVERSCAN / image.height)
    if scale >= 1:
        return image
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    return image.resize(size, Image.Resampling.LANCZOS)


def vignette_mask(width: int, height: int, strength: float) -> NDArray[np.float32]:
    """A multiplier that darkens the corners by up to `strength`."""
    ys = np.linspace(-1.0, 1.0, height, dtype=np.float32)[:, None]
    xs = np.linspace(-1.0, 1.0, width, dtype=np.float32)[None, :]
    distance = np.sqrt(xs * xs + ys * ys) / np.sqrt(2.0)
    mask: NDArray[np.float32] = (1.0 - strength * np.clip(distance, 0.0, 1.0) ** 2).astype(
        np.float32
    )
    return mask


def grade_image(image: Image.Image, grade: Grade, seed: int = 0) -> Image.Image:
    """Apply a style's grade; the result is deterministic for a given seed."""
    graded = image.convert("RGB")
    graded = ImageEnhance.Color(graded).enhance(grade.saturation)
    graded = ImageEnhance.Contrast(graded).enhance(grade.contrast)
    graded = ImageEnhance.Brightness(graded).enhance(grade.brightness)
    if grade.tint is not None and grade.tint_strength > 0:
        toned = ImageOps.colorize(
            ImageOps.grayscale(graded), black=(0, 0, 0), white=(255, 255, 255), mid=grade.tint
        )
        graded = Image.blend(graded, toned, grade.tint_strength)
    pixels = np.asarray(graded, dtype=np.float32)
    if grade.warmth:
        pixels = pixels * np.array(
            [1 + grade.warmth * 0.5, 1.0, 1 - grade.warmth * 0.5], dtype=np.float32
        )
    if grade.vignette > 0:
        pixels = pixels * vignette_mask(graded.width, graded.height, grade.vignette)[..., None]
    if grade.grain > 0:
        noise = np.random.default_rng(seed).normal(0.0, 255 * grade.grain, pixels.shape[:2])
        pixels = pixels + noise[..., None].astype(np.float32)
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
