"""`python -m bot` is `pocket-director`."""

from bot.cli import main

main()
