"""Telegram's initData check, against values signed as Telegram documents it."""

from __future__ import annotations

import hashlib
import hmac
import json
from urllib.parse import quote, urlencode

import pytest

from bot.webapp.init_data import (
    InitDataRejected,
    data_check_string,
    secret_key,
    verify_init_data,
)
from tests.support.bot_token import TOKEN
from tests.webapp.helpers import init_data

NOW = 1_800_000_000.0


def test_the_signature_is_the_documented_one() -> None:
    fields = {"auth_date": "1", "user": '{"id":7}', "query_id": "Q"}
    expected_key = hmac.new(b"WebAppData", TOKEN.encode(), hashlib.sha256).digest()
    assert secret_key(TOKEN) == expected_key
    assert data_check_string({**fields, "hash": "x"}) == 'auth_date=1\nquery_id=Q\nuser={"id":7}'
    signature = hmac.new(expected_key, data_check_string(fields).encode(), hashlib.sha256)
    raw = urlencode({**fields, "hash": signature.hexdigest()})
    assert verify_init_data(raw, TOKEN, now=2).id == 7


def test_a_genuine_init_data_names_its_user() -> None:
    raw = init_data(42, first_name="Lê Mai", language="vi", auth_date=NOW - 60)
    user = verify_init_data(raw, TOKEN, NOW)
    assert (user.id, user.first_name, user.language_code) == (42, "Lê Mai", "vi")


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (None, "missing"),
        ("", "missing"),
        ("a=1&a=2&hash=00", "duplicate_field"),
        ("=&&=", "malformed"),
        ("x" * 5000, "too_long"),
        (init_data(42, auth_date=NOW, token="1:other"), "bad_signature"),
        (init_data(42, auth_date=NOW).replace("%3A42", "%3A43"), "bad_signature"),
        (init_data(42, auth_date=NOW) + "&extra=1", "bad_signature"),
        (init_data(42, auth_date=NOW).upper(), "bad_signature"),
        (init_data(42, auth_date=NOW - 86_401), "stale"),
        (init_data(42, auth_date=NOW + 3_600), "from_the_future"),
    ],
)
def test_forged_stale_and_malformed_init_data_are_refused(raw: str | None, reason: str) -> None:
    with pytest.raises(InitDataRejected) as refused:
        verify_init_data(raw, TOKEN, NOW)
    assert refused.value.reason == reason


def test_a_signed_init_data_without_a_user_is_refused() -> None:
    fields = {"auth_date": str(int(NOW)), "chat_type": "private"}
    signature = hmac.new(secret_key(TOKEN), data_check_string(fields).encode(), hashlib.sha256)
    raw = urlencode({**fields, "hash": signature.hexdigest()})
    with pytest.raises(InitDataRejected, match="incomplete"):
        verify_init_data(raw, TOKEN, NOW)


def test_the_signature_covers_the_decoded_values() -> None:
    """Telegram signs the values, not their URL encoding: any valid encoding verifies."""
    user = json.dumps({"id": 9, "first_name": "A&B=C"}, separators=(",", ":"))
    fields = {"auth_date": str(int(NOW)), "user": user}
    signature = hmac.new(secret_key(TOKEN), data_check_string(fields).encode(), hashlib.sha256)
    raw = f"auth_date={int(NOW)}&user={quote(user, safe='')}&hash={signature.hexdigest()}"
    assert verify_init_data(raw, TOKEN, NOW).first_name == "A&B=C"
