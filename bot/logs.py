"""Logging setup: quiet chatty libraries and redact secrets from every record."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

# Bot tokens look like 123456789:AA...; they appear in request URLs that httpx logs at INFO.
_TOKEN_PATTERN = re.compile(r"\b\d{5,}:[A-Za-z0-9_-]{20,}\b")
_KEY_PATTERN = re.compile(r"\b(sk-[A-Za-z0-9_-]{8,}|key_[A-Za-z0-9]{16,})\b")


class RedactingFilter(logging.Filter):
    """Replaces known secrets and anything shaped like a token with a placeholder."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self._secrets = [secret for secret in secrets if secret]

    def redact(self, text: str) -> str:
        """Return `text` with every secret removed."""
        for secret in self._secrets:
            text = text.replace(secret, "[REDACTED]")
        text = _TOKEN_PATTERN.sub("[REDACTED]", text)
        return _KEY_PATTERN.sub("[REDACTED]", text)

    def filter(self, record: logging.LogRecord) -> bool:
        """Render the message once, redacted, so arguments cannot leak a secret."""
        message = record.getMessage()
        record.msg = self.redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        return True


def setup_logging(level: str = "INFO", secrets: Iterable[str] = ()) -> None:
    """Configure the root logger with redaction on every handler."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # httpx logs every request URL, and Bot API URLs carry the token.
    for noisy in ("httpx", "httpx2", "httpcore", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
