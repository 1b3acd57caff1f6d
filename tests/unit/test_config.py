"""Settings read from the environment: limits that follow Telegram's, and overrides."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.config import Settings

MB = 1024 * 1024


@pytest.mark.parametrize(
    ("environment", "limit"),
    [
        ({}, 49 * MB),
        ({"TELEGRAM_LOCAL_MODE": "true"}, 1999 * MB),
        ({"UPLOAD_LIMIT_MB": "10"}, 10 * MB - MB // 2),
        ({"UPLOAD_LIMIT_MB": "500"}, 49 * MB),  # never above what Telegram accepts
        ({"UPLOAD_LIMIT_MB": ""}, 49 * MB),
    ],
)
def test_the_upload_limit_keeps_headroom_under_telegrams(
    monkeypatch: pytest.MonkeyPatch, environment: dict[str, str], limit: int
) -> None:
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert Settings(_env_file=None).upload_limit == limit  # type: ignore[call-arg]


def test_a_zero_upload_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UPLOAD_LIMIT_MB", "0")
    with pytest.raises(ValueError, match="upload_limit_mb"):
        Settings(_env_file=None)  # type: ignore[call-arg]


def _environment_name(field_name: str) -> str:
    alias = Settings.model_fields[field_name].validation_alias
    return alias.upper() if isinstance(alias, str) else field_name.upper()


def test_every_setting_is_in_the_example_environment_file() -> None:
    example = (Path(__file__).parents[2] / ".env.example").read_text(encoding="utf-8")
    listed = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", example, flags=re.MULTILINE))
    missing = {_environment_name(name) for name in Settings.model_fields} - listed
    assert not missing, f"add these to .env.example: {sorted(missing)}"
