"""Photos on their way in: HEIC/HEIF through pillow-heif, and EXIF orientation for every format."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pillow_heif
import pytest
from PIL import Image

from bot.errors import InputRejected
from bot.media.photos import normalise_photo

ORIENTATION = 0x0112
MAX_PIXELS = 50_000_000
MAX_SIDE = 10_000
WIDTH, HEIGHT, MARK = 240, 160, 40
RED, BLUE = (255, 0, 0), (0, 0, 255)

Pixels = npt.NDArray[np.uint8]


def upright_pixels() -> Pixels:
    """A landscape picture, grey, with a red top-left and a blue top-right corner."""
    pixels = np.full((HEIGHT, WIDTH, 3), 128, dtype=np.uint8)
    pixels[:MARK, :MARK] = RED
    pixels[:MARK, -MARK:] = BLUE
    return pixels


def stored_for(orientation: int, upright: Pixels) -> Pixels:
    """The pixels a camera stores with this EXIF orientation for an `upright` scene.

    From the EXIF definition of where the stored row 0 and column 0 are in the upright view:
    1 top/left, 2 top/right, 3 bottom/right, 4 bottom/left, 5 left/top, 6 right/top,
    7 right/bottom, 8 left/bottom.
    """
    stored = {
        1: upright,
        2: upright[:, ::-1],
        3: upright[::-1, ::-1],
        4: upright[::-1, :],
        5: upright.transpose(1, 0, 2),
        6: upright[:, ::-1].transpose(1, 0, 2),
        7: upright[::-1, ::-1].transpose(1, 0, 2),
        8: upright[::-1, :].transpose(1, 0, 2),
    }[orientation]
    return np.ascontiguousarray(stored)


def exif_with(orientation: int) -> Image.Exif:
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[0x010F] = "Pocket Director tests"  # Make: the rest of the EXIF is not our concern
    return exif


def normalised(source: Path, tmp_path: Path) -> tuple[Image.Image, Path]:
    """Normalise `source`; the stored JPEG (loaded) and its path."""
    output = tmp_path / "normalised.jpg"
    facts = normalise_photo(source, output, MAX_PIXELS, MAX_SIDE)
    with Image.open(output) as stored:
        stored.load()
    assert stored.format == "JPEG" and stored.mode == "RGB"
    assert (facts.width, facts.height) == stored.size
    return stored, output


def corner_colours(image: Image.Image) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    """Mean colours of the top-left and top-right marks and of the bottom-left corner."""
    pixels = np.asarray(image).astype(int)
    inner = slice(5, MARK - 5)
    top_left = pixels[inner, inner].mean(axis=(0, 1))
    top_right = pixels[inner, -MARK + 5 : -5].mean(axis=(0, 1))
    bottom_left = pixels[-MARK + 5 : -5, inner].mean(axis=(0, 1))
    return (
        tuple(round(v) for v in top_left),
        tuple(round(v) for v in top_right),
        tuple(round(v) for v in bottom_left),
    )


def assert_upright(image: Image.Image, *, tolerance: int = 24) -> None:
    assert image.size == (WIDTH, HEIGHT)
    top_left, top_right, bottom_left = corner_colours(image)
    for got, want in ((top_left, RED), (top_right, BLUE), (bottom_left, (128, 128, 128))):
        assert all(abs(g - w) <= tolerance for g, w in zip(got, want, strict=True)), (got, want)


def assert_no_orientation(path: Path) -> None:
    with Image.open(path) as stored:
        assert ORIENTATION not in stored.getexif()


def heic_bytes(pixels: Pixels, **save: object) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, "HEIF", quality=95, **save)
    return buffer.getvalue()


# ---------------------------------------------------------------- EXIF orientation


@pytest.mark.parametrize("orientation", range(1, 9))
def test_jpeg_with_each_exif_orientation_is_stored_upright(
    tmp_path: Path, orientation: int
) -> None:
    source = tmp_path / "camera.jpg"
    Image.fromarray(stored_for(orientation, upright_pixels())).save(
        source, "JPEG", quality=95, exif=exif_with(orientation)
    )
    with Image.open(source) as written:
        assert written.getexif()[ORIENTATION] == orientation
        assert written.size == ((HEIGHT, WIDTH) if orientation >= 5 else (WIDTH, HEIGHT))
    image, output = normalised(source, tmp_path)
    assert_upright(image)
    assert_no_orientation(output)


@pytest.mark.parametrize(("fmt", "orientation"), [("PNG", 6), ("PNG", 3), ("WEBP", 8), ("WEBP", 5)])
def test_png_and_webp_with_exif_orientation_are_stored_upright(
    tmp_path: Path, fmt: str, orientation: int
) -> None:
    source = tmp_path / f"camera.{fmt.lower()}"
    save: dict[str, object] = {"lossless": True} if fmt == "WEBP" else {}
    Image.fromarray(stored_for(orientation, upright_pixels())).save(
        source, fmt, exif=exif_with(orientation), **save
    )
    with Image.open(source) as written:
        assert written.format == fmt and written.getexif()[ORIENTATION] == orientation
    image, output = normalised(source, tmp_path)
    assert_upright(image, tolerance=4)
    assert_no_orientation(output)


# ---------------------------------------------------------------- HEIC / HEIF


def test_heic_becomes_an_upright_jpeg(tmp_path: Path) -> None:
    source = tmp_path / "IMG_0001.HEIC"
    source.write_bytes(heic_bytes(upright_pixels()))
    with Image.open(source) as written:
        assert written.format == "HEIF"
    image, output = normalised(source, tmp_path)
    assert_upright(image)
    assert_no_orientation(output)


def test_ten_bit_heic_is_read(tmp_path: Path) -> None:
    # pillow-heif writes 16-bit modes as 10-bit HEIC (its default, not 12-bit).
    deep = upright_pixels().astype(np.uint16) * 257
    heif = pillow_heif.from_bytes(mode="RGB;16", size=(WIDTH, HEIGHT), data=deep.tobytes())
    source = tmp_path / "deep.heic"
    heif.save(source, quality=95)
    written = pillow_heif.open_heif(source, convert_hdr_to_8bit=False)
    assert written.info["bit_depth"] == 10
    image, _ = normalised(source, tmp_path)
    assert_upright(image)


@pytest.mark.parametrize("orientation", [3, 6, 8])
def test_heic_orientation_is_honoured(tmp_path: Path, orientation: int) -> None:
    # pillow-heif turns the EXIF tag into HEIF's own rotation (irot/imir), which libheif applies.
    source = tmp_path / "rotated.heic"
    stored = stored_for(orientation, upright_pixels())
    source.write_bytes(heic_bytes(stored, exif=exif_with(orientation).tobytes()))
    image, output = normalised(source, tmp_path)
    assert_upright(image)
    assert_no_orientation(output)


def test_heic_with_several_images_gives_the_primary_one(tmp_path: Path) -> None:
    # A burst or a Live Photo still holds several images; the photo is the primary one.
    first = Image.new("RGB", (64, 48), (0, 200, 0))
    primary = Image.fromarray(upright_pixels())
    source = tmp_path / "burst.heic"
    first.save(source, "HEIF", save_all=True, append_images=[primary], primary_index=1)
    with Image.open(source) as written:
        assert getattr(written, "n_frames", 1) == 2
    image, _ = normalised(source, tmp_path)
    assert_upright(image)


def test_big_heic_is_shrunk_like_any_photo(tmp_path: Path) -> None:
    source = tmp_path / "big.heic"
    Image.new("RGB", (3000, 2000), (10, 20, 200)).save(source, "HEIF", quality=50)
    image, _ = normalised(source, tmp_path)
    assert image.size == (2560, 1707)


def test_heic_over_the_limits_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "wide.heic"
    Image.new("RGB", (640, 100)).save(source, "HEIF")
    with pytest.raises(InputRejected) as side:
        normalise_photo(source, tmp_path / "out.jpg", MAX_PIXELS, max_side=600)
    assert side.value.key == "error.image_too_large"
    with pytest.raises(InputRejected) as pixels:
        normalise_photo(source, tmp_path / "out.jpg", max_pixels=60_000, max_side=MAX_SIDE)
    assert pixels.value.key == "error.image_too_large"
    assert not (tmp_path / "out.jpg").exists()


def corrupt_heics() -> dict[str, bytes]:
    """Damaged HEIC files: each fails at a different place in libheif."""
    good = heic_bytes(upright_pixels())
    picture = good.find(b"mdat") + 4  # the coded picture, after the boxes that describe it
    return {
        "cut in half": good[: len(good) // 2],  # opens, then the data is missing
        "last bytes missing": good[:-40],
        "picture zeroed": good[:picture] + bytes(len(good) - picture),  # the decoder gives nothing
        "picture garbled": good[:picture] + b"\xff" * (len(good) - picture),  # EOFError
        "header only": good[:40] + bytes(2000),
        "brand only": good[:32],
    }


@pytest.mark.parametrize("name", list(corrupt_heics()))
def test_corrupt_heic_gets_the_bad_image_refusal(tmp_path: Path, name: str) -> None:
    source = tmp_path / "broken.heic"
    source.write_bytes(corrupt_heics()[name])
    with pytest.raises(InputRejected) as refused:
        normalise_photo(source, tmp_path / "out.jpg", MAX_PIXELS, MAX_SIDE)
    assert refused.value.key == "error.bad_image"
    assert not (tmp_path / "out.jpg").exists()
