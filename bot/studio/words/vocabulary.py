"""The words for camera moves, fits, transitions, aspects, switches and styles (folded forms)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from bot.studio.models import ProjectSwitch
from bot.studio.styles import StylePreset
from bot.studio.timeline import CaptionsMode, Fit, Motion, Transition
from bot.studio.words.normalise import fold_letters

MOTIONS: dict[Motion, tuple[str, ...]] = {
    Motion.ZOOM_IN: (
        "zoom in", "zoom in slowly", "slow zoom in", "push in", "zoom", "phong to", "zoom vao",
        "zoom gan", "day vao", "tien vao", "tien lai gan", "keo gan",
    ),
    Motion.ZOOM_OUT: (
        "zoom out", "slow zoom out", "pull out", "pull back", "thu nho", "zoom ra", "lui ra",
        "keo ra", "keo xa",
    ),
    Motion.PAN_LEFT: (
        "pan left", "pan to the left", "lia trai", "lia sang trai", "lia qua trai", "quet trai",
        "quet sang trai", "lia ve ben trai",
    ),
    Motion.PAN_RIGHT: (
        "pan right", "pan to the right", "lia phai", "lia sang phai", "lia qua phai", "quet phai",
        "quet sang phai", "lia ve ben phai",
    ),
    Motion.PAN_UP: ("pan up", "tilt up", "lia len", "lia len tren", "nguoc len", "quet len"),
    Motion.PAN_DOWN: ("pan down", "tilt down", "lia xuong", "lia xuong duoi", "quet xuong"),
    Motion.STILL: (
        "no camera move", "no camera movement", "no camera motion", "no motion", "no movement",
        "no zoom", "no pan", "still", "static", "hold still", "keep still", "keep the camera still",
        "a still camera", "a static camera", "dung yen", "dung im", "khong chuyen dong",
        "khong di chuyen", "dung tinh", "tinh", "co dinh", "khong lia", "khong zoom",
        "may quay dung yen", "camera dung yen",
    ),
}  # fmt: skip
FITS: dict[Fit, tuple[str, ...]] = {
    Fit.CONTAIN: (
        "uncropped", "not cropped", "without cropping", "with no cropping", "without a crop",
        "whole", "in full", "in its entirety", "the whole frame", "whole frame", "full frame",
        "the full frame", "the whole picture", "the whole photo", "the whole image",
        "the whole shot", "the whole clip", "the whole video", "the full picture",
        "the full photo", "the full image", "the full clip", "the entire picture",
        "the entire photo", "the entire image", "the entire frame", "the entire clip",
        "all of the picture", "all of the photo", "all of the image", "all of the clip",
        "letterboxed", "letterbox", "fit to the frame", "fit inside the frame",
        "fitted to the frame", "toan bo khung hinh", "ca khung hinh", "nguyen khung hinh",
        "tron khung hinh", "toan bo anh", "ca anh", "nguyen anh", "tron anh", "toan bo buc anh",
        "ca buc anh", "nguyen buc anh", "toan bo hinh", "ca hinh", "nguyen hinh", "toan bo clip",
        "ca clip", "nguyen clip", "khong cat", "khong bi cat",
        "khong cat xen", "khong crop",
    ),
    Fit.COVER: (
        "full screen", "fullscreen", "fill the frame", "fill the screen", "filling the frame",
        "filling the screen", "cropped", "cropped to fill", "cropped to the frame", "crop to fill",
        "edge to edge", "toan man hinh", "lap day man hinh", "lap day khung hinh", "tran man hinh",
        "tran khung hinh", "kin man hinh", "kin khung hinh", "full man hinh", "cat cho vua khung",
        "cat vua khung hinh", "cat cho vua man hinh",
    ),
}  # fmt: skip
CYCLE_MOTION = (
    "another camera move", "a different camera move", "another move", "a different move",
    "change the camera move", "change the camera", "change the motion", "a new camera move",
    "doi chuyen dong", "doi kieu lia", "doi cach quay", "chuyen dong khac", "kieu quay khac",
    "chuyen dong khac cho", "kieu quay khac cho",
)  # fmt: skip
TRANSITIONS: dict[Transition, tuple[str, ...]] = {
    Transition.FADE_BLACK: (
        "fade to black", "fade from black", "fades from black", "fades to black",
        "fade in from black", "fades in from black", "fade out to black", "fade through black",
        "dip to black", "a fade to black", "a fade from black", "black fade", "fade black",
        "mo den", "mo dan sang den", "mo qua den", "toi dan", "man den", "mo tu den", "hien tu den",
        "hien ra tu man den", "tu man den",
    ),
    Transition.CROSSFADE: (
        "crossfade", "cross fade", "crossfades", "a crossfade", "a cross fade", "dissolve",
        "a dissolve", "dissolves", "fade", "a fade", "fades", "soft transition",
        "a soft transition", "hoa tan", "chuyen mo", "mo dan", "mo chong", "chong mo", "mo",
    ),
    Transition.CUT: (
        "hard cut", "a hard cut", "cut", "a cut", "straight cut", "a straight cut", "jump cut",
        "a jump cut", "cuts", "hard cuts", "no transition", "cat thang", "cat cung", "cat",
        "cat ngang", "khong chuyen canh", "khong hieu ung",
    ),
}  # fmt: skip
ASPECTS: dict[str, tuple[str, ...]] = {
    "9:16": (
        "vertical", "portrait", "9:16", "9x16", "tiktok", "reels", "reel", "shorts", "stories",
        "story", "doc", "video dung", "khung dung", "khung doc", "video doc", "man hinh doc",
        "kho doc",
    ),
    "16:9": (
        "horizontal", "landscape", "widescreen", "wide", "16:9", "16x9", "youtube", "ngang",
        "khung ngang", "video ngang", "man hinh ngang", "kho ngang",
    ),
    "1:1": ("square", "1:1", "1x1", "vuong", "khung vuong", "video vuong", "kho vuong"),
}  # fmt: skip
SWITCHES: dict[ProjectSwitch, tuple[str, ...]] = {
    ProjectSwitch.CLIPS: (
        "clips", "clip", "video clips", "motion clips", "animated clips", "ai clips", "runway",
        "runway clips", "video dong",
    ),
    ProjectSwitch.PREVIEWS: (
        "previews", "preview", "picture previews", "sending pictures", "sending each picture",
        "each picture", "every picture", "each image", "every image", "the pictures",
        "pictures", "images", "gui anh", "gui tung anh", "gui hinh", "gui tung hinh",
        "xem truoc", "anh xem truoc", "gui anh xem truoc",
    ),
    ProjectSwitch.RESTYLE: (
        "restyle", "restyling", "footage restyle", "footage restyling", "restyled footage",
        "restyle footage", "restyle the footage", "restyling the footage", "doi phong cach",
        "doi phong cach clip", "doi phong cach video", "doi phong cach doan phim",
    ),
    ProjectSwitch.CLIP_SOUND: (
        "clip sound", "clips sound", "clip audio", "clips audio", "the clips own sound",
        "the clip sound", "sound of the clips", "sound of the clip", "clip sounds",
        "original sound", "tieng clip", "tieng cua clip", "am thanh clip", "am thanh cua clip",
        "tieng goc",
    ),
    ProjectSwitch.CREDITS: (
        "credits", "the credits", "credits card", "the credits card", "credit card",
        "end credits", "closing credits", "credits at the end", "danh de", "danh de cuoi",
        "danh de cuoi video", "the danh de", "khung danh de",
    ),
}  # fmt: skip
CAPTIONS: dict[CaptionsMode, tuple[str, ...]] = {
    CaptionsMode.LYRICS: (
        "lyrics", "the lyrics", "song lyrics", "the song lyrics", "lyric", "words of the song",
        "the words of the song", "loi bai hat", "loi nhac", "loi", "loi hat",
    ),
    CaptionsMode.IDEAS: (
        "ideas", "the ideas", "scene ideas", "the scene ideas", "idea", "y tuong",
        "y tuong canh", "cac y tuong",
    ),
    CaptionsMode.BOTH: (
        "both", "lyrics and ideas", "ideas and lyrics", "lyrics and scene ideas", "ca hai",
        "loi va y tuong", "loi bai hat va y tuong", "y tuong va loi bai hat",
    ),
    CaptionsMode.NONE: ("none", "nothing", "off", "no captions", "khong", "khong co", "tat"),
}  # fmt: skip
_GENERIC_HEADS = ("tranh ", "anh ", "phim ", "kieu ")


def alternation(words: Iterable[str]) -> str:
    """A regex group matching any of the folded phrases, longest first."""
    unique = sorted(set(words), key=len, reverse=True)
    return "(?:" + "|".join(re.escape(w) for w in unique) + ")"


def style_pairs(presets: Iterable[StylePreset]) -> tuple[tuple[str, str], ...]:
    """Every (key, name) of the presets in every language, for the reader's style words."""
    return tuple((p.key, name) for p in presets for name in p.names.values())


