"""The bot token that tests and benchmarks give the Bot API emulator (no pytest here)."""

from __future__ import annotations

# Shaped like a real token so the log-redaction test is meaningful.
TOKEN = "123456789:AAtest-token-for-the-emulator_0123456"
