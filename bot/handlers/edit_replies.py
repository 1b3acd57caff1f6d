"""What changed, said in the user's language ("🔀 Swapped scenes 4 and 5")."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.handlers.text import escape
from bot.i18n import t
from bot.studio.applying import Change
from bot.studio.sections import SectionPin

# Values that name something in the catalogs rather than the director's own words.
NAMED_VALUES = {
    "motion": "motion",
    "fit": "fit",
    "transition": "transition",
    "captions": "captions",
}
SWITCH_KEYS = ("switch_on", "switch_off")


def number_list(language: str, numbers: Sequence[int]) -> str:
    """1, 2, 3, 5 as "1–3 and 5" (runs of three or more as ranges)."""
    runs: list[list[int]] = []
    for number in sorted(set(numbers)):
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    parts = [f"{run[0]}–{run[-1]}" if len(run) >= 3 else ", ".join(map(str, run)) for run in runs]
    flat = ", ".join(parts).split(", ")
    if len(flat) == 1:
        return flat[0]
    return f"{', '.join(flat[:-1])} {t(language, 'edit.and')} {flat[-1]}"


def scenes_phrase(language: str, numbers: Sequence[int]) -> str:
    """ "scene 2" or "scenes 2 and 3" in the user's language."""
    key = "edit.scene_one" if len(numbers) == 1 else "edit.scene_many"
    return t(language, key, numbers=number_list(language, numbers))


def section_phrase(language: str, pin_text: str) -> str:
    """ "chorus" or "chorus 2" (a stored SectionPin) in the user's language."""
    pin = SectionPin.parse(pin_text)
    if pin is None:
        return pin_text
    name = t(language, f"section.{pin.kind.value}")
    if pin.occurrence is None:
        return name
    return t(language, "section.nth", name=name, number=pin.occurrence)


def describe_change(language: str, change: Change, style_name: Callable[[str, str], str]) -> str:
    """One line saying what changed."""
    value = change.value
    if change.key in NAMED_VALUES:
        value = t(language, f"{NAMED_VALUES[change.key]}.{value}")
    elif change.key in SWITCH_KEYS:
        value = t(language, f"edit.switch.{value}")
    elif change.key == "style":
        value = style_name(value, language)
    elif change.key == "pinned":
        value = section_phrase(language, value)
    elif change.key == "length" and not value:
        return _line(language, "edit.length_auto", change.numbers, "")
    return _line(language, f"edit.{change.key}", change.numbers, escape(value))


def _line(language: str, key: str, numbers: Sequence[int], value: str) -> str:
    scenes = scenes_phrase(language, numbers) if numbers else ""
    return t(language, key, scenes=scenes, Scenes=scenes[:1].upper() + scenes[1:], value=value)


def describe_changes(
    language: str, changes: Sequence[Change], style_name: Callable[[str, str], str]
) -> str:
    """Every change, a line each."""
    return "\n".join(describe_change(language, change, style_name) for change in changes)
