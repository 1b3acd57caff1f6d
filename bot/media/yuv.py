"""Frames in the encoder's own format: I420 (yuv420p), BT.709 matrix, limited range.

Stills are converted once when prepared; every frame is then warped, blended and piped as
I420, so no frame is ever converted (ffmpeg's RGB conversion would cost as much as x264 does).
A frame is an array of shape (height * 3 // 2, width): the Y plane, then U, then V.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import cv2
import numpy as np
from numpy.typing import NDArray

Frame = NDArray[np.uint8]
Plane = NDArray[np.uint8]

_KR, _KB = 0.2126, 0.0722
_KG = 1.0 - _KR - _KB
# RGB (0..255) to limited-range Y'CbCr: Y in 16..235, Cb/Cr in 16..240.
_TO_YUV = np.array(
    [
        [219 / 255 * _KR, 219 / 255 * _KG, 219 / 255 * _KB, 16.0],
        [-224 / 255 * _KR / (2 - 2 * _KB), -224 / 255 * _KG / (2 - 2 * _KB), 224 / 255 / 2, 128.0],
        [224 / 255 / 2, -224 / 255 * _KG / (2 - 2 * _KR), -224 / 255 * _KB / (2 - 2 * _KR), 128.0],
    ],
    dtype=np.float32,
)
_TO_RGB = np.linalg.inv(np.vstack([_TO_YUV, [0.0, 0.0, 0.0, 1.0]]))[:3].astype(np.float32)
BLACK_YUV = (16, 128, 128)


def rgb_to_yuv(rgb: NDArray[np.uint8]) -> NDArray[np.uint8]:
    """Full-resolution Y, Cb, Cr channels (h x w x 3) of an RGB image."""
    return cast(NDArray[np.uint8], cv2.transform(rgb, _TO_YUV))


def rgb_to_planes(rgb: NDArray[np.uint8]) -> tuple[Plane, Plane, Plane]:
    """Y at full size and U, V at half size (rounded up) of an RGB image."""
    yuv = rgb_to_yuv(rgb)
    height, width = yuv.shape[:2]
    half = ((width + 1) // 2, (height + 1) // 2)
    luma = np.ascontiguousarray(yuv[:, :, 0])
    u = cast(Plane, cv2.resize(yuv[:, :, 1], half, interpolation=cv2.INTER_AREA))
    v = cast(Plane, cv2.resize(yuv[:, :, 2], half, interpolation=cv2.INTER_AREA))
    return luma, u, v


def new_frame(width: int, height: int) -> Frame:
    """An uninitialised I420 frame."""
    return np.empty((height * 3 // 2, width), dtype=np.uint8)


def planes(frame: Frame, width: int, height: int) -> tuple[Plane, Plane, Plane]:
    """Writable views of the Y, U and V planes of an I420 frame."""
    flat = frame.reshape(-1)
    luma_size, chroma_size = width * height, (width // 2) * (height // 2)
    luma = flat[:luma_size].reshape(height, width)
    u = flat[luma_size : luma_size + chroma_size].reshape(height // 2, width // 2)
    v = flat[luma_size + chroma_size :].reshape(height // 2, width // 2)
    return luma, u, v


def black_frame(width: int, height: int) -> Frame:
    """An all-black I420 frame."""
    frame = new_frame(width, height)
    luma, u, v = planes(frame, width, height)
    luma[:], u[:], v[:] = BLACK_YUV
    return frame


def frame_to_rgb(frame: Frame, width: int, height: int) -> NDArray[np.uint8]:
    """RGB image (h x w x 3) of an I420 frame, for thumbnails and checks."""
    luma, u, v = planes(frame, width, height)
    size = (width, height)
    yuv = np.dstack(
        [
            luma,
            cv2.resize(u, size, interpolation=cv2.INTER_LINEAR),
            cv2.resize(v, size, interpolation=cv2.INTER_LINEAR),
        ]
    )
    return cast(NDArray[np.uint8], cv2.transform(yuv, _TO_RGB))


@dataclass(frozen=True)
class YuvOverlay:
    """An RGBA overlay converted for I420 frames: premultiplied planes and their alpha.

    Its box starts on even rows and columns so the chroma planes line up with the frame's.
    """

    top: int
    left: int
    luma: NDArray[np.float32]
    alpha: NDArray[np.float32]
    chroma: NDArray[np.float32]  # (2, h/2, w/2): premultiplied U and V
    chroma_alpha: NDArray[np.float32]

    @classmethod
    def from_rgba(
        cls, band: NDArray[np.uint8], top: int, width: int, height: int
    ) -> YuvOverlay | None:
        """The inked part of an RGBA band whose first row is frame row `top`, clipped to it."""
        first, last = max(0, -top), min(band.shape[0], height - top)
        if first >= last:
            return None
        band = band[first:last]
        top += first
        alpha = band[:, :, 3]
        rows, cols = np.flatnonzero(alpha.any(axis=1)), np.flatnonzero(alpha.any(axis=0))
        if rows.size == 0:
            return None
        y0, x0 = (top + int(rows[0])) & ~1, int(cols[0]) & ~1
        y1 = min(height, (top + int(rows[-1]) + 2) & ~1)
        x1 = min(width, (int(cols[-1]) + 2) & ~1)
        box = np.zeros((y1 - y0, x1 - x0, 4), dtype=np.uint8)  # padded to even edges
        src_top = max(y0, top)
        src = band[src_top - top : y1 - top, x0 : min(x1, band.shape[1])]
        box[src_top - y0 : src_top - y0 + src.shape[0], : src.shape[1]] = src
        weight = box[:, :, 3].astype(np.float32) / 255.0
        yuv = rgb_to_yuv(np.ascontiguousarray(box[:, :, :3])).astype(np.float32)
        premultiplied = yuv * weight[:, :, None]
        half = ((x1 - x0) // 2, (y1 - y0) // 2)
        area = cv2.INTER_AREA
        chroma = np.stack(
            [cv2.resize(premultiplied[:, :, c], half, interpolation=area) for c in (1, 2)]
        ).astype(np.float32)
        chroma_alpha = cv2.resize(weight, half, interpolation=area).astype(np.float32)
        return cls(y0, x0, premultiplied[:, :, 0], weight, chroma, chroma_alpha)

    def blend_into(self, frame: Frame, width: int, height: int, opacity: float = 1.0) -> None:
        """Lay the overlay over `frame` in place, at `opacity` (0..1)."""
        luma, u, v = planes(frame, width, height)
        first, last = self.rows
        self.blend_rows(
            luma[first:last], u[first // 2 : last // 2], v[first // 2 : last // 2], opacity
        )

    @property
    def rows(self) -> tuple[int, int]:
        """The frame rows [first, last) the overlay covers (both even)."""
        return self.top, self.top + self.luma.shape[0]

    def blend_rows(self, luma: Plane, u: Plane, v: Plane, opacity: float = 1.0) -> None:
        """Lay the overlay over just its rows of a frame: Y rows `rows`, U and V rows halved."""
        for plane, rows in enumerate((luma, u, v)):
            self.blend_plane_rows(plane, rows, opacity)

    def blend_plane_rows(self, plane: int, rows: Plane, opacity: float = 1.0) -> None:
        """Lay one plane of the overlay (0 Y, 1 U, 2 V) over that plane's rows it covers."""
        if opacity <= 0.0:
            return
        if plane == 0:
            cols = self.luma.shape[1]
            _over(rows[:, self.left : self.left + cols], self.luma, self.alpha, opacity)
            return
        left, cols = self.left // 2, self.chroma_alpha.shape[1]
        _over(rows[:, left : left + cols], self.chroma[plane - 1], self.chroma_alpha, opacity)


def _over(
    region: Plane, ink: NDArray[np.float32], alpha: NDArray[np.float32], opacity: float
) -> None:
    """region = ink + region * (1 - alpha), with ink premultiplied, scaled by opacity."""
    if opacity < 1.0:
        ink, alpha = ink * opacity, alpha * opacity
    mixed = region.astype(np.float32) * (1.0 - alpha) + ink
    region[:] = np.clip(mixed + 0.5, 0, 255).astype(np.uint8)
