"""The one file-name sanitiser: for names users sent, and names made from their titles."""

from __future__ import annotations

from bot.studio.text import clean_text

# Characters some systems refuse in file names (folders are cut off before).
_UNSAFE = frozenset('<>:"|?*')


def safe_file_name(name: str | None, limit: int) -> str:
    """A name fit to show and to save as: no folders, no control characters, at most `limit`
    characters ("" when nothing is left)."""
    if not name:
        return ""
    name = clean_text(name).replace("\\", "/").rsplit("/", 1)[-1]
    return "".join("_" if c in _UNSAFE else c for c in name)[:limit].strip()
