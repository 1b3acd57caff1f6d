"""Telegram's signed `initData`: who opened the Mini App, checked as Telegram documents it.

secret_key = HMAC_SHA256(key="WebAppData", msg=bot_token); the data-check-string is every
received field but `hash`, as `key=value` lines sorted by key; `hash` must be the hex
HMAC_SHA256(key=secret_key, msg=data_check_string). An `auth_date` older than `max_age` is
refused, so a leaked initData stops working within a day.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from urllib.parse import parse_qsl

MAX_AGE_SECONDS = 24 * 60 * 60
MAX_INIT_DATA_CHARS = 4096
# A client clock a little ahead of ours is no forgery.
FUTURE_SKEW_SECONDS = 5 * 60


class InitDataRejected(Exception):
    """The initData is missing, malformed, forged or stale (`reason` says which, for logs)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


@dataclass(frozen=True)
class WebAppUser:
    """The Telegram user the initData vouches for."""

    id: int
    first_name: str
    language_code: str | None
    auth_date: int


def secret_key(bot_token: str) -> bytes:
    """The key initData is signed with: HMAC-SHA256 of the bot token, keyed "WebAppData"."""
    return hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()


def data_check_string(fields: dict[str, str]) -> str:
    """Every field but `hash`, as sorted `key=value` lines."""
    return "\n".join(f"{key}={fields[key]}" for key in sorted(fields) if key != "hash")


def sign(fields: dict[str, str], bot_token: str) -> str:
    """The `hash` Telegram would put on these fields (for tests and the demo's stub)."""
    message = data_check_string(fields).encode()
    return hmac.new(secret_key(bot_token), message, hashlib.sha256).hexdigest()


def _fields(raw: str) -> dict[str, str]:
    try:
        pairs = parse_qsl(raw, keep_blank_values=True, strict_parsing=True)
    except ValueError as error:
        raise InitDataRejected("malformed") from error
    fields = dict(pairs)
    if len(fields) != len(pairs):
        raise InitDataRejected("duplicate_field")
    return fields


def verify_init_data(
    raw: str | None, bot_token: str, now: float, max_age: float = MAX_AGE_SECONDS
) -> WebAppUser:
    """The user of a genuine, fresh initData; InitDataRejected otherwise."""
    if not raw:
        raise InitDataRejected("missing")
    if len(raw) > MAX_INIT_DATA_CHARS:
        raise InitDataRejected("too_long")
    fields = _fields(raw)
    received = fields.get("hash", "")
    if not hmac.compare_digest(sign(fields, bot_token), received):
        raise InitDataRejected("bad_signature")
    try:
        auth_date = int(fields["auth_date"])
        user = json.loads(fields["user"])
        user_id = int(user["id"])
    except (KeyError, ValueError, TypeError) as error:
        raise InitDataRejected("incomplete") from error
    if now - auth_date > max_age:
        raise InitDataRejected("stale")
    if auth_date - now > FUTURE_SKEW_SECONDS:
        raise InitDataRejected("from_the_future")
    language = user.get("language_code")
    return WebAppUser(
        id=user_id,
        first_name=str(user.get("first_name", "")),
        language_code=language if isinstance(language, str) else None,
        auth_date=auth_date,
    )
