#!/usr/bin/env bash
# Update the lock, on purpose: resolve pyproject.toml's dependencies once, for every extra,
# Python 3.11+ and every platform (uv's universal resolution; Linux x86_64 and aarch64 must have
# wheels), into uv.lock; then write requirements/*.txt, the pinned sets that scripts/setup.sh and
# the Dockerfile install. Pins that still fit pyproject.toml are kept unless asked otherwise:
#   bash scripts/lock.sh                            # after editing pyproject.toml
#   bash scripts/lock.sh --upgrade-package openai   # one package to its newest allowed version
#   bash scripts/lock.sh --upgrade                  # every package
set -euo pipefail
cd "$(dirname "$0")/.."
uv_version=0.13.9
python="${PYTHON:-python3}"
tools=.venv-lock # uv itself, apart from the project's .venv
if [ "$("$tools/bin/uv" --version 2>/dev/null | cut -d' ' -f2)" != "$uv_version" ]; then
    rm -rf "$tools"
    "$python" -m venv "$tools"
    "$tools/bin/python" -m pip install --quiet "uv==$uv_version"
fi
uv="$tools/bin/uv"
"$uv" lock "$@"
for set in base dev bench; do
    extra=()
    [ "$set" = base ] || extra=(--extra "$set")
    {
        echo "# The pinned '$set' set, exported from uv.lock by scripts/lock.sh: do not edit by hand."
        "$uv" export --quiet --frozen --no-header --no-hashes --no-emit-project "${extra[@]}"
    } >"requirements/$set.txt"
done
echo "uv.lock and requirements/*.txt updated: review the diff, run bash scripts/test.sh, commit."
