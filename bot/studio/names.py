"""The one file-name sanitiser: for names users sent, and names made from their titles."""

from __future__ import annotations

from bot.studio.text import clean_text

# Characters some systems refuse in file names (folders are cut off before).
_UNSAFE = frozenset('<>:"|?*')


def title_file_name(title: str, limit: int) -> str:
    """A file name made from a title: its slashes are words of the title, not folders
    ("" when the title holds no letter or digit)."""
    if not any(c.isalnum() for c in title):
        return ""
    return safe_file_name(title.replace("/", "-").replace("\\", "-"), limit)


def safe_file_name(name: str | None, limit: int) -> str:
    """A name fit to show and to save as: no folders, no control characters, at most `limit`
    characters ("" when nothing is left)."""
    if not name:
        return ""
    name = clean_text(name).replace("\\", "/").rsplit("/", 1)[-1]
    return "".join("_" if c in _UNSAFE else c for c in name)[:limit].strip()
