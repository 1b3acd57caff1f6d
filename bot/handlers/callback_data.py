"""Callback data: `verb:argument`, at most 64 bytes, parsed as untrusted input."""

from __future__ import annotations

from collections.abc import Collection

MAX_BYTES = 64


def encode(verb: str, argument: str | int) -> str:
    """Build callback data; refuse anything Telegram would reject."""
    data = f"{verb}:{argument}"
    if len(data.encode()) > MAX_BYTES:
        raise ValueError("callback data over 64 bytes")
    return data


def parse_int_argument(data: str | None, verb: str) -> int | None:
    """The integer argument of `verb:N`, or None when the data is malformed."""
    if not data or not data.startswith(f"{verb}:"):
        return None
    argument = data.split(":", 1)[1]
    if not argument.isdigit() or len(argument) > 18:
        return None
    return int(argument)


def parse_id_action(
    data: str | None, verb: str, actions: Collection[str]
) -> tuple[int, str] | None:
    """`verb:N:action` as (N, action), or None when malformed or the action is unknown."""
    head, _, action = (data or "").rpartition(":")
    if action not in actions:
        return None
    target = parse_int_argument(head, verb)
    return None if target is None else (target, action)


def parse_id_pair(data: str | None, verb: str) -> tuple[int, int] | None:
    """`verb:N:M` as (N, M), or None when malformed."""
    head, _, second = (data or "").rpartition(":")
    first = parse_int_argument(head, verb)
    last = parse_int_argument(f"{verb}:{second}", verb)
    return None if first is None or last is None else (first, last)