@lru_cache(maxsize=64)
def style_words(styles: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """Folded phrase -> style key: keys, names, and names without their generic head word."""
    words: dict[str, str] = {}
    for key, name in styles:
        for phrase in (key.replace("_", " "), name):
            folded = " ".join(re.findall(r"\w+", fold_letters(phrase).replace("_", " ")))
            if not folded:
                continue
            variants = {folded, folded.replace("color", "colour")}
            for head in _GENERIC_HEADS:
                if folded.startswith(head) and len(folded) > len(head) + 3:
                    variants.add(folded[len(head) :])
            words.update(dict.fromkeys(variants, key))
    return words


def motion_words() -> dict[str, Motion]:
    """Folded phrase -> camera move."""
    return {phrase: motion for motion, phrases in MOTIONS.items() for phrase in phrases}


def fit_words() -> dict[str, Fit]:
    """Folded phrase -> how a scene meets the frame."""
    return {phrase: fit for fit, phrases in FITS.items() for phrase in phrases}


def transition_words() -> dict[str, Transition]:
    """Folded phrase -> transition."""
    return {phrase: kind for kind, phrases in TRANSITIONS.items() for phrase in phrases}


def switch_words() -> dict[str, ProjectSwitch]:
    """Folded phrase -> project switch."""
    return {phrase: switch for switch, phrases in SWITCHES.items() for phrase in phrases}


def captions_words() -> dict[str, CaptionsMode]:
    """Folded phrase -> captions mode."""
    return {phrase: mode for mode, phrases in CAPTIONS.items() for phrase in phrases}


def aspect_words() -> dict[str, str]:
    """Folded phrase -> aspect ratio."""
    return {phrase: aspect for aspect, phrases in ASPECTS.items() for phrase in phrases}
