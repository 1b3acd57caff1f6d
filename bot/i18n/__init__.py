"""Message catalogs: every text the bot sends, per language, in `<lang>.toml` files."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

DEFAULT_LANGUAGE = "en"


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = str(value)
    return flat


@cache
def catalogs() -> dict[str, dict[str, str]]:
    """Every catalog shipped with the bot, keyed by language code."""
    folder = resources.files("bot.i18n")
    found: dict[str, dict[str, str]] = {}
    for entry in folder.iterdir():
        if entry.name.endswith(".toml"):
            found[entry.name.removesuffix(".toml")] = _flatten(
                tomllib.loads(entry.read_text(encoding="utf-8"))
            )
    return found


def languages() -> tuple[str, ...]:
    """Language codes we have catalogs for."""
    return tuple(sorted(catalogs()))


def t(language: str, key: str, **params: object) -> str:
    """The message `key` in `language` (falling back to English), with `{params}` filled in."""
    catalog = catalogs().get(language) or catalogs()[DEFAULT_LANGUAGE]
    template = catalog.get(key) or catalogs()[DEFAULT_LANGUAGE][key]
    return template.format_map(_Params(params)) if params else template


class _Params(dict[str, object]):
    """Format parameters where a missing one shows as an ellipsis instead of failing a reply."""

    def __missing__(self, key: str) -> str:
        return "…"
