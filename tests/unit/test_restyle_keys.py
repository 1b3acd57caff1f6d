"""The pure rules of restyles: which stretch goes to the model, and what the key depends on."""

from __future__ import annotations

from bot.studio.restyle_keys import Span, look_key, restyle_key, restyle_span


def test_a_stretch_within_the_models_limits_goes_as_it_is() -> None:
    assert restyle_span(1.0, 4.0, 10.0, 2.0, 30.0) == Span(1.0, 4.0)


def test_a_long_shot_is_restyled_for_the_models_most() -> None:
    assert restyle_span(0.0, 45.0, 60.0, 2.0, 30.0) == Span(0.0, 30.0)


def test_a_short_stretch_starts_earlier_to_give_the_model_its_least() -> None:
    assert restyle_span(0.5, 1.0, 10.0, 2.0, 30.0) == Span(0.5, 2.0)
    assert restyle_span(9.5, 0.5, 10.0, 2.0, 30.0) == Span(8.0, 2.0)


def test_the_stretch_ends_with_the_clip_and_a_clip_too_short_has_none() -> None:
    assert restyle_span(3.0, 8.0, 6.0, 2.0, 30.0) == Span(3.0, 3.0)
    assert restyle_span(0.0, 4.0, 1.5, 2.0, 30.0) is None
    assert restyle_span(0.0, 4.0, None, 2.0, 30.0) == Span(0.0, 4.0)  # length unknown


def test_the_key_follows_footage_look_and_stretch_only() -> None:
    look = look_key("runway-aleph2", "oil painting", "9:16")
    key = restyle_key("abc", look, 1.0, 4.0)
    assert key.value == restyle_key("abc", look, 1.001, 4.0).value  # rounding, not a new take
    assert key.value != restyle_key("abd", look, 1.0, 4.0).value
    assert key.value != restyle_key("abc", look, 1.5, 4.0).value
    assert key.value != restyle_key("abc", look, 1.0, 4.5).value
    for other in (
        look_key("runway-aleph3", "oil painting", "9:16"),
        look_key("runway-aleph2", "watercolour", "9:16"),
        look_key("runway-aleph2", "oil painting", "16:9"),
    ):
        assert restyle_key("abc", other, 1.0, 4.0).value != key.value
