#!/usr/bin/env bash
# Install the Debian packages listed in scripts/system-packages.txt that are not installed yet
# (apt-get as root, or through sudo). Nothing to do when the list is empty or all are present.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t wanted < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' scripts/system-packages.txt | grep -v '^$' || true)
missing=()
for package in "${wanted[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ]; then
    sudo=()
elif command -v sudo >/dev/null; then
    sudo=(sudo)
else
    echo "The tests need these Debian packages: ${missing[*]} (run as root, or install sudo)." >&2
    exit 1
fi
echo "Installing Debian packages for the tests: ${missing[*]}"
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
