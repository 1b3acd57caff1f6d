"""Builders: from a rule's match to the edit (or command) it says.

Each takes the match over the folded text and the folded message (for the director's own words)
and returns the edit, or None when the matched words do not make one after all.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.studio.edits import (
    END,
    AddScenes,
    Command,
    Edit,
    FromEnd,
    FromStart,
    Move,
    Numbered,
    PinSection,
    ScaleLength,
    SceneRef,
    SetAspect,
    SetCaptions,
    SetFit,
    SetFootageStart,
    SetLength,
    SetMotion,
    SetMusicCredit,
    SetSwitch,
    SetTitle,
    SetTransition,
    Shift,
    Slot,
    Swap,
)
from bot.studio.sections import SectionKind
from bot.studio.timeline import CaptionsMode
from bot.studio.words.grammar import (
    ASPECT_OF,
    CAPTIONS_OF,
    FIT_OF,
    MOTION_OF,
    SWITCH_OF,
    TRANSITION_OF,
    parse_place,
)
from bot.studio.words.normalise import Folded
from bot.studio.words.numbers import number_value, parse_ref, quantity_value

LONGER = 1.25
SHORTER = 0.8
Read = Edit | Command
Builder = Callable[[re.Match[str], Folded], Read | None]
_AMBIGUOUS_CUT = frozenset({"cut", "a cut", "cat"})


def _ref(found: re.Match[str], name: str = "a") -> SceneRef | None:
    text = found.groupdict().get(name)
    if not text:
        return None
    if text == "no" and found.start(name) == found.start():
        return None  # a part that starts with unmarked "no" is English: "no zoom", "no longer"
    return parse_ref(text)


def _text(found: re.Match[str], folded: Folded, name: str) -> str:
    return folded.original(found.start(name), found.end(name))


def command(what: Command) -> Builder:
    """A builder that reads as the command."""
    return lambda found, folded: what


def scene(make: Callable[[SceneRef], Edit]) -> Builder:
    """A builder of one edit of the referenced scenes."""

    def build(found: re.Match[str], folded: Folded) -> Edit | None:
        scenes = _ref(found)
        return None if scenes is None else make(scenes)

    return build


def swap(found: re.Match[str], folded: Folded) -> Edit | None:
    """Two scenes (or a pair such as "the last two") change places."""
    first, second = _ref(found, "a"), _ref(found, "b")
    if first is None:
        return None
    if second is not None:
        return Swap(first, second)
    if isinstance(first, Numbered) and len(first.numbers) == 2:
        return Swap(Numbered(first.numbers[:1]), Numbered(first.numbers[1:]))
    if isinstance(first, FromEnd | FromStart) and first.count == 2:
        return Swap(first)
    return None


def move(found: re.Match[str], folded: Folded) -> Edit | None:
    """Scenes to a place."""
    scenes, place = _ref(found), parse_place(found["place"])
    return None if scenes is None or place is None else Move(scenes, place)


def move_to(position: int) -> Builder:
    """A builder moving the referenced scenes to a fixed position."""
    return scene(lambda scenes: Move(scenes, Slot(position)))


def make_end(found: re.Match[str], folded: Folded) -> Edit | None:
    """Scenes made the first or the last."""
    scenes = _ref(found)
    if scenes is None:
        return None
    return Move(scenes, Slot(1 if found["which"] in {"first", "opening"} else END))


_EARLIER = frozenset({"earlier", "sooner", "up", "len truoc", "len tren", "len", "som hon"})
_EARLIER |= {"truoc", "ra truoc"}


def shift(found: re.Match[str], folded: Folded) -> Edit | None:
    """Scenes earlier or later by a few steps."""
    scenes = _ref(found)
    word = found["steps"] or found.groupdict().get("steps2")
    steps = number_value(word) if word else 1
    if scenes is None or not steps:
        return None
    return Shift(scenes, -steps if found["dir"] in _EARLIER else steps)


_LONGER_WORDS = frozenset({"longer", "slower", "dai", "lau", "cham", "short", "fast", "quick"})
_LONGER_WORDS |= {"ngan qua", "nhanh qua"}


def scale(factor: float | None = None) -> Builder:
    """A builder of longer/shorter: a fixed factor, else from the matched direction word."""

    def build(found: re.Match[str], folded: Folded) -> Edit | None:
        scenes = _ref(found)
        if scenes is None:
            return None
        if factor is not None:
            return ScaleLength(scenes, factor)
        word = found["dir"]
        return ScaleLength(scenes, LONGER if word in _LONGER_WORDS else SHORTER)

    return build


_TIMES = {"twice": 2.0, "double": 2.0, "doi": 2.0, "hai": 2.0, "2x": 2.0, "2 times": 2.0}
_TIMES |= {"three times": 3.0, "3x": 3.0, "3 times": 3.0, "ba": 3.0, "half": 0.5, "nua": 0.5}
_TIMES |= {"halve": 0.5}


def times(found: re.Match[str], folded: Folded) -> Edit | None:
    """Scenes twice, three times or half as long."""
    scenes = _ref(found)
    factor = _TIMES.get(found["times"])
    if factor is None:
        value = number_value(found["times"])
        factor = float(value) if value else None
    return None if scenes is None or factor is None else ScaleLength(scenes, factor)


def length(found: re.Match[str], folded: Folded) -> Edit | None:
    """Scenes a number of seconds long."""
    scenes = _ref(found)
    seconds = quantity_value(found["q"])
    if scenes is None or seconds is None or not 0 < seconds <= 600:
        return None
    return SetLength(scenes, seconds)


def clock_seconds(text: str) -> float | None:
    """ "0:04" or "4.5" as seconds (None when it is no moment of a clip)."""
    minutes, _, seconds = text.rpartition(":")
    try:
        value = float(seconds) + 60 * int(minutes or 0)
    except ValueError:
        return None
    return value if 0 <= value < 3600 else None


def footage_start(found: re.Match[str], folded: Folded) -> Edit | None:
    """Where the stretch of the scenes' own clips begins ("start scene 3 at 0:04")."""
    scenes = _ref(found)
    seconds = clock_seconds(found["clock"])
    if scenes is None or seconds is None:
        return None
    return SetFootageStart(scenes, seconds)


