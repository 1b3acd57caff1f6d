"""Logging setup: quiet chatty libraries and redact secrets from every record.

A long step can show one progress bar on the terminal instead of a line per step
(`TerminalProgress`); its lines go to a log file, with every other record.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Never, TextIO

from tqdm import tqdm

# Bot tokens look like 123456789:AA...; they appear in request URLs that httpx logs at INFO.
_TOKEN_PATTERN = re.compile(r"\b\d{5,}:[A-Za-z0-9_-]{20,}\b")
_KEY_PATTERN = re.compile(r"\b(sk-[A-Za-z0-9_-]{8,}|key_[A-Za-z0-9]{16,})\b")
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_BAR = "{desc}{percentage:3.0f}%|{bar}| {elapsed}<{remaining}"

PROGRESS = {"progress": True}
"""`extra=` of a progress line: while a `TerminalProgress` bar shows, only the log file has it."""


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
    handler.setFormatter(logging.Formatter(_FORMAT))
    handler.addFilter(RedactingFilter(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # httpx logs every request URL, and Bot API URLs carry the token.
    # runwayml logs whole request bodies at DEBUG: a still is up to 5 MB of base64 a line.
    for noisy in ("httpx", "httpx2", "httpcore", "apscheduler", "runwayml"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


class _AboveTheBar(logging.Handler):
    """Stands in for a terminal handler while a bar shows: its records print above the bar."""

    def __init__(self, terminal: logging.StreamHandler[TextIO]) -> None:
        super().__init__(terminal.level)
        self.terminal = terminal

    def emit(self, record: logging.LogRecord) -> None:
        if getattr(record, "progress", False) or not self.terminal.filter(record):
            return
        try:
            tqdm.write(self.terminal.format(record), file=self.terminal.stream)
        except Exception:
            self.handleError(record)


def _is_terminal(stream: object) -> bool:
    isatty = getattr(stream, "isatty", None)
    return callable(isatty) and bool(isatty())


class TerminalProgress:
    """One progress bar on the terminal in place of the progress lines, which a log file keeps.

    From its creation until `close` (or 100 %), every record of the root logger also goes to
    `log_file`, redacted as on the terminal. On a terminal, records logged with
    `extra=PROGRESS` go to the file only, while the bar shows their step and percentage, and
    other records print above the bar. Without a terminal (a pipe, a service's log) there is no
    bar and the progress lines print as before.
    """

    def __init__(self, log_file: Path) -> None:
        self.log_file = log_file
        self._bar: tqdm[Never] | None = None
        self._stream: TextIO | None = None
        self._swapped: list[tuple[logging.StreamHandler[TextIO], _AboveTheBar]] = []
        self._closed = False
        root = logging.getLogger()
        log_file.parent.mkdir(parents=True, exist_ok=True)
        self._file = logging.FileHandler(log_file, encoding="utf-8")
        self._file.setFormatter(logging.Formatter(_FORMAT))
        for handler in root.handlers:  # the same redaction as the terminal's
            for log_filter in handler.filters:
                if isinstance(log_filter, RedactingFilter):
                    self._file.addFilter(log_filter)
        terminals = [
            handler
            for handler in root.handlers
            if isinstance(handler, logging.StreamHandler)
            and not isinstance(handler, logging.FileHandler)
            and _is_terminal(handler.stream)
        ]
        root.addHandler(self._file)
        if not terminals:
            return
        self._stream = terminals[0].stream
        for terminal in terminals:
            stand_in = _AboveTheBar(terminal)
            root.removeHandler(terminal)
            root.addHandler(stand_in)
            self._swapped.append((terminal, stand_in))

    def update(self, fraction: float, step: str) -> None:
        """Show `step` at `fraction` (0..1); at 100 % the bar is complete and closes."""
        if self._closed:
            return
        percent = min(100, max(0, round(fraction * 100)))
        if self._bar is None and self._stream is not None:
            self._bar = tqdm(total=100, file=self._stream, bar_format=_BAR, dynamic_ncols=True)
        if self._bar is not None:
            self._bar.set_description(step, refresh=False)
            self._bar.update(percent - self._bar.n)
        if percent == 100:
            self.close()

    def close(self) -> None:
        """Finish the bar, give the terminal back its handlers and close the log file."""
        if self._closed:
            return
        self._closed = True
        if self._bar is not None:
            self._bar.close()
        root = logging.getLogger()
        for terminal, stand_in in self._swapped:
            root.removeHandler(stand_in)
            root.addHandler(terminal)
        root.removeHandler(self._file)
        self._file.close()
