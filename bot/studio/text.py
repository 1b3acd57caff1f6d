"""User text: cleaned (NFC, no control characters), checked against its limit, languages."""

from __future__ import annotations

import unicodedata

from bot.errors import InputRejected

SUPPORTED_LANGUAGES = ("en", "vi")


def language_for(language_code: str | None) -> str:
    """Our catalog language for a Telegram `language_code`."""
    code = (language_code or "en").split("-")[0].lower()
    return code if code in SUPPORTED_LANGUAGES else "en"


def clean_text(text: str) -> str:
    """NFC-normalise and trim user text; drop control characters."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(c for c in text if c in "\n\t" or unicodedata.category(c)[0] != "C")
    return " ".join(text.split())


def checked_text(text: str, limit: int, too_long_key: str) -> str:
    """Cleaned user text, refused when it is empty or longer than `limit`."""
    cleaned = clean_text(text)
    if not cleaned:
        raise InputRejected("error.empty_idea")
    if len(cleaned) > limit:
        raise InputRejected(too_long_key, limit=limit)
    return cleaned
