"""Offline reader: accuracy on the phrasings table and on the held-out set, and its speed.

    python bench/reader_accuracy.py            # accuracy, misses, time per message
    python bench/reader_accuracy.py --runs 50  # more timing runs

The table (`tests/words_phrasings.py`) is what the rules were written against; the held-out
set (`bench/reader_heldout.py`) was written before the rules and never tuned on, so its figure
is the honest one. Timing reads every message of both sets `--runs` times, after a warm-up.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.reader_heldout import HELDOUT  # noqa: E402
from bot.studio.reading import Meaning  # noqa: E402
from bot.studio.words import read_words  # noqa: E402
from tests.words_phrasings import PHRASINGS, STYLES  # noqa: E402


def _accuracy(name: str, rows: list[tuple[str, Meaning]]) -> float:
    misses = [(text, want, read_words(text, STYLES)) for text, want in rows]
    misses = [miss for miss in misses if miss[1] != miss[2]]
    share = 1 - len(misses) / len(rows)
    print(f"{name}: {len(rows) - len(misses)}/{len(rows)} right ({share:.1%})")
    for text, want, got in misses:
        print(f"  miss {text!r}\n    want {want}\n    got  {got}")
    return share


def _timing(rows: list[tuple[str, Meaning]], runs: int) -> tuple[float, float]:
    for text, _ in rows:
        read_words(text, STYLES)
    samples: list[float] = []
    for _ in range(runs):
        for text, _ in rows:
            start = time.perf_counter()
            read_words(text, STYLES)
            samples.append(time.perf_counter() - start)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95)]


def main() -> None:
    """Print the accuracy figures and the time per message."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    arguments = parser.parse_args()
    table = _accuracy("table", PHRASINGS)
    heldout = _accuracy("held-out", HELDOUT)
    median, p95 = _timing(PHRASINGS + HELDOUT, arguments.runs)
    print(
        f"table_accuracy={table:.3f} heldout_accuracy={heldout:.3f} "
        f"median_ms={median * 1000:.3f} p95_ms={p95 * 1000:.3f}"
    )


if __name__ == "__main__":
    main()
