"""Open uploaded images safely and store them as normalised JPEGs."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pillow_heif
from PIL import Image, ImageOps, UnidentifiedImageError

from bot.errors import InputRejected
from bot.studio.ports import ImageFacts

logger = logging.getLogger(__name__)

# HEIC/HEIF, the iPhone's default, opens through Pillow once pillow-heif's plugin is registered
# (here, once, on import). It decodes the primary image of a file holding several (a burst, a
# Live Photo still), with libheif applying the file's own rotation and mirroring.
pillow_heif.register_heif_opener()

ACCEPTED_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF", "MPO", "HEIF"})
STORED_LONG_SIDE = 2560


def _check_size(image: Image.Image, max_pixels: int, max_side: int) -> None:
    width, height = image.size
    if width > max_side or height > max_side or width * height > max_pixels:
        raise InputRejected("error.image_too_large", max_side=max_side)


def normalise_photo(source: Path, output: Path, max_pixels: int, max_side: int) -> ImageFacts:
    """Check an image file and write it upright, RGB, at most STORED_LONG_SIDE, as JPEG.

    The JPEG carries no metadata: its pixels are upright, so no orientation tag is left to obey.
    """
    try:
        with Image.open(source) as image:
            if image.format not in ACCEPTED_FORMATS:
                raise InputRejected("error.bad_image")
            # Checked before decoding: a decompression bomb is small on disk, huge in memory.
            _check_size(image, max_pixels, max_side)
            image.load()
            # A HEIF decoder may report the decoded size only now (a crop, a rotated grid).
            _check_size(image, max_pixels, max_side)
            upright = ImageOps.exif_transpose(image)
            rgb = upright.convert("RGB")
    except InputRejected:
        raise
    except Image.DecompressionBombError as error:
        logger.info("Rejected a decompression bomb")
        raise InputRejected("error.image_too_large", max_side=max_side) from error
    # libheif reports a damaged file as ValueError, EOFError or RuntimeError, Pillow as OSError.
    except (
        UnidentifiedImageError,
        OSError,
        ValueError,
        SyntaxError,
        EOFError,
        RuntimeError,
    ) as error:
        logger.info("Rejected an image: %s", type(error).__name__)
        raise InputRejected("error.bad_image") from error
    rgb.thumbnail((STORED_LONG_SIDE, STORED_LONG_SIDE), Image.Resampling.LANCZOS)
    rgb.save(output, "JPEG", quality=90, optimize=True)
    return ImageFacts(path=output, width=rgb.width, height=rgb.height)


async def normalise_photo_async(
    source: Path, output: Path, max_pixels: int, max_side: int
) -> ImageFacts:
    """`normalise_photo` off the event loop."""
    return await asyncio.to_thread(normalise_photo, source, output, max_pixels, max_side)
