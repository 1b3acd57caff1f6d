"""Rule templates: a compact notation for the reader's patterns over folded text.

A template is a regular expression with slots: `<R:a>` a scene reference named `a` (with a
noun: "scene 2", "the last two", "cảnh cuối", or a pronoun: "it", "them", "nó"), `<B:a>` the
same or bare numbers ("2 and 3"), `<X:name>` free text, `<Q>` a quantity, `<P>` a place (whose
anchors take no pronoun), and `<M>`, `<T>`, `<A>`, `<W>`, `<S>` a camera move, a transition, an
aspect, a switch and a style (`<C>`, "another camera move", is filled in by `instructions`).
A part may start with a polite lead ("please", "can you", "hãy"), cut off once before the rules
are tried, and every rule may end with a polite tail ("now", "đi", "nhé").
"""

from __future__ import annotations

import re

from bot.studio.edits import END, Beside, Place, Slot
from bot.studio.words.numbers import (
    BARE_REF,
    NUMBER,
    ORDINAL,
    PRONOUN,
    QUANTITY,
    REF,
    number_value,
    ordinal_value,
    parse_ref,
)
from bot.studio.words.vocabulary import (
    alternation,
    aspect_words,
    captions_words,
    fit_words,
    motion_words,
    switch_words,
    transition_words,
)

LEAD = (
    r"(?:(?:please|pls|plz|can you|could you|would you|will you|kindly|ok|okay|now|and|also"
    r"|then|hey|so|just|hay|lam on|ban oi|ban|xin|vui long|bot oi|oi|cho (?:toi|minh|em|tui)"
    r"|giup (?:toi|minh|em)|gium (?:toi|minh|em)|toi muon|minh muon|i want to|id like to"
    r"|lets|let us) )*"
)
TAIL = (
    r"(?: (?:please|pls|plz|now|for me|thanks|thank you|thx|ok|okay|right away|asap|di|nhe"
    r"|nha|nhen|giup (?:toi|minh|em)|gium(?: (?:toi|minh|em))?|luon|ngay|ngay di|voi|cam on"
    r"|duoc khong|dc khong|duoc ko|a|nao|,|\?))*"
)
SECONDS = r"(?:seconds?|secs?|sec|s|giay)"

_START = (
    r"to the (?:very )?(?:start|beginning|front|top)|to (?:the )?first (?:place|position|spot)"
    r"|first|at the (?:very )?(?:start|beginning|front)|(?:len|ve|ra|xuong) dau(?: tien)?"
    r"|len (?:tren )?cung|len truoc tien|ra truoc tien|len dau video|dau tien"
)
_END = (
    r"to the (?:very )?(?:end|back|bottom)|to (?:the )?last (?:place|position|spot)|last"
    r"|at the (?:very )?(?:end|back)|(?:xuong|ve|ra|len) cuoi(?: cung)?|cuoi cung"
    r"|xuong duoi cung|(?:ra|ve) sau cung|xuong cuoi video"
)
_VI_TO = r"(?:(?:len|xuong|ra|ve|vao|den|toi|sang|o|dat) )?"
_PLACE_KINDS: tuple[tuple[str, str], ...] = (
    ("start", _START),
    ("end", _END),
    (
        "slot",
        rf"to (?:position|place|slot|spot|number) (?P<n>{NUMBER})"
        rf"|to the (?P<o>{ORDINAL}) (?:place|position|spot|slot)"
        rf"|{_VI_TO}(?:vi tri|cho|o) (?:so |thu )?(?P<vn>{NUMBER})|len thu (?P<vn2>{NUMBER})",
    ),
    (
        "after",
        rf"(?:(?:right|just|directly|immediately) )?(?:after|behind|following) (?P<a>{BARE_REF})"
        rf"|{_VI_TO}(?:ngay )?(?:sau|ke sau|dang sau|phia sau|tiep sau) (?P<va>{REF})"
        rf"|between (?P<b1>{BARE_REF}) and (?P<b2>{BARE_REF})"
        rf"|{_VI_TO}(?:o )?giua (?P<vb1>{REF}) (?:va|voi) (?P<vb2>{BARE_REF})",
    ),
    (
        "before",
        rf"(?:(?:right|just|directly|immediately) )?(?:before|ahead of|in front of)"
        rf" (?P<a>{BARE_REF})"
        rf"|{_VI_TO}(?:ngay )?(?:truoc|phia truoc|dang truoc|ngay truoc) (?P<va>{REF})",
    ),
)


