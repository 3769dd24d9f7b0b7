"""``python -m bot``: the same as the ``duban`` command."""

from bot.cli import main

main()
