"""Load style presets from the `prompts` package data."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any

from bot.studio.styles import Grade, StylePreset


def _color(value: Any) -> tuple[int, int, int]:
    red, green, blue = (int(part) for part in value)
    return (red, green, blue)


def _preset(key: str, table: dict[str, Any]) -> StylePreset:
    grade = dict(table.get("grade", {}))
    if "tint" in grade:
        grade["tint"] = _color(grade["tint"])
    first, second = table["card"]
    return StylePreset(
        key=key,
        names={k.removeprefix("name_"): v for k, v in table.items() if k.startswith("name_")},
        prompt=table["prompt"],
        grade=Grade(**grade),
        card_colors=(_color(first), _color(second)),
    )


@cache
def load_styles() -> dict[str, StylePreset]:
    """Every preset in prompts/styles.toml, in file order."""
    text = resources.files("prompts").joinpath("styles.toml").read_text(encoding="utf-8")
    return {key: _preset(key, table) for key, table in tomllib.loads(text).items()}
