"""The instruction grammar: one part of a message read as one edit or one command.

Each rule is a template (see `grammar`) and a builder (see `builders`). A rule reads a part only
when it matches the whole part; the first rule that reads it wins, so the more specific rules
come first. Rules marked `numbered` need a numbered scene ("scene 3", "cảnh 3"): a sentence with
no verb that starts "the last ..." or "the next ..." is more likely a scene idea than an edit.

Pronouns ("it", "them", "nó", "chúng") stand for scenes in every rule, with one limit, because
"make it rain", "let it snow" and "cho nó bay lên trời" are scene ideas: a free-text rule (a
caption, a new idea, an addition to an idea: the rules with an `<X:...>` slot) takes a pronoun
only in a later part of a message, after another edit ("swap the last two and make them night
scenes"), and even there only when no other rule reads the part ("... and make it vertical" is
the aspect). In a message's first part a pronoun works in the structural and editorial rules
alone: delete, move, shift, swap, duplicate, keep, remake, length, camera and transitions
("delete it", "move it to the end", "cho nó dài hơn").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.studio.edits import (
    END,
    AmendIdea,
    Command,
    CycleMotion,
    Delete,
    Duplicate,
    Edit,
    Every,
    Keep,
    PinSection,
    Remake,
    SetCaption,
    SetFit,
    SetFootageStart,
    SetIdea,
    SetLength,
    SetStyle,
    SetSwitch,
    SetTransition,
)
from bot.studio.models import ProjectSwitch
from bot.studio.timeline import Fit
from bot.studio.words import builders as b
from bot.studio.words.builders import LONGER, SHORTER, Builder, Read
from bot.studio.words.grammar import LEAD_RE, SECONDS, TRANSITION_OF, compile_rule
from bot.studio.words.normalise import Folded
from bot.studio.words.numbers import NUMBER, REF_HINT, is_pronoun
from bot.studio.words.vocabulary import CYCLE_MOTION, alternation, style_words

_SCENE_NOUN = re.compile(r"\b(?:scenes?|shots?|canh)\b")
_SECTION = r"(?P<section>" + alternation(b.SECTION_OF) + ")"
_NTH_EN = r"(?:(?P<nth>first|second|third|fourth|1st|2nd|3rd|4th) )?"
_NTH_VI = r"(?: (?:thu|lan) (?P<nth>nhat|hai|ba|tu|1|2|3|4)| dau tien)?"
_EN_START = (
    r"(?:should |must |will |has to |needs to )?(?:start|starts|begin|begins|open|opens"
    r"|kick off|kicks off|come in|comes in|land|lands|drop|drops|hit|hits)"
)


@dataclass(frozen=True)
class Rule:
    """A compiled template, its builder, whether it needs a numbered scene, and its free text."""

    pattern: re.Pattern[str]
    build: Builder
    numbered: bool = False
    needs_ref: bool = False
    free: bool = False  # carries the director's words; a pronoun only after another edit


_SCENE_RULES: tuple[tuple[str, Builder] | tuple[str, Builder, bool], ...] = (
    # commands
    (
        r"render(?: it| the video| video| the film| this)?|make (?:the|my) (?:video|film)"
        r"|make it now|export(?: it| the video)?|go(?: go)?|lets go|go ahead|do it|finish it"
        r"|(?:build|create|produce|finish) the video|xuat(?: ra)?(?: video| phim)?(?: ra)?"
        r"|dung(?: video| phim)?|lam (?:video|phim)|tao video|ra video"
        r"|bat dau (?:dung|render|xuat)(?: video)?",
        b.command(Command.RENDER),
    ),
    (
        r"(?:(?:show|show me|see|view|open|display) )?(?:the |my )?storyboard|plan the scenes"
        r"|(?:show|show me) (?:the |my |all )?scenes|replan|re plan"
        r"|(?:xem |cho xem |hien |mo |lap |len )?(?:lai )?(?:kich ban|bang phan canh)"
        r"|xem (?:lai )?(?:cac |tat ca )?(?:phan canh|canh)|xem storyboard",
        b.command(Command.STORYBOARD),
    ),
    (
        r"undo(?: that| it| this| the last (?:change|edit|step|one)| last (?:change|edit))?"
        r"|take that back|revert(?: that| it| the last change)?|go back a step"
        r"|hoan tac(?: lai)?|(?:bo|huy) (?:thao tac|buoc) (?:vua roi|vua xong|cuoi|truoc)"
        r"|(?:quay|tro) lai (?:buoc truoc|nhu cu|nhu truoc)|lui lai (?:mot|1) buoc"
        r"|hoan nguyen",
        b.command(Command.UNDO),
    ),
    # swap
    (
        r"(?:swap|switch|exchange|trade|flip|swop)(?: around)? (?:the )?(?:places of |order of "
        r"|positions of )?<B:a>(?: (?:and|with|&) <B:b>)?(?: around| over)?",
        b.swap,
    ),
    (
        r"(?:doi cho|hoan doi|dao cho|dao|doi vi tri|hoan vi|doi thu tu|doi)(?: (?:cho|vi tri"
        r"|thu tu))?(?: cua)? <B:a>(?: (?:va|voi|cho|&) <B:b>)?(?: (?:cho|voi) nhau)?",
        b.swap,
    ),
    (
        r"<R:a> (?:doi cho|hoan doi|doi vi tri|swap places|swaps|switch) (?:voi|cho|with) <B:b>",
        b.swap,
    ),
    # the stretch of a scene's own clip
    (
        r"(?:start|begin|play|run|cut in|open)(?: the clip (?:of|in|for))? <R:a>"
        r"(?: s clip| clip)? (?:at|from)(?: second| the)? <K>"
        rf"(?: ?{SECONDS})?(?: (?:in|into|of) the clip)?"
        r"|(?:(?:have|make|let) )?(?:the clip (?:of|in|for) )?<R:a>(?:s clip| s clip| clip)?"
        r" (?:start|starts|begin|begins|play|plays|run|runs|cut in|cuts in|open|opens)"
        r"(?: playing)? (?:at|from)(?: second| the)? <K>"
        rf"(?: ?{SECONDS})?(?: (?:in|into|of) the clip)?",
        b.footage_start,
    ),
    (
        r"(?:(?:cho|de|lam) )?(?:clip (?:cua )?)?<R:a>(?: clip)? (?:bat dau|chay|mo dau)"
        r"(?: (?:tu|o|tai|luc))?(?: giay(?: thu)?)? <K>(?: giay)?(?: (?:cua|trong) clip)?",
        b.footage_start,
    ),
    (
        r"(?:use|play|show) the liveliest (?:part|bit|stretch|moment)s? (?:of|for|in) <R:a>"
        r"|<R:a> (?:from|at|on) the liveliest (?:part|bit|stretch|moment)"
        r"|(?:dung|chon|cho) doan soi dong nhat (?:cho|cua) <R:a>",
        b.scene(lambda scenes: SetFootageStart(scenes, None)),
    ),
    # length: a number of seconds, or let the song decide
    (
        r"(?:(?:make|set|let|have|hold|show|keep|cho|de|lam|dat|doi|chinh) )?<R:a>"
        r"(?: (?:to|for|last|lasts|at|be|should be|should last|is|runs?|run for|hold for"
        r"|hold|dai|trong|keo dai|chi|khoang|tam|la|thanh|exactly|about|around|only|just))*"
        rf" <Q> ?{SECONDS}(?: long)?",
        b.length,
    ),
    (
        r"(?:let the (?:song|music|beat) (?:decide|choose|set) (?:the )?(?:length|duration"
        r"|timing) (?:of|for)|reset (?:the )?(?:length|duration|timing) (?:of|for)"
        r"|auto (?:length|duration) (?:for|on)|de nhac quyet dinh do dai(?: cua)?) <R:a>"
        r"|<R:a> (?:auto|automatic) (?:length|duration)|<R:a> (?:do dai|dai) tu dong"
        r"|<R:a> (?:dai )?theo nhac",
        b.scene(lambda scenes: SetLength(scenes, None)),
    ),
    # length: longer or shorter
    (
        r"(?:(?:make|have|let|cho|de|lam) )?<R:a>(?: (?:last|be|should be|needs to be|could be"
        r"|must be|has to be))? (?P<times>twice|three times|2 times|3 times|2x|3x|half)"
        r" (?:as long|longer|the length)",
        b.times,
    ),
    (r"(?P<times>double|halve) (?:the length of )?<B:a>", b.times),
    (r"cut <R:a> in half|halve <B:a>", b.scale(0.5)),
    (
        r"(?:(?:make|have|let) )?<R:a>(?: (?:should be|needs to be|could be|must be|has to be"
        r"|a bit|a little|a little bit|a tad|slightly|much|even|way|somewhat))*"
        r" (?P<dir>longer|shorter|faster|slower|quicker|snappier)",
        b.scale(),
    ),
    (
        r"<R:a> (?:is|are|feels|feel|seems|seem|looks|look) (?:way |a bit |a little |much )?too "
        r"(?P<dir>long|short|fast|slow|quick)"
        r"|(?P<a>it|that)s (?:way |a bit |a little |much )?too (?P<dir>long|short|fast|slow|quick)",
        b.scale(),
    ),
    (
        r"(?:a |an )?(?:(?:bit|little|slightly|much) )?(?P<dir>longer|shorter|faster|slower"
        r"|quicker) <R:a>",
        b.scale(),
    ),
    (
        r"(?:lengthen|extend|stretch|stretch out|slow down) <B:a>|(?:slow|stretch) <B:a>"
        r" (?:down|out)",
        b.scale(LONGER),
    ),
    (
        r"(?:shorten|trim|tighten|speed up|cut down|quicken) <B:a>|speed <B:a> up",
        b.scale(SHORTER),
    ),
    (
        r"(?:(?:lam|cho|de) )?<R:a> (?P<dir>dai|lau|cham|ngan|nhanh|gon|mau) hon"
        r"(?: (?:mot )?(?:chut|ti|xiu|it|teo|nua|ty|xiu nua|chut nua))*",
        b.scale(),
    ),
    (
        r"(?:keo dai|lam dai|noi dai|keo cham|lam cham) <B:a>(?: (?:ra|them|hon|lai))?"
        r"(?: (?:mot )?(?:chut|ti|xiu|nua))*",
        b.scale(LONGER),
    ),
    (
        r"(?:rut ngan|cat ngan|thu ngan|lam ngan|tang toc|lam nhanh|tang toc do) <B:a>"
        r"(?: (?:lai|di|bot|hon))?(?: (?:mot )?(?:chut|ti|xiu|nua))*",
        b.scale(SHORTER),
    ),
    (r"<R:a> (?P<dir>ngan qua|nhanh qua)", b.scale()),
    (r"<R:a> (?:dai|lau|cham) qua", b.scale(SHORTER)),
    (
        rf"(?:(?:lam|cho|de) )?<R:a> (?:dai |keo dai |lau )?gap (?P<times>doi|hai|ba|{NUMBER})",
        b.times,
    ),
    (r"<R:a> ngan (?:di |lai )?(?:mot )?nua", b.scale(0.5)),
    # delete
    (
        r"(?:delete|remove|drop|scrap|erase|trash|ditch|kill|lose|get rid of|take out|throw out"
        r"|throw away|leave out|skip) (?:the )?<B:a>(?: out)?",
        b.scene(Delete),
    ),
    (
        r"cut(?: out)? <R:a>|(?:take|throw|leave|cut) <R:a> out|<R:a> (?:can go|has to go"
        r"|must go)",
        b.scene(Delete),
    ),
    (
        r"(?:xoa|bo|loai|loai bo|xoa bo|cat bo|go|go bo|huy|bo qua|vut|vut bo)(?: di)? <B:a>"
        r"|cat <R:a>|<R:a> (?:xoa|bo|vut)(?: di)?",
        b.scene(Delete),
    ),
    # move to a place, then shift by steps
    (r"(?:move|put|place|shift|bring|drag|take|send|set|stick|slide) <B:a> <P>", b.move),
    (
        r"(?:(?:chuyen|dua|doi|dat|de|keo|mang|di chuyen|xep|cho|day|dich|dich chuyen) )?"
        r"<R:a> (?:(?:goes|should go|comes|should come|go) )?<P>",
        b.move,
    ),
    (
        r"(?:chuyen|dua|doi|dat|de|keo|mang|di chuyen|xep|cho|day|dich|dich chuyen) <B:a> <P>",
        b.move,
    ),
    (
        r"(?:make|let) <R:a> (?:be )?(?:the )?(?P<which>first|last|opening|final)"
        r"(?: (?:scene|one|shot))?",
        b.make_end,
    ),
    (r"(?:start|open|begin) with <R:a>|mo dau bang <R:a>|bat dau bang <R:a>", b.move_to(1)),
    (r"(?:end|finish|close) with <R:a>|ket thuc bang <R:a>|ket bang <R:a>", b.move_to(END)),
    (
        r"(?:(?:move|put|shift|bring|slide|push) )?<R:a>(?: (?:by )?(?P<steps>" + NUMBER + r")"
        r" (?:places?|spots?|steps?|positions?|slots?))? (?P<dir>earlier|later|sooner|up|down)"
        r"(?: (?:by )?(?P<steps2>" + NUMBER + r")(?: (?:places?|spots?|steps?|positions?))?)?",
        b.shift,
    ),
    (
        r"(?:move|put|shift|bring|slide|push) <B:a>(?: (?:by )?(?P<steps>" + NUMBER + r")"
        r" (?:places?|spots?|steps?|positions?|slots?))? (?P<dir>earlier|later|sooner|up|down)",
        b.shift,
    ),
    (
        r"(?:(?:dua|chuyen|doi|keo|day|cho|dich|xep) )?<R:a>(?: (?:len|xuong|lui|ra|ve))?"
        r"(?: (?P<steps>" + NUMBER + r") (?:buoc|vi tri|o|cho|nac))?"
        r" (?P<dir>len truoc|len tren|len|som hon|ra truoc|xuong duoi|xuong|ra sau|ve sau"
        r"|muon hon|lui xuong)(?: (?P<steps2>" + NUMBER + r") (?:buoc|vi tri|o|cho|nac))?",
        b.shift,
    ),
    # duplicate
    (
        r"(?:duplicate|copy|clone|repeat|double|dupe) <B:a>|make (?:a copy|copies|another copy"
        r"|a duplicate) of <B:a>|(?:nhan doi|nhan ban|sao chep|lap lai|copy|them ban sao cua"
        r"|tao ban sao cua|lam ban sao cua|lam ban sao) <B:a>",
        b.scene(Duplicate),
    ),
    # camera
    (
        r"<C> (?:on|for|in|of|at) <B:a>|<R:a> (?:another|a different|a new) (?:camera )?move",
        b.scene(CycleMotion),
    ),
    (
        r"(?:(?:use|add|give|set|do|make|i want) )?(?:a |the )?(?:camera )?<M>"
        r" (?:on|for|in|at|over|of|into|with|vao|cho|o) <B:a>|<M> <R:a>",
        b.motion,
    ),
    (
        r"(?:(?:make|set|have|let|give|cho|de|lam) )?<R:a>(?: (?:should|to|will|with|gets?"
        r"|camera|the camera|a|with a|camera should|may quay|may|khung hinh|hinh|se|thi))* <M>",
        b.motion,
    ),
    (
        r"(?:change|set|switch|doi|chuyen|chinh) (?:the )?(?:camera|motion|camera move|move"
        r"|movement|camera movement|chuyen dong|may quay|kieu quay|cach quay|kieu lia)"
        r"(?: (?:of|on|for|in|cua|cho|o))? <R:a> (?:to |thanh |sang |la )?(?:a )?<M>",
        b.motion,
    ),
    (r"(?:change|set|switch) <R:a> to (?:a )?<M>", b.motion),
    # fit: the whole picture (contain) or cropped to fill the frame (cover)
    (
        r"(?:dont|do not|never|stop|no need to) (?:crop|cut off|cut into|trim the edges of) <B:a>"
        r"|uncrop <B:a>|(?:khong|dung|dung co|khoi) (?:cat|cat xen|crop|cat bot) <B:a>",
        b.scene(lambda scenes: SetFit(scenes, Fit.CONTAIN)),
    ),
    (
        r"(?:fill (?:the )?(?:frame|screen) with|crop) <B:a>(?: to fill(?: the (?:frame|screen))?)?"
        r"|(?:cho|de|lam)? ?<R:a> (?:lap day|tran|kin) (?:man hinh|khung hinh|khung)",
        b.scene(lambda scenes: SetFit(scenes, Fit.COVER)),
    ),
    (
        r"(?:(?:show|display|use|give me|i want|we want|fit|put|hien|hien thi|hien len|cho xem"
        r"|de|cho|lay) )?(?:the )?<F>(?: (?:shows?|shown|visible|is visible|on screen))?"
        r" (?:on|for|in|of|at|into|cho|o|trong|cua|tai) <B:a>",
        b.fit,
    ),
    (
        r"(?:(?:make|set|have|let|show|display|put|fit|cho|de|lam|hien|hien thi|dat) )?<R:a>"
        r"(?: (?:should be|should|to be|to|is|be|in|as|with|shown|show|shows|showing|hien"
        r"|hien thi|de|thi|o|dang|se|phai|duoc|nen))* <F>",
        b.fit,
    ),
    # transitions
    (
        r"(?:(?:use|add|put|give|set|make|do|want|i want) )?(?:a |an )?<T>(?: transition"
        r"| effect)? (?:into|to|before|on|for|at|in|going into|leading into|vao|truoc|cho"
        r"|sang|den|toi|o) <B:a>",
        b.transition(),
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
        b.transition(),
    ),
    (
        r"chuyen <R:a> (?:bang |kieu |theo kieu |voi |sang )?<T>|(?:hieu ung )?(?:chuyen canh"
        r"|chuyen tiep)(?: (?:vao|cua|cho|truoc|sang|den|toi))? <R:a> (?:la |bang |thanh "
        r"|kieu |: )?<T>",
        b.transition(),
    ),
    (
        r"(?:(?:make|have|let|give|cho|de|lam) )?<R:a>(?: (?:should|to|will|with|gets?|has|uses?"
        r"|starts? with|begins? with|opens? with|comes in with|bat dau|mo dau|hien ra|xuat hien"
        r"|vao|hien|bang|tu|voi|kieu))* (?:a |an )?<T>(?: in)?(?: transition| effect)?",
        b.transition(verbless=True),
    ),
    # a scene starts a part of the song ("scene 5 starts the chorus")
    (
        r"(?:(?:make|have|let) )?<R:a> " + _EN_START + r"(?: (?:with|on|at|in|right on|right at"
        r"|exactly on|exactly at))?(?: the)? "
        + _NTH_EN
        + _SECTION
        + r"|(?:start|begin|open|put|place|pin|line up|sync|align) <R:a> (?:at|on|with|to|in"
        r"|right on|right at) (?:the )?(?:start of (?:the )?|beginning of (?:the )?)?"
        + _NTH_EN
        + _SECTION,
        b.section_pin,
    ),
    (
        r"(?:(?:cho|de|dat) )?<R:a> (?:se |phai |nen )?(?:bat dau|mo dau|vao|khoi dau|mo mau)"
        r"(?: (?:o|tu|vao|luc|bang|cung|dung|ngay))* (?:(?:doan|phan|luc|khuc) )?"
        + _SECTION
        + _NTH_VI,
        b.section_pin,
    ),
    (
        r"(?:unpin|free|release|unlink|detach) <R:a> from (?:the )?(?:section|sections|part"
        r"|parts|song part|part of the song|chorus|verse|bridge|intro|outro)"
        r"|<R:a> (?:can |may )?(?:start|starts|begin|begins) anywhere"
        r"|(?:bo|go|huy) gan <R:a>(?: (?:khoi|voi|vao) (?:doan|phan) (?:nhac|bai hat|diep khuc"
        r"|phien khuc))?|<R:a> bat dau o dau cung duoc",
        b.scene(lambda scenes: PinSection(scenes, None)),
    ),
    # keep, remake
    (
        r"(?:dont keep|stop keeping|unlock|unkeep|release|unpin|unfreeze|let go of|you can change"
        r"|you can redo|bo giu|thoi giu|mo khoa|huy giu|khong giu|dung giu nua|dung giu) <B:a>",
        b.scene(lambda scenes: Keep(scenes, keep=False)),
    ),
    (
        r"(?:keep|lock|save|freeze|pin|hold on to|hang on to|i (?:really )?(?:like|love)"
        r"|we (?:like|love))(?: (?:the look of|the picture of|the image of))? <B:a>"
        r"(?: (?:as it is|as is|like that|the way it is|the same|unchanged))?"
        r"(?: ,? ?(?:keep it|lock it|dont change it|leave it|leave it as is|its perfect"
        r"|its good|its great|perfect|great|nice))*",
        b.scene(Keep),
    ),
    (
        r"(?:giu|giu lai|giu nguyen|khoa|chot|luu|giu nguyen hinh|giu hinh|giu anh)(?: (?:cho"
        r"|hinh|anh))? <B:a>(?: (?:lai|nguyen|nhu cu|nhu vay|nhu the))?"
        r"|<R:a> (?:giu nguyen|giu lai|giu|dep roi|ok roi|on roi|duoc roi|chot|khoa lai"
        r"|dung doi|dung ve lai|khong doi)"
        r"|(?:(?:toi|minh|em) )?(?:rat )?(?:thich|me|ung) <R:a>(?: ,? ?(?:giu|giu lai|giu nguyen)"
        r"(?: nó| no| lai| nhe)?)?",
        b.scene(Keep),
    ),
    (
        r"(?:redo|remake|regenerate|reroll|re roll|redraw|re draw|retake|re do|refresh|reshoot"
        r"|re shoot|regen|rerender|re render|repaint|try again|recreate|re generate)"
        r"(?: the (?:picture|image|still|photo) (?:of|for))? <B:a>(?: again)?"
        r"|(?:(?:try|give me|make|generate|draw|get|do|want|i want) )?(?:(?:a|an) )?(?:new"
        r"|different|fresh|another|other) (?:picture|image|take|version|still|drawing|photo)"
        r" (?:for|of|on|in) <B:a>|(?:generate|draw|make|try|do) <B:a> again",
        b.scene(Remake),
    ),
    (
        r"(?:lam lai|ve lai|tao lai|sinh lai|chup lai|ve moi|lam moi|ve cai khac cho|doi anh"
        r"|doi hinh|doi anh cho|doi hinh cho|thay anh|thay hinh|thay anh cho|thay hinh cho"
        r"|tao anh moi cho|ve anh moi cho|anh khac cho|hinh khac cho|render lai)(?: cua)? <B:a>"
        r"(?: (?:lai|khac|lan nua|mot lan nua))*"
        r"|<R:a> (?:lam lai|ve lai|tao lai|ve moi|ve cai khac|doi anh khac|doi hinh khac"
        r"|anh khac|hinh khac)(?: (?:lai|lan nua))*",
        b.scene(Remake),
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
        b.free(SetCaption, "caption"),
    ),
    (
        r"(?:change|turn|make|switch|set) <R:a> (?:in)?to <X:idea>|replace <R:a> with <X:idea>"
        r"|(?:new idea|the idea|idea) (?:for|of) <R:a>(?: (?::|is|should be))? <X:idea>"
        r"|(?:doi|sua|thay|chuyen|bien|thay doi|chinh)(?: (?:noi dung|y tuong))?(?: cua)? <R:a>"
        r" (?:thanh|sang|la|bang) <X:idea>"
        r"|(?:y tuong|noi dung) (?:cua |cho )?<R:a> (?:: |la )<X:idea>",
        b.free(SetIdea, "idea"),
    ),
    (
        r"<R:a> (?:should be|should show|should become|becomes|will be|is now|will show"
        r"|nen la|se la|phai la|hay la|doi thanh|doi lai thanh|thanh) <X:idea>",
        b.free(SetIdea, "idea"),
        True,
    ),
    (
        r"add (?:(?:a |an )?(?:new )?scene (?:of |with |: )?)?<X:idea> <P>"
        r"|(?:them|chen) (?:canh |mot canh |1 canh )?(?:moi )?<X:idea> (?:vao )?<P>",
        b.add,
    ),
    (
        r"add <X:addition> to <R:a>|(?:them|cho them) <X:addition> (?:vao|cho) <R:a>",
        b.free(AmendIdea, "addition"),
    ),
    (
        r"(?:make|turn|render|set|lam|bien|chinh)(?: cho)? <R:a>(?: (?:thanh|tro nen|co|them))?"
        r" <X:addition>|cho <R:a> <X:addition>",
        b.free(AmendIdea, "addition"),
    ),
    (
        r"<R:a> (?P<addition>(?:at|in|under|during|with|without|by|on|from|near|as|before"
        r"|after|vao|luc|trong|duoi|tren|o|ve|khi|co|them|voi|giua|ben|ngoai|mau|theo|kieu) .+"
        r"|den trang|trang den|black and white|sepia)",
        b.free(AmendIdea, "addition"),
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
        b.aspect,
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
        b.title,
    ),
    # the song's credit ("music: Name - Title", "nhạc: Tên - Bài")
    (
        r"(?:music|song|the music|the song|music by|song by|nhac|bai hat|am nhac|nhac cua)"
        r" (?::|=|by|is by|la cua|cua) <X:music>"
        r"|(?:music|nhac) : <X:music>",
        b.music_credit,
    ),
    # switches (restyling said as a verb: "restyle the footage", "đổi phong cách clip")
    (
        r"(?:please )?(?:restyle|re style) (?:the |my |all the |all my )?(?:footage|clips?"
        r"|videos?|video clips?|own footage)|(?:hay )?doi phong cach (?:cho )?(?:cac |nhung )?"
        r"(?:clip|video|doan phim|canh quay)(?: cua toi)?",
        b.restyle(True),
    ),
    (
        r"(?:dont|do not|stop|no need to) (?:restyle|re style) (?:the |my )?(?:footage|clips?"
        r"|videos?)|(?:khong|dung|ngung|thoi) doi phong cach (?:cho )?(?:cac |nhung )?"
        r"(?:clip|video|doan phim|canh quay)(?: nua)?",
        b.restyle(False),
    ),
    # the clips' own sound
    (
        r"keep (?:the )?(?:clip|clips|video|videos)(?: s)?(?: own)? (?:sound|audio|sounds)"
        r"|(?:giu|de) (?:lai )?(?:tieng|am thanh)(?: goc)?(?: cua)? (?:clip|video)",
        lambda found, folded: SetSwitch(ProjectSwitch.CLIP_SOUND, True),
    ),
    (
        r"(?:drop|mute|remove|cut) (?:the )?(?:clip|clips|video|videos)(?: s)?(?: own)?"
        r" (?:sound|audio|sounds)|(?:bo|tat|xoa) (?:tieng|am thanh)(?: goc)?(?: cua)?"
        r" (?:clip|video)",
        lambda found, folded: SetSwitch(ProjectSwitch.CLIP_SOUND, False),
    ),
    # captions
    (
        r"(?:the )?(?:captions?|subtitles?|phu de|chu tren man hinh)(?: :| =| to| se la| la"
        r"| hien| show| shows| should show| should be)? <L>|(?:show|use|put) (?:the )?<L>"
        r" (?:as |in |for )?(?:the )?(?:captions?|subtitles?)|(?:set|change|switch) (?:the )?"
        r"(?:captions?|subtitles?) to <L>|(?:dung|hien|doi phu de sang|chuyen phu de sang) <L>"
        r"(?: (?:lam|cho) phu de)?",
        b.captions,
    ),
    (
        r"(?:turn off|hide|remove|no|without|tat|an|bo|khong can) (?:the |all )?(?:captions?"
        r"|subtitles?|phu de)",
        b.no_captions,
    ),
    # switches
    (
        r"(?:turn on|switch on|enable|activate|start|add|give me|bat|mo|dung|kich hoat|co)"
        r"(?: (?:che do|tinh nang|the))? <W>(?: on| len)?|(?:turn|switch|put) (?:the )?<W> on"
        r"|<W> on",
        b.switch(True),
    ),
    (
        r"(?:turn off|switch off|disable|deactivate|stop|no|without|remove|dont use|no more"
        r"|stop using|stop sending(?: me)?|dont send(?: me)?|tat|ngung|khong|khoi|khong gui"
        r"|ngung gui|thoi|huy|khong dung|ngung dung)(?: (?:che do|tinh nang|the))? <W>"
        r"(?: off| di| nua)?|(?:turn|switch|put) (?:the )?<W> off|<W> off",
        b.switch(False),
    ),
    (r"toggle (?:the )?<W>|(?:doi|chuyen) (?:che do )?<W>", b.switch(None)),
    (
        r"(?:start )?send(?:ing)? (?:me )?(?:each|every|the|all)? ?(?:picture|image|photo"
        r"|preview)s?(?: previews?| as you go| one by one)?|gui (?:tung|moi) (?:anh|hinh)"
        r"(?: xem truoc)?",
        b.previews(True),
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
_CYCLE = alternation(CYCLE_MOTION)


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
    return [compile_rule(one, style) for one in _branches(template.replace("<C>", _CYCLE))]


def _scene_rules() -> tuple[Rule, ...]:
    rules: list[Rule] = []
    for entry in _SCENE_RULES:
        template, build = entry[0], entry[1]
        numbered = len(entry) > 2 and bool(entry[2])
        needs_ref = "<R:" in template or "<B:" in template
        free = needs_ref and "<X:" in template
        rules.extend(Rule(p, build, numbered, needs_ref, free) for p in _compile(template))
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
    folded: Folded,
    start: int,
    end: int,
    styles: tuple[tuple[str, str], ...] = (),
    after_edit: bool = False,
) -> Read | None:
    """The one edit or command that folded.text[start:end] says, else None.

    `after_edit` tells a later part of a message, where free-text rules take pronouns too (see
    the module's docstring).
    """
    lead = LEAD_RE.match(folded.text, start, end)
    if lead is not None and lead.end() < end:
        start = lead.end()
    has_ref = REF_HINT.search(folded.text, start, end) is not None
    deferred: Read | None = None
    for rule in _RULES + _style_rules(styles):
        if rule.needs_ref and not has_ref:
            continue
        found = rule.pattern.fullmatch(folded.text, start, end)
        if found is None:
            continue
        if rule.numbered and not _SCENE_NOUN.search(found.group("a")):
            continue
        pronoun = rule.free and is_pronoun(found.group("a"))
        if pronoun and (not after_edit or deferred is not None):
            continue
        result = rule.build(found, folded)
        if result is None:
            continue
        if not pronoun:
            return result
        deferred = result
    return deferred