def free(make: Callable[[SceneRef, str], Edit], name: str) -> Builder:
    """A builder of an edit carrying the director's own words from the named group."""

    def build(found: re.Match[str], folded: Folded) -> Edit | None:
        scenes, words = _ref(found), _text(found, folded, name)
        if scenes is None or not words or words.endswith("?"):
            return None
        return make(scenes, words)

    return build


def motion(found: re.Match[str], folded: Folded) -> Edit | None:
    """A camera move over the scenes."""
    scenes = _ref(found)
    return None if scenes is None else SetMotion(scenes, MOTION_OF[found["motion"]])


def fit(found: re.Match[str], folded: Folded) -> Edit | None:
    """How the scenes meet the frame: whole (contain) or cropped to fill it (cover)."""
    scenes = _ref(found)
    return None if scenes is None else SetFit(scenes, FIT_OF[found["fit"]])


def transition(verbless: bool = False) -> Builder:
    """A builder of a transition into the scenes (a verbless bare "cut" is not one)."""

    def build(found: re.Match[str], folded: Folded) -> Edit | None:
        scenes, phrase = _ref(found), found["transition"]
        if scenes is None or (verbless and phrase in _AMBIGUOUS_CUT):
            return None
        return SetTransition(scenes, TRANSITION_OF[phrase])

    return build


# Parts of a song, folded (English and Vietnamese without diacritics).
SECTION_OF: dict[str, SectionKind] = {
    "intro": SectionKind.INTRO,
    "introduction": SectionKind.INTRO,
    "mo dau": SectionKind.INTRO,
    "dao dau": SectionKind.INTRO,
    "verse": SectionKind.VERSE,
    "phien khuc": SectionKind.VERSE,
    "chorus": SectionKind.CHORUS,
    "refrain": SectionKind.CHORUS,
    "hook": SectionKind.CHORUS,
    "diep khuc": SectionKind.CHORUS,
    "bridge": SectionKind.BRIDGE,
    "middle eight": SectionKind.BRIDGE,
    "doan chuyen": SectionKind.BRIDGE,
    "cau noi": SectionKind.BRIDGE,
    "outro": SectionKind.OUTRO,
    "ending": SectionKind.OUTRO,
    "doan ket": SectionKind.OUTRO,
    "vi thanh": SectionKind.OUTRO,
}
ORDINAL_OF: dict[str, int] = {
    "first": 1,
    "1st": 1,
    "second": 2,
    "2nd": 2,
    "third": 3,
    "3rd": 3,
    "fourth": 4,
    "4th": 4,
    "nhat": 1,
    "dau tien": 1,
    "hai": 2,
    "ba": 3,
    "tu": 4,
    "1": 1,
    "2": 2,
    "3": 3,
    "4": 4,
}


def section_pin(found: re.Match[str], folded: Folded) -> Edit | None:
    """Scenes start a part of the song ("scene 5 starts the second chorus")."""
    scenes = _ref(found)
    if scenes is None:
        return None
    nth = found.groupdict().get("nth")
    return PinSection(scenes, SECTION_OF[found["section"]], ORDINAL_OF[nth] if nth else None)


def aspect(found: re.Match[str], folded: Folded) -> Edit:
    """The project's aspect ratio."""
    return SetAspect(ASPECT_OF[found["aspect"]])


def switch(on: bool | None) -> Builder:
    """A builder turning the matched switch on, off or over."""

    def build(found: re.Match[str], folded: Folded) -> Edit:
        return SetSwitch(SWITCH_OF[found["switch"]], on)

    return build


def restyle(on: bool) -> Builder:
    """A builder turning the restyling of footage on or off."""
    return lambda found, folded: SetSwitch(SWITCH_OF["restyle"], on)


def captions(found: re.Match[str], folded: Folded) -> Edit:
    """What the captions show."""
    return SetCaptions(CAPTIONS_OF[found["captions"]])


def no_captions(found: re.Match[str], folded: Folded) -> Edit:
    """No captions at all."""
    return SetCaptions(CaptionsMode.NONE)


def previews(on: bool) -> Builder:
    """A builder turning picture previews on or off."""
    return lambda found, folded: SetSwitch(SWITCH_OF["previews"], on)


# "Call it a day", "name it after her mother", "đặt tên cho con mèo" are not titles.
_NOT_A_TITLE_START = frozenset({"a", "an", "after", "for", "by", "off", "quits", "cho", "gì", "gi"})


def title(found: re.Match[str], folded: Folded) -> Edit | None:
    """The project's title, unless the words are a phrase such as "call it a day"."""
    title = _text(found, folded, "title")
    if not title or title.endswith("?") or title.split()[0] in _NOT_A_TITLE_START:
        return None
    return SetTitle(title)


def music_credit(found: re.Match[str], folded: Folded) -> Edit | None:
    """Who made the song, in the director's own words ("music: Name - Title")."""
    name = _text(found, folded, "music")
    return SetMusicCredit(name) if name and not name.endswith("?") else None


def add(found: re.Match[str], folded: Folded) -> Edit | None:
    """A new scene with the director's idea at a place."""
    idea, place = _text(found, folded, "idea"), parse_place(found["place"])
    return None if not idea or place is None else AddScenes((idea,), place)
