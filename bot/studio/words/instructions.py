"""The instruction grammar: one part of a message read as one edit or one command.

Each rule is a template (see `grammar`) and a builder. A rule reads a part only when it
matches the whole part; the first rule that reads it wins, so the more specific rules come
first. Rules marked `numbered` need a numbered scene ("scene 3", "cảnh 3"): a sentence with no
verb that starts "the last ..." or "the next ..." is more likely a scene idea than an edit.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from bot.studio.edits import (
    END,
    AddScenes,
    AmendIdea,
    Command,
    CycleMotion,
    Delete,
    Duplicate,
    Edit,
    Every,
    FromEnd,
    FromStart,
    Keep,
    Move,
    Numbered,
    Remake,
    ScaleLength,
    SceneRef,
    SetAspect,
    SetCaption,
    SetIdea,
    SetLength,
    SetMotion,
    SetStyle,
    SetSwitch,
    SetTitle,
    SetTransition,
    Shift,
    Slot,
    Swap,
)
from bot.studio.words.grammar import (
    ASPECT_OF,
    LEAD_RE,
    MOTION_OF,
    SECONDS,
    SWITCH_OF,
    TRANSITION_OF,
    compile_rule,
    parse_place,
)
from bot.studio.words.normalise import Folded
from bot.studio.words.numbers import NUMBER, REF_HINT, number_value, parse_ref, quantity_value
from bot.studio.words.vocabulary import alternation, style_words

LONGER = 1.25
SHORTER = 0.8
Read = Edit | Command
Builder = Callable[[re.Match[str], Folded], Read | None]
_SCENE_NOUN = re.compile(r"\b(?:scenes?|shots?|canh)\b")
_AMBIGUOUS_CUT = frozenset({"cut", "a cut", "cat"})


@dataclass(frozen=True)
class Rule:
    """A compiled template, its builder, and whether it needs a numbered scene."""

    pattern: re.Pattern[str]
    build: Builder
    numbered: bool = False
    needs_ref: bool = False


def _ref(found: re.Match[str], name: str = "a") -> SceneRef | None:
    text = found.groupdict().get(name)
    return parse_ref(text) if text else None


def _text(found: re.Match[str], folded: Folded, name: str) -> str:
    return folded.original(found.start(name), found.end(name))


def _command(command: Command) -> Builder:
    return lambda found, folded: command


def _scene(make: Callable[[SceneRef], Edit]) -> Builder:
    def build(found: re.Match[str], folded: Folded) -> Edit | None:
        scenes = _ref(found)
        return None if scenes is None else make(scenes)

    return build


def _swap(found: re.Match[str], folded: Folded) -> Edit | None:
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


def _move(found: re.Match[str], folded: Folded) -> Edit | None:
    scenes, place = _ref(found), parse_place(found["place"])
    return None if scenes is None or place is None else Move(scenes, place)


def _move_to(position: int) -> Builder:
    return _scene(lambda scenes: Move(scenes, Slot(position)))


def _make_end(found: re.Match[str], folded: Folded) -> Edit | None:
    scenes = _ref(found)
    if scenes is None:
        return None
    return Move(scenes, Slot(1 if found["which"] in {"first", "opening"} else END))


_EARLIER = frozenset({"earlier", "sooner", "up", "len truoc", "len tren", "len", "som hon"})
_EARLIER |= {"truoc", "ra truoc"}


def _shift(found: re.Match[str], folded: Folded) -> Edit | None:
    scenes = _ref(found)
    word = found["steps"] or found.groupdict().get("steps2")
    steps = number_value(word) if word else 1
    if scenes is None or not steps:
        return None
    return Shift(scenes, -steps if found["dir"] in _EARLIER else steps)


_LONGER_WORDS = frozenset({"longer", "slower", "dai", "lau", "cham", "short", "fast", "quick"})
_LONGER_WORDS |= {"ngan qua", "nhanh qua"}


def _scale(factor: float | None = None) -> Builder:
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


def _times(found: re.Match[str], folded: Folded) -> Edit | None:
    scenes = _ref(found)
    factor = _TIMES.get(found["times"])
    if factor is None:
        value = number_value(found["times"])
        factor = float(value) if value else None
    return None if scenes is None or factor is None else ScaleLength(scenes, factor)


def _length(found: re.Match[str], folded: Folded) -> Edit | None:
    scenes = _ref(found)
    seconds = quantity_value(found["q"])
    if scenes is None or seconds is None or not 0 < seconds <= 600:
        return None
    return SetLength(scenes, seconds)


def _free(make: Callable[[SceneRef, str], Edit], name: str) -> Builder:
    def build(found: re.Match[str], folded: Folded) -> Edit | None:
        scenes, words = _ref(found), _text(found, folded, name)
        if scenes is None or not words or words.endswith("?"):
            return None
        return make(scenes, words)

    return build


def _motion(found: re.Match[str], folded: Folded) -> Edit | None:
    scenes = _ref(found)
    return None if scenes is None else SetMotion(scenes, MOTION_OF[found["motion"]])


def _transition(verbless: bool = False) -> Builder:
    def build(found: re.Match[str], folded: Folded) -> Edit | None:
        scenes, phrase = _ref(found), found["transition"]
        if scenes is None or (verbless and phrase in _AMBIGUOUS_CUT):
            return None
        return SetTransition(scenes, TRANSITION_OF[phrase])

    return build


def _aspect(found: re.Match[str], folded: Folded) -> Edit:
    return SetAspect(ASPECT_OF[found["aspect"]])


def _switch(on: bool | None) -> Builder:
    def build(found: re.Match[str], folded: Folded) -> Edit:
        return SetSwitch(SWITCH_OF[found["switch"]], on)

    return build


def _previews(on: bool) -> Builder:
    return lambda found, folded: SetSwitch(SWITCH_OF["previews"], on)


# "Call it a day", "name it after her mother", "đặt tên cho con mèo" are not titles.
_NOT_A_TITLE_START = frozenset({"a", "an", "after", "for", "by", "off", "quits", "cho", "gì", "gi"})


def _title(found: re.Match[str], folded: Folded) -> Edit | None:
    title = _text(found, folded, "title")
    if not title or title.endswith("?") or title.split()[0] in _NOT_A_TITLE_START:
        return None
    return SetTitle(title)


def _add(found: re.Match[str], folded: Folded) -> Edit | None:
    idea, place = _text(found, folded, "idea"), parse_place(found["place"])
    return None if not idea or place is None else AddScenes((idea,), place)


_SCENE_RULES: tuple[tuple[str, Builder] | tuple[str, Builder, bool], ...] = (
    # commands
    (
        r"render(?: it| the video| video| the film| this)?|make (?:the|my) (?:video|film)"
        r"|make it now|export(?: it| the video)?|go(?: go)?|lets go|go ahead|do it|finish it"
        r"|(?:build|create|produce|finish) the video|xuat(?: ra)?(?: video| phim)?(?: ra)?"
        r"|dung(?: video| phim)?|lam (?:video|phim)|tao video|ra video"
        r"|bat dau (?:dung|render|xuat)(?: video)?",
        _command(Command.RENDER),
    ),
    (
        r"(?:(?:show|show me|see|view|open|display) )?(?:the |my )?storyboard|plan the scenes"
        r"|(?:show|show me) (?:the |my |all )?scenes|replan|re plan"
        r"|(?:xem |cho xem |hien |mo |lap |len )?(?:lai )?(?:kich ban|bang phan canh)"
        r"|xem (?:lai )?(?:cac |tat ca )?(?:phan canh|canh)|xem storyboard",
        _command(Command.STORYBOARD),
    ),
    (
        r"undo(?: that| it| this| the last (?:change|edit|step|one)| last (?:change|edit))?"
        r"|take that back|revert(?: that| it| the last change)?|go back a step"
        r"|hoan tac(?: lai)?|(?:bo|huy) (?:thao tac|buoc) (?:vua roi|vua xong|cuoi|truoc)"
        r"|(?:quay|tro) lai (?:buoc truoc|nhu cu|nhu truoc)|lui lai (?:mot|1) buoc"
        r"|hoan nguyen",
        _command(Command.UNDO),
    ),
    # swap
    (
        r"(?:swap|switch|exchange|trade|flip|swop)(?: around)? (?:the )?(?:places of |order of "
        r"|positions of )?<B:a>(?: (?:and|with|&) <B:b>)?(?: around| over)?",
        _swap,
    ),
    (
        r"(?:doi cho|hoan doi|dao cho|dao|doi vi tri|hoan vi|doi thu tu|doi)(?: (?:cho|vi tri"
        r"|thu tu))?(?: cua)? <B:a>(?: (?:va|voi|cho|&) <B:b>)?(?: (?:cho|voi) nhau)?",
        _swap,
    ),
    (
        r"<R:a> (?:doi cho|hoan doi|doi vi tri|swap places|swaps|switch) (?:voi|cho|with) <B:b>",
        _swap,
    ),
    # length: a number of seconds, or let the song decide
    (
        r"(?:(?:make|set|let|have|hold|show|keep|cho|de|lam|dat|doi|chinh) )?<R:a>"
        r"(?: (?:to|for|last|lasts|at|be|should be|should last|is|runs?|run for|hold for"
        r"|hold|dai|trong|keo dai|chi|khoang|tam|la|thanh|exactly|about|around|only|just))*"
        rf" <Q> ?{SECONDS}(?: long)?",
        _length,
    ),
    (
        r"(?:let the (?:song|music|beat) (?:decide|choose|set) (?:the )?(?:length|duration"
        r"|timing) (?:of|for)|reset (?:the )?(?:length|duration|timing) (?:of|for)"
        r"|auto (?:length|duration) (?:for|on)|de nhac quyet dinh do dai(?: cua)?) <R:a>"
        r"|<R:a> (?:auto|automatic) (?:length|duration)|<R:a> (?:do dai|dai) tu dong"
        r"|<R:a> (?:dai )?theo nhac",
        _scene(lambda scenes: SetLength(scenes, None)),
    ),
    # length: longer or shorter
    (
        r"(?:(?:make|have|let|cho|de|lam) )?<R:a>(?: (?:last|be|should be|needs to be|could be"
        r"|must be|has to be))? (?P<times>twice|three times|2 times|3 times|2x|3x|half)"
        r" (?:as long|longer|the length)",
        _times,
    ),
    (r"(?:double|halve) (?:the length of )?<B:a>", _scale(None)),
    (r"cut <R:a> in half|halve <B:a>", _scale(0.5)),
    (
        r"(?:(?:make|have|let) )?<R:a>(?: (?:should be|needs to be|could be|must be|has to be"
        r"|a bit|a little|a little bit|a tad|slightly|much|even|way|somewhat))*"
        r" (?P<dir>longer|shorter|faster|slower|quicker|snappier)",
        _scale(),
    ),
    (
        r"<R:a> (?:is|feels|seems|looks) (?:way |a bit |a little |much )?too "
        r"(?P<dir>long|short|fast|slow|quick)",
        _scale(),
    ),
    (
        r"(?:a |an )?(?:(?:bit|little|slightly|much) )?(?P<dir>longer|shorter|faster|slower"
        r"|quicker) <R:a>",
        _scale(),
    ),
    (r"(?:lengthen|extend|stretch|stretch out|slow down) <B:a>", _scale(LONGER)),
    (r"(?:shorten|trim|tighten|speed up|cut down|quicken) <B:a>", _scale(SHORTER)),
    (
        r"(?:(?:lam|cho|de) )?<R:a> (?P<dir>dai|lau|cham|ngan|nhanh|gon|mau) hon"
        r"(?: (?:mot )?(?:chut|ti|xiu|it|teo|nua|ty|xiu nua|chut nua))*",
        _scale(),
    ),
    (
        r"(?:keo dai|lam dai|noi dai|keo cham|lam cham) <B:a>(?: (?:ra|them|hon|lai))?"
        r"(?: (?:mot )?(?:chut|ti|xiu|nua))*",
        _scale(LONGER),
    ),
    (
        r"(?:rut ngan|cat ngan|thu ngan|lam ngan|tang toc|lam nhanh|tang toc do) <B:a>"
        r"(?: (?:lai|di|bot|hon))?(?: (?:mot )?(?:chut|ti|xiu|nua))*",
        _scale(SHORTER),
    ),
    (r"<R:a> (?P<dir>ngan qua|nhanh qua)", _scale()),
    (r"<R:a> (?:dai|lau|cham) qua", _scale(SHORTER)),
    (
        rf"(?:(?:lam|cho|de) )?<R:a> (?:dai |keo dai |lau )?gap (?P<times>doi|hai|ba|{NUMBER})",
        _times,
    ),
    (r"<R:a> ngan (?:di |lai )?(?:mot )?nua", _scale(0.5)),
    # delete
    (
        r"(?:delete|remove|drop|scrap|erase|trash|ditch|kill|lose|get rid of|take out|throw out"
        r"|throw away|leave out|skip) (?:the )?<B:a>(?: out)?",
        _scene(Delete),
    ),
    (r"cut(?: out)? <R:a>|<R:a> (?:can go|has to go|must go)", _scene(Delete)),
    (
        r"(?:xoa|bo|loai|loai bo|xoa bo|cat bo|go|go bo|huy|bo qua|vut|vut bo)(?: di)? <B:a>"
        r"|cat <R:a>|<R:a> (?:xoa|bo|vut)(?: di)?",
        _scene(Delete),
    ),
    # move to a place, then shift by steps
    (r"(?:move|put|place|shift|bring|drag|take|send|set|stick|slide) <B:a> <P>", _move),
    (
        r"(?:(?:chuyen|dua|doi|dat|de|keo|mang|di chuyen|xep|cho|day|dich|dich chuyen) )?"
        r"<R:a> (?:(?:goes|should go|comes|should come|go) )?<P>",
        _move,
    ),
    (
        r"(?:chuyen|dua|doi|dat|de|keo|mang|di chuyen|xep|cho|day|dich|dich chuyen) <B:a> <P>",
        _move,
    ),
    (
        r"(?:make|let) <R:a> (?:be )?(?:the )?(?P<which>first|last|opening|final)"
        r"(?: (?:scene|one|shot))?",
        _make_end,
    ),
    (r"(?:start|open|begin) with <R:a>|mo dau bang <R:a>|bat dau bang <R:a>", _move_to(1)),
    (r"(?:end|finish|close) with <R:a>|ket thuc bang <R:a>|ket bang <R:a>", _move_to(END)),
    (
        r"(?:(?:move|put|shift|bring|slide|push) )?<R:a>(?: (?:by )?(?P<steps>" + NUMBER + r")"
        r" (?:places?|spots?|steps?|positions?|slots?))? (?P<dir>earlier|later|sooner|up|down)"
        r"(?: (?:by )?(?P<steps2>" + NUMBER + r")(?: (?:places?|spots?|steps?|positions?))?)?",
        _shift,
    ),
    (
        r"(?:move|put|shift|bring|slide|push) <B:a>(?: (?:by )?(?P<steps>" + NUMBER + r")"
        r" (?:places?|spots?|steps?|positions?|slots?))? (?P<dir>earlier|later|sooner|up|down)",
        _shift,
    ),
    (
        r"(?:(?:dua|chuyen|doi|keo|day|cho|dich|xep) )?<R:a>(?: (?:len|xuong|lui|ra|ve))?"
        r"(?: (?P<steps>" + NUMBER + r") (?:buoc|vi tri|o|cho|nac))?"
        r" (?P<dir>len truoc|len tren|len|som hon|ra truoc|xuong duoi|xuong|ra sau|ve sau"
        r"|muon hon|lui xuong)(?: (?P<steps2>" + NUMBER + r") (?:buoc|vi tri|o|cho|nac))?",
        _shift,
    ),
    # duplicate
    (
        r"(?:duplicate|copy|clone|repeat|double|dupe) <B:a>|make (?:a copy|copies|another copy"
        r"|a duplicate) of <B:a>|(?:nhan doi|nhan ban|sao chep|lap lai|copy|them ban sao cua"
        r"|tao ban sao cua|lam ban sao cua|lam ban sao) <B:a>",
        _scene(Duplicate),
    ),
    # camera
    (
        r"<C> (?:on|for|in|of|at) <B:a>|<R:a> (?:another|a different|a new) (?:camera )?move",
        _scene(CycleMotion),
    ),
    (
        r"(?:(?:use|add|give|set|do|make|i want) )?(?:a |the )?(?:camera )?<M>"
        r" (?:on|for|in|at|over|of|into|with|vao|cho|o) <B:a>|<M> <R:a>",
        _motion,
    ),
    (
        r"(?:(?:make|set|have|let|give|cho|de|lam) )?<R:a>(?: (?:should|to|will|with|gets?"
        r"|camera|the camera|a|with a|camera should|may quay|may|khung hinh|hinh|se|thi))* <M>",
        _motion,
    ),
    (
        r"(?:change|set|switch|doi|chuyen|chinh) (?:the )?(?:camera|motion|camera move|move"
        r"|movement|camera movement|chuyen dong|may quay|kieu quay|cach quay|kieu lia)"
        r"(?: (?:of|on|for|in|cua|cho|o))? <R:a> (?:to |thanh |sang |la )?(?:a )?<M>",
        _motion,
    ),
    (r"(?:change|set|switch) <R:a> to (?:a )?<M>", _motion),
    # transitions
    (
        r"(?:(?:use|add|put|give|set|make|do|want|i want) )?(?:a |an )?<T>(?: transition"
        r"| effect)? (?:into|to|before|on|for|at|in|going into|leading into|vao|truoc|cho"
        r"|sang|den|toi|o) <B:a>",
        _transition(),
    ),
    (
        r"(?:(?:use|add|put|make|i want) )?(?:a |an )?<T>(?: transitions?| effects?)?"
        r" (?:between (?:all |every |the |all the )?(?:scenes?|shots?)|everywhere"
        r"|(?:for|on) (?:all|every) (?:scenes?|shots?)|giua (?:tat ca )?cac canh"
        r"|cho (?:tat ca )?cac canh|o moi canh)",
        lambda found, folded: SetTransition(Every(), TRANSITION_OF[found["transition"]]),
    ),
    (
        r"(?:set |change )?(?:the )?(?:transition|transition in|transition into|transition before"
        r"|way in) (?:of|for|into|before|to|on) <R:a> (?:to |: |is |should be |= |as )?"
        r"(?:a |an )?<T>|<R:a> transition (?:: |to |is |should be )?(?:a |an )?<T>",
        _transition(),
    ),
    (
        r"chuyen <R:a> (?:bang |kieu |theo kieu |voi |sang )?<T>|(?:hieu ung )?(?:chuyen canh"
        r"|chuyen tiep)(?: (?:vao|cua|cho|truoc|sang|den|toi))? <R:a> (?:la |bang |thanh "
        r"|kieu |: )?<T>",
        _transition(),
    ),
    (
        r"(?:(?:make|have|let|give|cho|de|lam) )?<R:a>(?: (?:should|to|will|with|gets?|has|uses?"
        r"|starts? with|begins? with|opens? with|comes in with|bat dau|mo dau|hien ra|xuat hien"
        r"|vao|hien|bang|tu|voi|kieu))* (?:a |an )?<T>(?: in)?(?: transition| effect)?",
        _transition(verbless=True),
    ),
    # keep, remake
    (
        r"(?:dont keep|stop keeping|unlock|unkeep|release|unpin|unfreeze|let go of|you can change"
        r"|you can redo|bo giu|thoi giu|mo khoa|huy giu|khong giu|dung giu nua|dung giu) <B:a>",
        _scene(lambda scenes: Keep(scenes, keep=False)),
    ),
    (
        r"(?:keep|lock|save|freeze|pin|hold on to|hang on to|i (?:really )?(?:like|love)"
        r"|we (?:like|love))(?: (?:the look of|the picture of|the image of))? <B:a>"
        r"(?: (?:as it is|as is|like that|the way it is|the same|unchanged))?"
        r"(?: ,? ?(?:keep it|lock it|dont change it|leave it|leave it as is|its perfect"
        r"|its good|its great|perfect|great|nice))*",
        _scene(Keep),
    ),
    (
        r"(?:giu|giu lai|giu nguyen|khoa|chot|luu|giu nguyen hinh|giu hinh|giu anh)(?: (?:cho"
        r"|hinh|anh))? <B:a>(?: (?:lai|nguyen|nhu cu|nhu vay|nhu the))?"
        r"|<R:a> (?:giu nguyen|giu lai|giu|dep roi|ok roi|on roi|duoc roi|chot|khoa lai"
        r"|dung doi|dung ve lai|khong doi)"
        r"|(?:(?:toi|minh|em) )?(?:rat )?(?:thich|me|ung) <R:a>(?: ,? ?(?:giu|giu lai|giu nguyen)"
        r"(?: no| lai| nhe)?)?",
        _scene(Keep),
    ),
    (
        r"(?:redo|remake|regenerate|reroll|re roll|redraw|re draw|retake|re do|refresh|reshoot"
        r"|re shoot|regen|rerender|re render|repaint|try again|recreate|re generate)"
        r"(?: the (?:picture|image|still|photo) (?:of|for))? <B:a>(?: again)?"
        r"|(?:(?:try|give me|make|generate|draw|get|do|want|i want) )?(?:(?:a|an) )?(?:new"
        r"|different|fresh|another|other) (?:picture|image|take|version|still|drawing|photo)"
        r" (?:for|of|on|in) <B:a>|(?:generate|draw|make|try|do) <B:a> again",
        _scene(Remake),
    ),
    (
        r"(?:lam lai|ve lai|tao lai|sinh lai|chup lai|ve moi|lam moi|ve cai khac cho|doi anh"
        r"|doi hinh|doi anh cho|doi hinh cho|thay anh|thay hinh|thay anh cho|thay hinh cho"
        r"|tao anh moi cho|ve anh moi cho|anh khac cho|hinh khac cho|render lai)(?: cua)? <B:a>"
        r"(?: (?:lai|khac|lan nua|mot lan nua))*"
        r"|<R:a> (?:lam lai|ve lai|tao lai|ve moi|ve cai khac|doi anh khac|doi hinh khac"
        r"|anh khac|hinh khac)(?: (?:lai|lan nua))*",
        _scene(Remake),
    ),
    # captions, then new ideas, then additions to ideas
    (
        r"(?:(?:set|change|make|doi|sua|dat|ghi|them) )?(?:the )?(?:caption|text|subtitle"
        r"|on screen text|words|title|label|lyric|chu|phu de|dong chu|loi|tieu de|chu thich)"
        r"(?: (?:of|for|on|in|cua|cho|tren|o|trong))? <R:a>(?: (?:to|:|is|should be|should say"
        r"|says|=|as|reads?|la|thanh|ghi))* <X:caption>"
        r"|(?:caption|label|subtitle) <R:a>(?: (?::|with|as|to))? <X:caption>"
        r"|<R:a> (?:caption|text|subtitle|chu|phu de)(?: (?::|is|to|should be|should say"
        r"|should read|la|thanh|ghi))* <X:caption>"
        r"|<R:a> (?:should say|should read|ghi chu|co chu|hien chu|de chu)(?: :)? <X:caption>"
        r"|ghi (?:chu )?<X:caption> (?:len|tren|vao) <R:a>",
        _free(SetCaption, "caption"),
    ),
    (
        r"(?:change|turn|make|switch|set) <R:a> (?:in)?to <X:idea>|replace <R:a> with <X:idea>"
        r"|(?:new idea|the idea|idea) (?:for|of) <R:a>(?: (?::|is|should be))? <X:idea>"
        r"|(?:doi|sua|thay|chuyen|bien|thay doi|chinh)(?: (?:noi dung|y tuong))?(?: cua)? <R:a>"
        r" (?:thanh|sang|la|bang) <X:idea>"
        r"|(?:y tuong|noi dung) (?:cua |cho )?<R:a> (?:: |la )<X:idea>",
        _free(SetIdea, "idea"),
    ),
    (
        r"<R:a> (?:should be|should show|should become|becomes|will be|is now|will show"
        r"|nen la|se la|phai la|hay la|doi thanh|doi lai thanh|thanh) <X:idea>",
        _free(SetIdea, "idea"),
        True,
    ),
    (
        r"add (?:(?:a |an )?(?:new )?scene (?:of |with |: )?)?<X:idea> <P>"
        r"|(?:them|chen) (?:canh |mot canh |1 canh )?(?:moi )?<X:idea> (?:vao )?<P>",
        _add,
    ),
    (
        r"add <X:addition> to <R:a>|(?:them|cho them) <X:addition> (?:vao|cho) <R:a>",
        _free(AmendIdea, "addition"),
    ),
    (
        r"(?:make|turn|render|set|lam|bien|chinh)(?: cho)? <R:a>(?: (?:thanh|tro nen|co|them))?"
        r" <X:addition>|cho <R:a> <X:addition>",
        _free(AmendIdea, "addition"),
    ),
    (
        r"<R:a> (?P<addition>(?:at|in|under|during|with|without|by|on|from|near|as|before"
        r"|after|vao|luc|trong|duoi|tren|o|ve|khi|co|them|voi|giua|ben|ngoai|mau|theo|kieu) .+"
        r"|den trang|trang den|black and white|sepia)",
        _free(AmendIdea, "addition"),
        True,
    ),
)

_PROJECT_RULES: tuple[tuple[str, Builder], ...] = (
    # aspect
    (
        r"(?:(?:make|make it|make the video|make this|switch to|change to|change it to|go|set it"
        r" to|use|i want|want|do|render in|render it|in|as|for|turn it|turn the video|it|video"
        r"|set (?:the )?(?:aspect|format|ratio|aspect ratio|frame) to|change (?:the )?(?:aspect"
        r"|format|ratio|aspect ratio|frame) to|format|aspect|aspect ratio|ratio|a|an|the|doi"
        r"|chuyen|lam|dat|chinh|quay|xuat|qua|sang|thanh|khung|kho|ti le|ty le|dinh dang"
        r"|man hinh|che do|cho|de|hinh) )*<A>(?: (?:video|format|mode|frame|aspect|ratio"
        r"|aspect ratio|instead|version|orientation|screen|khung|kho|hinh))*",
        _aspect,
    ),
    # title
    (
        r"(?:call it|name it|title it|call the (?:video|project|film)|name the (?:video|project"
        r"|film)|rename(?: it| the video| the project| the film)?(?: to| as)?"
        r"|change the (?:title|name)(?: of the (?:video|project))? to|set the (?:title|name) to"
        r"|the (?:title|name) (?:is|should be)|(?:title|name) :|(?:dat|doi) (?:ten|tieu de)"
        r"(?: (?:video|du an|phim|cho video|cho du an|cho phim))?(?: (?:la|thanh))?"
        r"|(?:ten|tieu de) (?:video|du an|phim)(?: (?:la|se la))?|tieu de :|ten :)"
        r"(?: :)? <X:title>",
        _title,
    ),
    # switches
    (
        r"(?:turn on|switch on|enable|activate|start|add|give me|bat|mo|dung|kich hoat|co)"
        r"(?: (?:che do|tinh nang|the))? <W>(?: on| len)?|(?:turn|switch|put) (?:the )?<W> on"
        r"|<W> on",
        _switch(True),
    ),
    (
        r"(?:turn off|switch off|disable|deactivate|stop|no|without|remove|dont use|no more"
        r"|stop using|stop sending(?: me)?|dont send(?: me)?|tat|ngung|khong|khoi|khong gui"
        r"|ngung gui|thoi|huy|khong dung|ngung dung)(?: (?:che do|tinh nang|the))? <W>"
        r"(?: off| di| nua)?|(?:turn|switch|put) (?:the )?<W> off|<W> off",
        _switch(False),
    ),
    (r"toggle (?:the )?<W>|(?:doi|chuyen) (?:che do )?<W>", _switch(None)),
    (
        r"(?:start )?send(?:ing)? (?:me )?(?:each|every|the|all)? ?(?:picture|image|photo"
        r"|preview)s?(?: previews?| as you go| one by one)?|gui (?:tung|moi) (?:anh|hinh)"
        r"(?: xem truoc)?",
        _previews(True),
    ),
)
_STYLE_RULES: tuple[str, ...] = (
    r"(?:(?:the )?style|look|preset|phong cach|style la|phong cach la)(?: (?::|=|to|is|la"
    r"|should be))? (?:a |an |the )?<S>(?: style| look)?",
    r"(?:make it|make the video|make everything|make them|make all scenes|turn it into|do it as"
    r"|do it in|render it as|render it in|switch to|change to|change it to|go with|lets go with"
    r"|use|try|apply|i want|set style to|set the style to|change the style to|switch the style"
    r" to|switch style to|change style to|in the style of|in|as)(?: a| an| the)? <S>"
    r"(?: style| look| painting)?",
    r"<S> (?:style|look)",
    r"(?:doi|chuyen|lam|dung|chon|ve|theo|ap dung|xai|phong cach|kieu)(?: (?:phong cach|kieu"
    r"|style|sang|thanh|theo|video|la|qua))* <S>",
)
_CYCLE = alternation(
    (
        "another camera move", "a different camera move", "another move", "a different move",
        "change the camera move", "change the camera", "change the motion", "a new camera move",
        "doi chuyen dong", "doi kieu lia", "doi cach quay", "chuyen dong khac",
        "kieu quay khac", "chuyen dong khac cho", "kieu quay khac cho",
    )
)  # fmt: skip


def _branches(template: str) -> list[str]:
    """The top-level alternatives of a template (a group name may recur across them)."""
    branches, depth, start = [], 0, 0
    for index, char in enumerate(template):
        if char == "(" and template[index - 1 : index] != "\\":
            depth += 1
        elif char == ")" and template[index - 1 : index] != "\\":
            depth -= 1
        elif char == "|" and depth == 0:
            branches.append(template[start:index])
            start = index + 1
    branches.append(template[start:])
    return branches


def _compile(template: str, style: str = "(?!)") -> list[re.Pattern[str]]:
    return [compile_rule(b, style) for b in _branches(template.replace("<C>", _CYCLE))]


def _scene_rules() -> tuple[Rule, ...]:
    rules: list[Rule] = []
    for entry in _SCENE_RULES:
        template, build = entry[0], entry[1]
        numbered = len(entry) > 2 and bool(entry[2])
        needs_ref = "<R:" in template or "<B:" in template
        rules.extend(Rule(p, build, numbered, needs_ref) for p in _compile(template))
    return tuple(rules)


_RULES = _scene_rules() + tuple(Rule(p, b) for t, b in _PROJECT_RULES for p in _compile(t))


@lru_cache(maxsize=64)
def _style_rules(styles: tuple[tuple[str, str], ...]) -> tuple[Rule, ...]:
    words = style_words(styles)
    if not words:
        return ()
    names = alternation(words)

    def build(found: re.Match[str], folded: Folded) -> Edit:
        return SetStyle(words[found["style"]])

    return tuple(Rule(p, build) for t in _STYLE_RULES for p in _compile(t, names))


def read_part(
    folded: Folded, start: int, end: int, styles: tuple[tuple[str, str], ...] = ()
) -> Read | None:
    """The one edit or command that folded.text[start:end] says, else None."""
    lead = LEAD_RE.match(folded.text, start, end)
    if lead is not None and lead.end() < end:
        start = lead.end()
    has_ref = REF_HINT.search(folded.text, start, end) is not None
    for rule in _RULES + _style_rules(styles):
        if rule.needs_ref and not has_ref:
            continue
        found = rule.pattern.fullmatch(folded.text, start, end)
        if found is None:
            continue
        if rule.numbered and not _SCENE_NOUN.search(found.group("a")):
            continue
        result = rule.build(found, folded)
        if result is not None:
            return result
    return None
