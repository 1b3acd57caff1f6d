"""Style presets: how a project looks (data, loaded from prompts/styles.toml)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Grade:
    """Colour grade applied to photos in the offline look."""

    saturation: float = 1.0
    contrast: float = 1.0
    brightness: float = 1.0
    warmth: float = 0.0
    tint: tuple[int, int, int] | None = None
    tint_strength: float = 0.0
    vignette: float = 0.0
    grain: float = 0.0


@dataclass(frozen=True)
class StylePreset:
    """A named look with the prompt text AI image models get and the offline grade."""

    key: str
    names: dict[str, str]
    prompt: str
    grade: Grade
    card_colors: tuple[tuple[int, int, int], tuple[int, int, int]]

    def name(self, language: str) -> str:
        """The preset's name in the user's language."""
        return self.names.get(language) or self.names.get("en") or self.key
