"""CLI command groups; ``bot/cli.py`` assembles them into the ``duban`` command."""
