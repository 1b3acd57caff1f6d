"""The benchmarks run from the venv that scripts/run.sh makes: no test or bench tools needed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Modules of the dev extra (and moviepy, the bench extra, loaded only by the naive variant):
# importing the benchmarks must not need any of them.
ABSENT = ("pytest", "_pytest", "pytest_asyncio", "pytest_timeout", "av", "mypy", "moviepy")
IMPORT_BENCHMARKS = f"""
import sys
for name in {ABSENT!r}:
    sys.modules[name] = None  # makes `import name` fail
import bench.load, bench.render, bench.render_variants, bench.instructions, bench.reader_accuracy
import bench.beats
import bench.webapp
"""


@pytest.mark.slow  # a fresh interpreter imports the whole bot
def test_the_benchmarks_import_without_the_dev_or_bench_extras() -> None:
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_BENCHMARKS],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
