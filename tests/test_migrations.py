"""The committed migrations describe exactly the current models."""

from __future__ import annotations

from tortoise.context import TortoiseContext
from tortoise.migrations.autodetector import MigrationAutodetector

from bot.storage.db import tortoise_config


async def test_models_and_migrations_agree(tmp_path: object) -> None:
    config = tortoise_config(f"sqlite://{tmp_path}/x.sqlite3")
    async with TortoiseContext() as ctx:
        await ctx.init(config=config)
        assert ctx.apps is not None
        detector = MigrationAutodetector(ctx.apps, config["apps"])
        changes = await detector.changes()
    assert not any(changes.values()) if isinstance(changes, dict) else not changes, (
        "models changed without a migration: run `make migrations`"
    )


def test_no_table_description_holds_a_semicolon() -> None:
    """tortoise's SQLite migration runner splits a script on ";", so a model's docstring (its
    table comment) with one breaks ``duban init`` on SQLite."""
    from tortoise import Model  # noqa: PLC0415

    from bot.storage import models  # noqa: PLC0415

    found = [
        name
        for name, value in vars(models).items()
        if isinstance(value, type) and issubclass(value, Model) and ";" in (value.__doc__ or "")
    ]
    assert found == [], f"use a comma, not a semicolon, in the docstring of {found}"
