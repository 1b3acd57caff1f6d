"""The demo's progress: one bar on a terminal, its lines in the log file only, secrets redacted."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.logs import PROGRESS, TerminalProgress, setup_logging

SECRET = "sk-demo-secret-0123456789"
logger = logging.getLogger("bot.demo")


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def root_logging() -> Iterator[logging.StreamHandler[io.StringIO]]:
    """The bot's logging setup, its terminal handler writing to a buffer; restored after."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    setup_logging("INFO", [SECRET])
    (terminal,) = root.handlers
    assert isinstance(terminal, logging.StreamHandler)
    yield terminal
    root.handlers[:], root.level = saved


def render(progress: TerminalProgress) -> None:
    for percent in (0, 40, 80, 100):
        if percent == 40:
            logger.info("Scene 1: still made with key %s", SECRET)
        logger.info("%s %3d%%", "render", percent, extra=PROGRESS)
        progress.update(percent / 100, "render")


def test_a_terminal_shows_one_bar_and_the_log_file_keeps_the_lines(
    root_logging: logging.StreamHandler[io.StringIO], tmp_path: Path
) -> None:
    screen = FakeTerminal()
    root_logging.setStream(screen)
    log_file = tmp_path / "out" / "demo.log"
    render(TerminalProgress(log_file))

    shown = screen.getvalue()
    assert "bot.demo: render" not in shown, "a progress line reached the terminal"
    assert shown.count("\n") == 2, "more than the bar and one record"
    assert shown.endswith("render: 100%|##########| 00:00<00:00\n")
    assert "Scene 1: still made" in shown and SECRET not in shown
    kept = log_file.read_text(encoding="utf-8")
    assert [line.split(": ", 1)[1] for line in kept.splitlines()] == [
        "render   0%",
        "Scene 1: still made with key [REDACTED]",
        "render  40%",
        "render  80%",
        "render 100%",
    ]
    handlers = logging.getLogger().handlers
    assert root_logging in handlers, "the terminal handler is not back"
    assert not [h for h in handlers if isinstance(h, logging.FileHandler)], "the file is open"
    logger.info("after the render")
    assert "after the render" in screen.getvalue()
    assert "after the render" not in log_file.read_text(encoding="utf-8")


def test_without_a_terminal_the_progress_lines_print_as_before(
    root_logging: logging.StreamHandler[io.StringIO], tmp_path: Path
) -> None:
    piped = io.StringIO()
    root_logging.setStream(piped)
    render(TerminalProgress(tmp_path / "demo.log"))
    lines = [line.split(": ", 1)[1] for line in piped.getvalue().splitlines()]
    assert lines == [
        "render   0%",
        "Scene 1: still made with key [REDACTED]",
        "render  40%",
        "render  80%",
        "render 100%",
    ]
    assert (tmp_path / "demo.log").read_text(encoding="utf-8").count("render") == 4
