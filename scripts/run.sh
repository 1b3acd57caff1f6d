#!/usr/bin/env bash
# Set up and run the bot (or, without TELEGRAM_BOT_TOKEN, render the offline demo).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/pocket-director run
