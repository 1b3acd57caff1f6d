#!/usr/bin/env bash
# Create .venv and install Pocket Director into it from the lock (requirements/*.txt, written by
# scripts/lock.sh): the bot's pinned set, plus one per extra, then the project itself (editable).
# Usage: scripts/setup.sh [extras], e.g. dev, bench, or dev,bench
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"
python="${PYTHON:-python3}"
if ! "$python" -c 'import sys; assert sys.version_info >= (3, 11)' 2>/dev/null; then
    echo "Pocket Director needs Python 3.11 or newer (found: $("$python" --version 2>&1))." >&2
    exit 1
fi
if [ ! -x .venv/bin/python ]; then
    if ! "$python" -m venv .venv 2>/dev/null; then
        # Debian splits venv/ensurepip into python3-venv.
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
            apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null
            rm -rf .venv && "$python" -m venv .venv
        else
            echo "Please install python3-venv (sudo apt-get install python3-venv)." >&2
            exit 1
        fi
    fi
fi
requirements=(-r requirements/base.txt)
IFS=, read -ra names <<<"$extras"
for name in "${names[@]}"; do
    if [ ! -f "requirements/$name.txt" ] || [ "$name" = base ]; then
        echo "Unknown extra: $name (no requirements/$name.txt; the extras are in pyproject.toml)." >&2
        exit 1
    fi
    requirements+=(-r "requirements/$name.txt")
done
# The lock pins pip too (sqlite-utils needs it): install with that pip.
.venv/bin/python -m pip install --quiet "$(grep -m1 -o '^pip==[^ ;]*' requirements/base.txt || echo pip)"
.venv/bin/python -m pip install --quiet "${requirements[@]}"
.venv/bin/python -m pip install --quiet --no-deps -e .
# librosa's numba functions compile on first use (about 35 s on 2 cores) and cache beside their
# code: compile them once per install, not while the director's first song waits.
warm_marker=.venv/.song-analysis-compiled
if [ "$(cat "$warm_marker" 2>/dev/null)" != "$(sha256sum requirements/base.txt | cut -d' ' -f1)" ]; then
    .venv/bin/python -c "from bot.media import beats; beats.warm_up()"
    sha256sum requirements/base.txt | cut -d' ' -f1 >"$warm_marker"
fi
