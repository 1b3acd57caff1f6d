"""ffmpeg filters that turn any clip upright and into 8-bit BT.709 SDR, the space we render in.

ffmpeg turns a clip by its display matrix itself (autorotate); an older `rotate` tag alone (a
Matroska file remuxed from a phone's MOV) it leaves alone, so those are turned here.

HDR footage (PQ or HLG over BT.2020, as iPhones record it) is linearised by zscale (zimg),
tone-mapped with Hable's curve (highlights roll off instead of clipping) and converted to
BT.709; the bundled ffmpeg has zscale and tonemap, so no LUT of our own is needed. Stills taken
from footage (previews, the fallback of a clip that fails) go through the same filters as the
rendered frames, so a preview looks like the video.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.media.fitting import BACKDROP_DARKEN, BACKDROP_SIDE
from bot.media.media_header import VideoStream

_ZIMG_TRANSFER = {"smpte2084": "smpte2084", "arib-std-b67": "arib-std-b67"}
NOMINAL_PEAK_NITS = 100  # SDR white: where the tone curve puts diffuse white
HD_LINES = 720  # untagged video this tall or taller is BT.709 by convention, smaller BT.601


def upright_filters(video: VideoStream) -> list[str]:
    """Filters that turn a clip whose rotation ffmpeg does not apply by itself."""
    if not video.rotation_tag_only:
        return []
    return {
        90: ["transpose=clock"],
        180: ["hflip", "vflip"],
        270: ["transpose=cclock"],
    }.get(video.rotation, [])


def sdr_chain(
    video: VideoStream,
    size: str,
    *,
    crop: tuple[int, int, int, int] | None = None,
    timing: Sequence[str] = (),
) -> list[str]:
    """Filters from decoded frames to `size` ("W:H[:options]"), upright, as BT.709 SDR yuv420p.

    `crop` (x, y, w, h in upright, square-pixel coordinates) is cut first; `timing` filters
    (speed, frame rate) run on the scaled picture. SDR is converted while it is scaled (one
    pass); HDR is scaled in its own format, so the float tone mapping runs on the small picture.
    """
    filters = [*upright_filters(video)]
    if abs(video.sample_aspect - 1.0) > 1e-3:
        filters += ["scale=trunc(iw*sar/2)*2:ih", "setsar=1"]
    if crop is not None:
        x, y, width, height = crop
        filters.append(f"crop={width}:{height}:{x}:{y}")
    if video.transfer is None:
        matrix = input_matrix(video)
        conversion = f"in_color_matrix={matrix}:out_color_matrix=bt709:out_range=tv"
        return [*filters, f"scale={size}:{conversion}", "format=yuv420p", *timing]
    transfer = _ZIMG_TRANSFER[video.transfer]
    return [
        *filters,
        f"scale={size}",
        *timing,
        f"zscale=tin={transfer}:min=2020_ncl:pin=2020:t=linear:npl={NOMINAL_PEAK_NITS}",
        "format=gbrpf32le",
        "zscale=p=bt709",
        "tonemap=tonemap=hable:desat=0",
        "zscale=t=bt709:m=bt709:r=tv",
        "format=yuv420p",
    ]


def contained_size(video: VideoStream, width: int, height: int) -> tuple[int, int]:
    """The upright clip scaled to fit inside `width` x `height`, in whole even pixels."""
    clip_w, clip_h = video.display_size
    scale = min(width / clip_w, height / clip_h)
    return (
        min(width, max(2, 2 * round(clip_w * scale / 2))),
        min(height, max(2, 2 * round(clip_h * scale / 2))),
    )


def contain_graph(
    video: VideoStream, width: int, height: int, *, timing: Sequence[str] = ()
) -> str:
    """A filter graph from decoded frames to the whole clip at `width` x `height`: scaled to
    fit, centred over a blurred, darkened cover of itself (the look of a contained photo).

    The cover is blurred on a picture a few dozen pixels wide, then scaled up: a wide blur for
    next to nothing, as the photos' backdrop is made.
    """
    inner_w, inner_h = contained_size(video, width, height)
    size = f"{inner_w}:{inner_h}" + (":flags=area" if inner_w < video.display_size[0] else "")
    ratio = BACKDROP_SIDE / max(width, height)
    small_w = max(2, 2 * round(width * ratio / 2))
    small_h = max(2, 2 * round(height * ratio / 2))
    dark = BACKDROP_DARKEN
    backdrop = [
        f"scale={small_w}:{small_h}:force_original_aspect_ratio=increase:flags=bilinear",
        f"crop={small_w}:{small_h}",
        f"gblur=sigma={BACKDROP_SIDE / 24:g}",
        f"lutyuv=y=16+(val-16)*{dark}:u=128+(val-128)*{dark}:v=128+(val-128)*{dark}",
        f"scale={width}:{height}:flags=bicubic",
    ]
    x, y = (width - inner_w) // 2 // 2 * 2, (height - inner_h) // 2 // 2 * 2
    return (
        ",".join(sdr_chain(video, size, timing=timing))
        + ",split[whole][cover];[cover]"
        + ",".join(backdrop)
        + f"[backdrop];[backdrop][whole]overlay={x}:{y}:format=yuv420,format=yuv420p"
    )


def input_matrix(video: VideoStream) -> str:
    """The colour matrix the stream's pixels are in, guessing like players do when untagged."""
    tagged = {"bt709": "bt709", "bt470bg": "bt601", "smpte170m": "bt601", "fcc": "fcc"}
    if video.colour_matrix in tagged:
        return tagged[video.colour_matrix]
    if video.colour_matrix in ("bt2020nc", "bt2020c"):
        return "bt2020"
    if video.pixel_format.startswith(("rgb", "bgr", "gbr", "pal", "argb", "abgr")):
        return "auto"  # RGB sources (GIF, PNG) have no matrix to guess
    return "bt709" if min(video.display_size) >= HD_LINES else "bt601"
