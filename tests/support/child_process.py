"""A `python -m bot <verb>` child process in a process group of its own, logging to a file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


class BotChild:
    """The bot's command line run as a child (`run`, `worker`), its output kept in a log file."""

    def __init__(self, verb: str, env: dict[str, str], log_path: Path) -> None:
        self.log_path = log_path
        self._log = log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "--log-level", "INFO", verb],
            env=env,
            cwd=log_path.parent,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def log(self) -> str:
        """What the process wrote so far."""
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def close_log(self) -> None:
        """Close our end of the log file."""
        self._log.close()
