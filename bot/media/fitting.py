"""Fitting a photo to the frame: where a cover crop looks, and the blurred-background contain.

The focus of a cover crop is the faces in the photo when OpenCV's Haar cascades are installed
(OpenCV 5 moved them out of the main package, so opencv-python-headless 5 has none), else the
most detailed region: where the gradient energy, smoothed to the size of a subject, peaks, with
a mild pull towards the centre.
"""

from __future__ import annotations

import functools
import logging
import math
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image, ImageEnhance, ImageFilter, ImageOps

from bot.media.motion import DEFAULT_ZOOM, Focus, motion_overlap, smallest_window_width
from bot.studio.timeline import Motion

logger = logging.getLogger(__name__)

ANALYSIS_SIDE = 256
FACE_SIDE = 480
CENTRE_PULL = 0.3  # a detail peak must beat the centre by this much (at the corners)
FLAT_DETAIL = 1.15  # peak-to-mean energy below which a photo has no region of its own
BACKDROP_DARKEN = 0.45
BACKDROP_SIDE = 96  # the blurred cover is made this small, then scaled up: blur for free
_FACE_CASCADE = "haarcascade_frontalface_default.xml"
CENTRE: Focus = (0.5, 0.5)


def find_focus(image: Image.Image) -> Focus:
    """The point (fractions of width and height) a cover crop should keep in view."""
    faces = _face_centre(image)
    return faces if faces is not None else detail_centre(image)


def detail_centre(image: Image.Image) -> Focus:
    """Centre of the most detailed region, or the middle of a photo detailed all over."""
    small = image.convert("L")
    small.thumbnail((ANALYSIS_SIDE, ANALYSIS_SIDE), Image.Resampling.BILINEAR)
    gray = np.asarray(small, dtype=np.float32)
    height, width = gray.shape
    energy = np.hypot(cv2.Sobel(gray, cv2.CV_32F, 1, 0), cv2.Sobel(gray, cv2.CV_32F, 0, 1))
    sigma = 0.1 * min(width, height)
    smooth = cv2.GaussianBlur(energy, (0, 0), sigma, borderType=cv2.BORDER_REFLECT)
    ys, xs = np.mgrid[0:height, 0:width]
    distance = ((xs + 0.5) / width - 0.5) ** 2 + ((ys + 0.5) / height - 0.5) ** 2
    weighted = smooth * (1.0 - CENTRE_PULL * 2.0 * distance)
    if float(smooth.mean()) <= 0.0 or float(weighted.max()) < FLAT_DETAIL * float(smooth.mean()):
        return CENTRE
    y, x = np.unravel_index(int(np.argmax(weighted)), weighted.shape)
    return ((int(x) + 0.5) / width, (int(y) + 0.5) / height)


def _face_centre(image: Image.Image) -> Focus | None:
    cascade = _cascade()
    if cascade is None:
        return None
    small = image.convert("L")
    small.thumbnail((FACE_SIDE, FACE_SIDE), Image.Resampling.BILINEAR)
    gray = cv2.equalizeHist(np.asarray(small, dtype=np.uint8))
    side = max(12, round(0.05 * min(gray.shape)))
    faces = cascade.detectMultiScale(gray, scaleFactor=1.1, minNeighbors=5, minSize=(side, side))
    if len(faces) == 0:
        return None
    boxes = np.asarray(faces, dtype=np.float64)
    areas = boxes[:, 2] * boxes[:, 3]
    cx = float(np.average(boxes[:, 0] + boxes[:, 2] / 2, weights=areas))
    cy = float(np.average(boxes[:, 1] + boxes[:, 3] / 2, weights=areas))
    return (cx / gray.shape[1], cy / gray.shape[0])


@functools.cache
def _cascade() -> Any:
    """OpenCV's frontal face detector, or None where OpenCV has no Haar cascades."""
    classifier = getattr(cv2, "CascadeClassifier", None)
    folder = getattr(getattr(cv2, "data", None), "haarcascades", None)
    path = Path(folder) / _FACE_CASCADE if folder else None
    if classifier is None or path is None or not path.is_file():
        logger.info("no Haar face cascade installed; cover crops follow detail only")
        return None
    cascade = classifier(str(path))
    return None if cascade.empty() else cascade


def contain_canvas(
    image: Image.Image, motion: Motion, out_w: int, out_h: int, zoom: float = DEFAULT_ZOOM
) -> Image.Image:
    """The whole photo over a blurred, darkened cover of itself, sized for the move.

    The canvas has the output's aspect and is as large as the move needs (its tightest window
    is `out_w` wide); the photo fits inside what every window of the move shows, so it stays
    whole from the first frame to the last.
    """
    ratio = out_w / smallest_window_width(motion, out_w, out_h, out_w, out_h, zoom)
    size = (math.ceil(out_w * ratio), math.ceil(out_h * ratio))
    x, y, w, h = motion_overlap(motion, *size, out_w, out_h, zoom)
    scale = min(w / image.width, h / image.height)
    photo_size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    photo = image.resize(photo_size, Image.Resampling.LANCZOS, reducing_gap=3.0)
    canvas = backdrop(image, size)
    canvas.paste(photo, (round(x + (w - photo_size[0]) / 2), round(y + (h - photo_size[1]) / 2)))
    return canvas


def backdrop(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    """A blurred, darkened cover of the image at `size`."""
    ratio = BACKDROP_SIDE / max(size)
    small_size = (max(1, round(size[0] * ratio)), max(1, round(size[1] * ratio)))
    image = image.copy()
    image.thumbnail((BACKDROP_SIDE * 4, BACKDROP_SIDE * 4), Image.Resampling.BILINEAR)
    small = ImageOps.fit(image, small_size, Image.Resampling.BILINEAR)
    small = small.filter(ImageFilter.GaussianBlur(BACKDROP_SIDE / 24))
    small = ImageEnhance.Brightness(small).enhance(BACKDROP_DARKEN)
    return small.resize(size, Image.Resampling.BICUBIC)
