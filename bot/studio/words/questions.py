"""The common questions about a project, in folded English and Vietnamese."""

from __future__ import annotations

import re

from bot.studio.reading import Question, Topic
from bot.studio.words.normalise import Folded
from bot.studio.words.numbers import REF, parse_ref

_LEAD = (
    r"(?:(?:so|and|ok|okay|hey|hi|um|uh|well|vay|the|cho (?:toi|minh|em) hoi|cho hoi|xin hoi"
    r"|ban oi|bot oi|oi|a|tell me|do you know|toi muon biet|minh muon biet) ,? ?)*"
)
_TAIL = (
    r"(?: (?:vay|the|nhi|nhe|a|ha|roi|hien tai|bay gio|luc nay|now|so far|right now|currently"
    r"|in total|total|altogether|tong cong|tat ca|ban|please|,|\?))*"
)
_THE = r"(?:the |my |this |our |a )?"
_VIDEO = r"(?:video|film|clip|movie|thing|project|it)"
_TOPICS: tuple[tuple[Topic, str], ...] = (
    (
        Topic.HELP,
        r"help(?: me)?|what can (?:i|you) (?:say|do|ask)|what can i tell you|how does (?:this|it)"
        r" work|what are the commands|commands|how do i use (?:this|you|it)"
        r"|(?:giup|tro giup|huong dan)(?: (?:toi|minh|em|tui))?(?: voi)?(?: cach dung)?"
        r"|(?:toi|minh|em) (?:co the|duoc) noi gi|(?:ban|bot) lam duoc gi"
        r"|(?:su dung|dung) (?:the nao|nhu the nao|ra sao)|cach (?:dung|su dung)",
    ),
    (
        Topic.SONG,
        rf"(?:which|what) (?:song|music|track|tune)(?: is (?:it|this|that|playing|used|on))?"
        rf"|what (?:is|s) {_THE}(?:song|music|track|tempo|bpm)|whats {_THE}(?:song|music|track"
        rf"|tempo|bpm)|how long is {_THE}(?:song|music|track)|what tempo|bpm"
        rf"|(?:bai hat|bai|nhac|ban nhac|bai nhac)(?: nay)? (?:nao|gi|ten gi|la gi)"
        rf"|(?:bai hat|nhac|bai nhac) (?:dai bao lau|bao nhieu bpm|nhip bao nhieu)"
        rf"|dang dung (?:bai|nhac) (?:nao|gi)|ten bai hat(?: la gi)?",
    ),
    (
        Topic.LENGTH,
        rf"how long (?:is|will be|will) {_THE}{_VIDEO}(?: be)?|how long(?: is it)?"
        rf"|what is {_THE}(?:length|duration)(?: of {_THE}{_VIDEO})?|whats {_THE}(?:length"
        rf"|duration)(?: of {_THE}{_VIDEO})?|(?:video|total) (?:length|duration)"
        rf"|(?:video|phim|clip)? ?(?:dai|keo dai) (?:bao lau|bao nhieu(?: giay| phut)?"
        rf"|may phut|may giay)|(?:thoi luong|do dai)(?: (?:cua )?(?:video|phim))?"
        rf"(?: (?:la )?(?:bao nhieu|bao lau))?|bao lau",
    ),
    (
        Topic.SCENE_COUNT,
        rf"how many (?:scenes|shots)(?: (?:are there|do i have|do we have|is it|are in it"
        rf"|are in {_THE}{_VIDEO}|does it have|so far))?|number of scenes"
        rf"|(?:co )?(?:bao nhieu|may) canh(?: (?:tat ca|roi|tong cong))?",
    ),
    (
        Topic.COST,
        rf"what (?:does|will) (?:it|this|{_THE}{_VIDEO}) cost|how much (?:does|will|would)"
        rf" (?:it|this|{_THE}{_VIDEO}) cost|how much (?:is it|money|have i spent|did i spend)"
        rf"|(?:whats|what is) {_THE}(?:cost|price|spend)|cost|price|how expensive(?: is it)?"
        rf"|(?:ton|het|mat|gia|chi phi|ton kem)(?: (?:la|het))? bao nhieu(?: tien)?"
        rf"|chi phi(?: (?:la|the nao|bao nhieu))?|bao nhieu tien",
    ),
    (
        Topic.STYLE,
        rf"(?:what|which) (?:style|look|aspect|aspect ratio|format|ratio)(?: is (?:it|this)"
        rf"| are we using| is {_THE}{_VIDEO})?|(?:whats|what is) {_THE}(?:style|look|aspect"
        rf"|aspect ratio|format)|(?:phong cach|kieu|khung|kho|ti le|dinh dang)(?: (?:hinh|video"
        rf"|khung hinh))? (?:gi|nao|la gi)|dang (?:dung|o) (?:phong cach|kieu|khung) (?:gi|nao)",
    ),
)
_SCENE = (
    rf"(?:what is|whats|what s|what happens in|whats in|what is in|what does|describe|tell me"
    rf" about) (?P<a>{REF})(?: (?:show|about|look like))?"
    rf"|(?P<b>{REF}) (?:la gi|la canh gi|co gi|ve gi|the nao|nhu the nao|noi ve gi|ra sao)"
)
_COMPILED = tuple((topic, re.compile(_LEAD + f"(?:{p})" + _TAIL)) for topic, p in _TOPICS)
_SCENE_RE = tuple(re.compile(_LEAD + f"(?:{branch})" + _TAIL) for branch in (_SCENE,))


def read_question(folded: Folded) -> Question | None:
    """The question a whole message asks, if it is one of the known ones."""
    text = folded.text
    for pattern in _SCENE_RE:
        found = pattern.fullmatch(text)
        if found is not None:
            scene = parse_ref(found["a"] or found["b"])
            if scene is not None:
                return Question(Topic.SCENE, scene)
    for topic, pattern in _COMPILED:
        if pattern.fullmatch(text):
            return Question(topic)
    return None
