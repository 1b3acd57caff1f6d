"""The offline look: style grades change photos the way their presets say."""

import numpy as np
from PIL import Image

from bot.media.grading import fit_for_output, grade_image
from bot.providers.styles_file import load_styles
from bot.studio.styles import Grade
from tests.support.synthetic_media import make_photo


def _photo() -> Image.Image:
    import io

    return Image.open(io.BytesIO(make_photo(800, 600, seed=3))).convert("RGB")


def _saturation(image: Image.Image) -> float:
    hsv = np.asarray(image.convert("HSV"), dtype=np.float32)
    return float(hsv[..., 1].mean())


def test_archival_is_monochrome_toned() -> None:
    graded = grade_image(_photo(), load_styles()["archival"].grade)
    assert _saturation(graded) < 0.5 * _saturation(_photo())


def test_vignette_darkens_corners_more_than_centre() -> None:
    flat = Image.new("RGB", (200, 200), (180, 180, 180))
    graded = np.asarray(grade_image(flat, Grade(vignette=0.6)), dtype=np.float32)
    assert graded[0, 0].mean() < graded[100, 100].mean() - 40


def test_grading_is_deterministic() -> None:
    grade = load_styles()["dong_ho"].grade
    first = np.asarray(grade_image(_photo(), grade, seed=7))
    second = np.asarray(grade_image(_photo(), grade, seed=7))
    assert np.array_equal(first, second)


def test_neutral_grade_keeps_the_photo() -> None:
    photo = _photo()
    assert (
        np.abs(
            np.asarray(grade_image(photo, Grade()), np.int16) - np.asarray(photo, np.int16)
        ).max()
        <= 1
    )


def test_fit_shrinks_but_still_covers_the_output() -> None:
    big = Image.new("RGB", (4000, 3000))
    fitted = fit_for_output(big, 720, 1280)
    assert fitted.width >= 720 and fitted.height >= 1280
    assert fitted.width < 4000
    small = Image.new("RGB", (300, 200))
    assert fit_for_output(small, 720, 1280).size == (300, 200)


def test_every_style_has_a_name_in_every_language() -> None:
    for style in load_styles().values():
        assert style.name("en") and style.name("vi")
