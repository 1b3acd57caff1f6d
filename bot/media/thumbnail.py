"""The video's thumbnail: the most striking of the shots' middle frames, as a small JPEG.

Each shot's segment keeps a candidate (its middle frame at thumbnail size) beside it in the
cache, so a re-render that encodes one scene still chooses among all of them.
"""

from __future__ import annotations

from pathlib import Path
from typing import cast

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image

from bot.media.encoder import partial_of
from bot.media.yuv import Frame, frame_to_rgb

THUMBNAIL_SIDE = 320
THUMBNAIL_MAX_BYTES = 200_000

Rgb = NDArray[np.uint8]


def small_rgb(frame: Frame, width: int, height: int) -> Rgb:
    """The I420 frame as RGB, no side longer than THUMBNAIL_SIDE."""
    rgb = frame_to_rgb(frame, width, height)
    scale = min(1.0, THUMBNAIL_SIDE / max(width, height))
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return cast(Rgb, cv2.resize(rgb, size, interpolation=cv2.INTER_AREA))


def striking(rgb: Rgb) -> float:
    """How striking a picture is: contrast plus colourfulness plus detail, each about 0..1."""
    luma = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    saturation = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)[:, :, 1]
    detail = float(np.abs(cv2.Laplacian(luma, cv2.CV_32F)).mean()) / 64.0
    return float(luma.std()) / 128.0 + float(saturation.mean()) / 255.0 + min(1.0, detail)


def save_candidate(rgb: Rgb, path: Path) -> None:
    """Keep a candidate frame (already thumbnail-sized) for later choosing."""
    partial = partial_of(path)
    Image.fromarray(rgb).save(partial, "JPEG", quality=92)
    partial.replace(path)


def choose_thumbnail(candidates: list[Path], output: Path) -> Path | None:
    """Write the most striking candidate to `output` within Telegram's limits; None if none."""
    best: tuple[float, Rgb] | None = None
    for path in candidates:
        if not path.exists():
            continue
        with Image.open(path) as image:
            rgb = np.asarray(image.convert("RGB"), dtype=np.uint8)
        score = striking(rgb)
        if best is None or score > best[0]:
            best = (score, rgb)
    if best is None:
        return None
    return save_thumbnail(best[1], output)


def save_thumbnail(rgb: Rgb, output: Path) -> Path:
    """Save a JPEG no larger than THUMBNAIL_SIDE pixels and THUMBNAIL_MAX_BYTES bytes."""
    image = Image.fromarray(rgb)
    image.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE), Image.Resampling.LANCZOS)
    for quality in range(88, 20, -8):
        image.save(output, "JPEG", quality=quality, optimize=True)
        if output.stat().st_size <= THUMBNAIL_MAX_BYTES:
            break
    return output
