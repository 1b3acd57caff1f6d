"""User text made safe and short for HTML replies (no Telegram, no context)."""

from __future__ import annotations

import html


def escape(text: str) -> str:
    """User text made safe inside an HTML reply."""
    return html.escape(text, quote=False)


def short(text: str, limit: int = 60) -> str:
    """A one-line preview of user text, escaped."""
    flat = " ".join(text.split())
    return escape(flat if len(flat) <= limit else flat[: limit - 1] + "…")
