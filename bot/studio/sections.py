"""A song's sections (intro, verse, chorus, bridge, outro) as stored data, and pure rules on them.

Sections come from the audio (bot/media/sections.py). The timeline uses them to pace scenes
(a chorus cuts faster than a verse) and to pin a scene's start to a section the director named.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

# Scenes per second in a chorus, relative to a verse: a chorus cuts this much faster.
PACE: dict[str, float] = {
    "intro": 0.8,
    "verse": 1.0,
    "chorus": 1.5,
    "bridge": 1.15,
    "outro": 0.8,
}


class SectionKind(StrEnum):
    """What part of a song a stretch of it is."""

    INTRO = "intro"
    VERSE = "verse"
    CHORUS = "chorus"
    BRIDGE = "bridge"
    OUTRO = "outro"


@dataclass(frozen=True)
class SectionPin:
    """A scene starts a section: the `occurrence`-th of its kind (1-based), or, without one,
    the next of its kind after the scenes pinned before it."""

    kind: SectionKind
    occurrence: int | None = None

    def to_text(self) -> str:
        """ "chorus" or "chorus:2", as stored with the scene."""
        return (
            self.kind.value if self.occurrence is None else f"{self.kind.value}:{self.occurrence}"
        )

    @classmethod
    def parse(cls, text: str | None) -> SectionPin | None:
        """The pin stored by `to_text` (None for none, or for a text that is not one)."""
        if not text:
            return None
        kind, _, occurrence = text.partition(":")
        try:
            return cls(SectionKind(kind), int(occurrence) if occurrence else None)
        except ValueError:
            return None


@dataclass(frozen=True)
class SongSection:
    """One section of the song, from `start` to `end` seconds."""

    kind: SectionKind
    start: float
    end: float


def sections_to_json(sections: Sequence[SongSection]) -> str:
    """A compact JSON text to store with the song."""
    return json.dumps(
        [
            {"kind": s.kind.value, "start": round(s.start, 4), "end": round(s.end, 4)}
            for s in sections
        ]
    )


def sections_from_json(text: str | None) -> tuple[SongSection, ...]:
    """The sections stored by `sections_to_json` (none for an empty or missing text)."""
    if not text:
        return ()
    return tuple(
        SongSection(SectionKind(item["kind"]), float(item["start"]), float(item["end"]))
        for item in json.loads(text)
    )


def section_boundaries(sections: Sequence[SongSection]) -> list[float]:
    """Times where one section hands over to the next (not the song's start or end)."""
    return [s.start for s in sections[1:]]


def paced_cuts(
    weights: Sequence[float], sections: Sequence[SongSection], total: float
) -> list[float]:
    """Cut times that give each scene its share of the song, measured in paced time.

    Paced time runs faster in a chorus (PACE): a scene there lasts less song than the same
    scene in a verse. Without sections it is the song's own time (shares by weight).
    """
    if len(weights) < 2 or total <= 0:
        return []
    clock = _paced_clock(sections, total)
    paced_total = clock[-1][1]
    cuts: list[float] = []
    running, weight_sum = 0.0, sum(weights)
    for weight in weights[:-1]:
        running += weight
        cuts.append(_song_time(clock, paced_total * running / weight_sum))
    return cuts


def _paced_clock(sections: Sequence[SongSection], total: float) -> list[tuple[float, float]]:
    """(song time, paced time) at each section edge, from 0 to `total`."""
    points = [(0.0, 0.0)]
    now, paced = 0.0, 0.0
    for section in sorted(sections, key=lambda s: s.start):
        start, end = max(now, section.start), min(total, section.end)
        if start > now:  # a gap before the section runs at the verse's pace
            paced += start - now
            now = start
            points.append((now, paced))
        if end > now:
            paced += (end - now) * PACE[section.kind.value]
            now = end
            points.append((now, paced))
    if now < total:
        points.append((total, paced + total - now))
    return points


def _song_time(clock: list[tuple[float, float]], paced: float) -> float:
    index = bisect.bisect_left([p for _, p in clock], paced)
    if index <= 0:
        return 0.0
    if index >= len(clock):
        return clock[-1][0]
    (t0, p0), (t1, p1) = clock[index - 1], clock[index]
    return t0 + (t1 - t0) * (paced - p0) / (p1 - p0) if p1 > p0 else t0


def resolve_pins(
    pins: Sequence[SectionPin | None], sections: Sequence[SongSection]
) -> dict[int, float]:
    """Scene index -> start time for the scenes pinned to a section.

    Pins are honoured in scene order: each takes its numbered section (the second chorus),
    or the first of its kind that starts after the previous pinned scene's start (so a second
    "starts the chorus" takes the second chorus). A pin with no such section after the pins
    before it is dropped, and so is one on the first scene: it starts the video anyway.
    """
    resolved: dict[int, float] = {}
    after = 0.0
    for index, pin in enumerate(pins):
        if pin is None or index == 0:
            continue
        of_kind = [s for s in sections if s.kind == pin.kind]
        if pin.occurrence is not None:
            numbered = of_kind[pin.occurrence - 1 : pin.occurrence] if pin.occurrence > 0 else []
            of_kind = numbered
        match = next((s for s in of_kind if s.start > after), None)
        if match is not None:
            resolved[index] = match.start
            after = match.start
    return resolved
