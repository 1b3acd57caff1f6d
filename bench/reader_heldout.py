"""Held-out phrasings for the offline reader: written before its rules, never tuned on.

Each row is (message, the meaning the reader should give). `bench/reader_accuracy.py` reports
the share it gets right; a miss here is a fact to report, not a rule to add.
"""

from __future__ import annotations

from bot.studio.edits import (
    END,
    AmendIdea,
    Beside,
    Command,
    Delete,
    Duplicate,
    Edit,
    Every,
    FromEnd,
    FromStart,
    Keep,
    Move,
    Numbered,
    Relative,
    Remake,
    Same,
    ScaleLength,
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
from bot.studio.models import ProjectSwitch
from bot.studio.reading import Instruction, Meaning, Question, SceneIdea, Topic
from bot.studio.timeline import Motion, Transition


def _n(*numbers: int) -> Numbered:
    return Numbered(numbers)


def _do(*edits: Edit, command: Command | None = None) -> Instruction:
    return Instruction(edits, command)


IDEA = SceneIdea()

HELDOUT: list[tuple[str, Meaning]] = [
    # English
    ("Could you swap scenes 4 and 5 please?", _do(Swap(_n(4), _n(5)))),
    ("get rid of the last scene", _do(Delete(FromEnd(1)))),
    ("remove scene 3 and scene 6", _do(Delete(_n(3, 6)))),
    ("put the first scene at the end", _do(Move(FromStart(1), Slot(END)))),
    ("move scene 6 before scene 2", _do(Move(_n(6), Beside(_n(2), after=False)))),
    ("make the intro a bit longer", _do(ScaleLength(FromStart(1), 1.25))),
    ("scene 2 should last 6 seconds", _do(SetLength(_n(2), 6.0))),
    ("make all scenes shorter", _do(ScaleLength(Every(), 0.8))),
    ("pan right on scene 5", _do(SetMotion(_n(5), Motion.PAN_RIGHT))),
    ("regenerate scene 1", _do(Remake(_n(1)))),
    ("change the style to archival film", _do(SetStyle("archival"))),
    ("landscape please", _do(SetAspect("16:9"))),
    ("rename it to Mekong Nights", _do(SetTitle("Mekong Nights"))),
    ("turn off clips", _do(SetSwitch(ProjectSwitch.CLIPS, on=False))),
    ("delete scene 4 then render", _do(Delete(_n(4)), command=Command.RENDER)),
    ("how many scenes do I have?", Question(Topic.SCENE_COUNT)),
    ("how much will it cost?", Question(Topic.COST)),
    ("what song is this?", Question(Topic.SONG)),
    ("A girl swaps her hat with a stranger", IDEA),
    ("The second sunrise over the mountains", IDEA),
    # Vietnamese, with and without diacritics
    ("hoán đổi cảnh 3 và cảnh 4", _do(Swap(_n(3), _n(4)))),
    ("xoá cảnh 5 đi", _do(Delete(_n(5)))),
    ("xoa canh cuoi", _do(Delete(FromEnd(1)))),
    ("đưa cảnh cuối lên đầu", _do(Move(FromEnd(1), Slot(1)))),
    ("chuyen canh 4 xuong cuoi", _do(Move(_n(4), Slot(END)))),
    ("cảnh 2 ngắn hơn một chút", _do(ScaleLength(_n(2), 0.8))),
    ("cảnh 4 dài 3 giây", _do(SetLength(_n(4), 3.0))),
    ("tat ca cac canh cham hon", _do(ScaleLength(Every(), 1.25))),
    ("cảnh 3 thu nhỏ", _do(SetMotion(_n(3), Motion.ZOOM_OUT))),
    ("vẽ lại cảnh cuối", _do(Remake(FromEnd(1)))),
    ("giu canh 3", _do(Keep(_n(3)))),
    ("nhân đôi cảnh cuối", _do(Duplicate(FromEnd(1)))),
    ("đổi sang tranh Đông Hồ", _do(SetStyle("dong_ho"))),
    ("video ngang", _do(SetAspect("16:9"))),
    ("đặt tên là Mùa thu Hà Nội", _do(SetTitle("Mùa thu Hà Nội"))),
    ("cảnh 2 vào buổi chiều", _do(AmendIdea(_n(2), "vào buổi chiều"))),
    ("đổi cảnh 1 thành chợ nổi Cái Răng", _do(SetIdea(_n(1), "chợ nổi Cái Răng"))),
    ("chữ cảnh 3: Sài Gòn 1975", _do(SetCaption(_n(3), "Sài Gòn 1975"))),
    ("cảnh 4 mờ đen", _do(SetTransition(_n(4), Transition.FADE_BLACK))),
    ("dung video", _do(command=Command.RENDER)),
    ("hoàn tác", _do(command=Command.UNDO)),
    ("video dai bao lau?", Question(Topic.LENGTH)),
    ("cảnh 2 là gì", Question(Topic.SCENE, _n(2))),
    ("bài hát gì vậy?", Question(Topic.SONG)),
    ("Đổi gió trên đèo Hải Vân", IDEA),
    ("Hai đứa trẻ chạy trên cánh đồng", IDEA),
    ("Giữ lấy ánh trăng cuối cùng", IDEA),
    ("cảnh tiếp theo lia lên", _do(SetMotion(Relative(1), Motion.PAN_UP))),
    ("đưa cảnh 3 xuống", _do(Shift(_n(3), 1))),
    # pronouns: "it", "them", "nó", "chúng" for the scenes in focus or named just before
    ("remove it", _do(Delete(Same()))),
    ("put it at the end please", _do(Move(Same(), Slot(END)))),
    (
        "swap scenes 2 and 5 and make them shorter",
        _do(Swap(_n(2), _n(5)), ScaleLength(Same(), 0.8)),
    ),
    (
        "make scene 2 at dawn and zoom in on it",
        _do(AmendIdea(_n(2), "at dawn"), SetMotion(Same(), Motion.ZOOM_IN)),
    ),
    ("Make it shine like gold", IDEA),
    ("Let them run along the beach", IDEA),
    ("xoá nó đi", _do(Delete(Same()))),
    ("đưa nó xuống cuối", _do(Move(Same(), Slot(END)))),
    (
        "cảnh 4 vào ban đêm rồi chuyển nó lên đầu",
        _do(AmendIdea(_n(4), "vào ban đêm"), Move(Same(), Slot(1))),
    ),
    ("Cho chúng nó về nhà", IDEA),
]
