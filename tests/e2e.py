"""Starting the real bot against the emulators for end-to-end tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from bot.app import DubanApp
from bot.config import Settings
from bot.sandbox.telegram import TelegramEmulator


def settings_for(tmp_path: Path, database_url: str, **values: Any) -> Settings:
    """Settings of a test deployment: no .env, an ephemeral HTTP port, a scratch data folder."""
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=database_url,
        data_dir=tmp_path / "data",
        http_port=0,
        **values,
    )


@asynccontextmanager
async def telegram_world(
    tmp_path: Path, database_url: str, **values: Any
) -> AsyncIterator[tuple[TelegramEmulator, DubanApp]]:
    """A Telegram emulator and the bot polling it (the database must already be open)."""
    emulator = TelegramEmulator()
    base = await emulator.start()
    app = DubanApp(
        settings_for(
            tmp_path,
            database_url,
            telegram_token=emulator.token,
            telegram_api_base=base,
            telegram_bot_username=emulator.username,
            **values,
        )
    )
    await app.start()
    try:
        yield emulator, app
    finally:
        await app.stop()
        await emulator.stop()
