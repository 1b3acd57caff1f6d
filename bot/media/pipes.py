"""Moving frame bytes between the decoder's and the encoder's pipes.

A footage frame with nothing drawn on it needs no trip through Python: `os.splice` moves it
from the decoder's stdout to the encoder's stdin inside the kernel (page references, no copy).
Where a caption covers a few rows, only those rows are read, blended and written.
"""

from __future__ import annotations

import os

CAN_SPLICE = hasattr(os, "splice")  # Linux only


class PipeBroken(OSError):
    """The source ended in the middle of a frame: what was sent so far is not a whole frame."""


def splice_exactly(source: int, target: int, count: int) -> None:
    """Move `count` bytes from pipe `source` to pipe `target`; PipeBroken if `source` ends."""
    while count > 0:
        moved = os.splice(source, target, count)
        if moved == 0:
            raise PipeBroken(f"source ended {count} bytes short")
        count -= moved


def read_exactly(source: int, buffer: memoryview) -> None:
    """Fill `buffer` from `source`; PipeBroken if it ends first."""
    filled = 0
    while filled < len(buffer):
        count = os.readv(source, [buffer[filled:]])
        if count == 0:
            raise PipeBroken(f"source ended {len(buffer) - filled} bytes short")
        filled += count


def write_all(target: int, data: memoryview) -> None:
    """Write every byte of `data` to `target`."""
    sent = 0
    while sent < len(data):
        sent += os.write(target, data[sent:])