def _plain(pattern: str) -> str:
    return re.sub(r"\(\?P<\w+>", "(?:", pattern)


PLACE = "(?:" + "|".join(_plain(p) for _, p in _PLACE_KINDS) + ")"
_PLACE_RES = tuple((name, re.compile(p)) for name, p in _PLACE_KINDS)

_MOTIONS = motion_words()
_FITS = fit_words()
_TRANSITIONS = transition_words()
_ASPECTS = aspect_words()
_SWITCHES = switch_words()
_CAPTIONS = captions_words()
_SLOTS = {
    "R": lambda name: f"(?P<{name}>{REF}|{PRONOUN})",
    "B": lambda name: f"(?P<{name}>{BARE_REF}|{PRONOUN})",
    "X": lambda name: rf"(?P<{name}>\S.*?)",
}
_FIXED = {
    "Q": f"(?P<q>{QUANTITY})",
    "P": f"(?P<place>{PLACE})",
    "M": f"(?P<motion>{alternation(_MOTIONS)})",
    "F": f"(?P<fit>{alternation(_FITS)})",
    "T": f"(?P<transition>{alternation(_TRANSITIONS)})",
    "A": f"(?P<aspect>{alternation(_ASPECTS)})",
    "W": f"(?P<switch>{alternation(_SWITCHES)})",
    # A moment in a clip: 0:04, 1:05.5, 4, 4.5 (seconds)
    "K": r"(?P<clock>\d{1,2}:\d{2}(?:\.\d+)?|\d{1,3}(?:\.\d+)?)",
    "L": f"(?P<captions>{alternation(_CAPTIONS)})",
}
_SLOT = re.compile(r"<([A-Z])(?::(\w+))?>")


def expand(template: str, style: str = "(?!)") -> str:
    """The regex a template stands for (without its lead and tail)."""

    def slot(found: re.Match[str]) -> str:
        kind, name = found.group(1), found.group(2)
        if kind == "S":
            return f"(?P<style>{style})"
        if name is not None:
            return _SLOTS[kind](name)
        return _FIXED[kind]

    return _SLOT.sub(slot, template)


def compile_rule(template: str, style: str = "(?!)") -> re.Pattern[str]:
    """A template compiled with the polite tail after it (the lead is cut off once, before)."""
    return re.compile("(?:" + expand(template, style) + ")" + TAIL)


LEAD_RE = re.compile(LEAD)


def parse_place(text: str) -> Place | None:
    """The place that `text` (matched by PLACE) names, else None."""
    for name, pattern in _PLACE_RES:
        found = pattern.fullmatch(text)
        if found is None:
            continue
        if name == "start":
            return Slot(1)
        if name == "end":
            return Slot(END)
        if name == "slot":
            word = found["n"] or found["vn"] or found["vn2"]
            value = number_value(word) if word else ordinal_value(found["o"])
            return Slot(value) if value and value >= 1 else None
        anchor_text = found["a"] or found["va"] or found["b1"] or found["vb1"]
        anchor = parse_ref(anchor_text) if anchor_text else None
        return None if anchor is None else Beside(anchor, after=name == "after")
    return None


MOTION_OF = _MOTIONS
FIT_OF = _FITS
TRANSITION_OF = _TRANSITIONS
ASPECT_OF = _ASPECTS
SWITCH_OF = _SWITCHES
CAPTIONS_OF = _CAPTIONS
