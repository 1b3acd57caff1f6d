"""Pure rules of restyled footage: which stretch goes to the model, and the key of its result."""

from __future__ import annotations

from dataclasses import dataclass

from bot.studio.keys import content_key


@dataclass(frozen=True)
class RestyleKey:
    """What shapes a restyle: the footage, the look (model, prompt, ratio) and the stretch.

    `value` is the hash of it all: the same value, the same result, paid once.
    """

    source: str
    look: str
    start: float
    seconds: float

    @property
    def value(self) -> str:
        """The hash the result is kept under."""
        return content_key(
            {"source": self.source, "look": self.look, "start": self.start, "seconds": self.seconds}
        )


def look_key(maker: str, prompt: str, aspect: str) -> str:
    """Hash of what a restyle looks like, whatever the footage."""
    return content_key({"maker": maker, "prompt": prompt, "aspect": aspect})


def restyle_key(source: str, look: str, start: float, seconds: float) -> RestyleKey:
    """The key of restyling `seconds` of the footage `source` from `start` in a look."""
    return RestyleKey(source, look, round(start, 2), round(seconds, 2))


@dataclass(frozen=True)
class Span:
    """The stretch of a clip to send: from `start`, `seconds` long."""

    start: float
    seconds: float


def restyle_span(
    start: float,
    seconds: float,
    footage_seconds: float | None,
    min_seconds: float,
    max_seconds: float,
) -> Span | None:
    """The stretch the model can take for a shot of `seconds` from `start`; None: none can.

    The model takes `min_seconds` to `max_seconds` and answers as long as it was given: a
    shot longer than the most is restyled for the most (the render slows or holds it, as for
    a short clip); a stretch too short for the model starts earlier in the clip; a clip
    shorter than the least cannot be restyled at all.
    """
    start = max(0.0, start)
    length = footage_seconds if footage_seconds and footage_seconds > 0 else None
    if length is not None and length < min_seconds:
        return None
    wanted = min(max(seconds, min_seconds), max_seconds)
    if length is not None:
        start = min(start, length - min_seconds)
        wanted = min(wanted, length - start)
    return Span(round(start, 3), round(wanted, 3))
