"""Starting the real bot against the emulators for end-to-end tests."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.app import WECOM_CALLBACK_PATH, DubanApp
from bot.config import Settings
from bot.sandbox.telegram import TelegramEmulator
from bot.sandbox.wecom import WecomEmulator


def settings_for(tmp_path: Path, database_url: str, **values: Any) -> Settings:
    """Settings of a test deployment: no .env, an ephemeral HTTP port, a scratch data folder."""
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=database_url,
        data_dir=tmp_path / "data",
        http_port=0,
        **({"scheduler": False} | values),  # the cadence has its own tests with a moved clock
    )


@dataclass
class World:
    """The bot and the emulated chat services around it."""

    app: DubanApp
    tg: TelegramEmulator
    wecom: WecomEmulator


@asynccontextmanager
async def world(tmp_path: Path, database_url: str, **values: Any) -> AsyncIterator[World]:
    """Both emulators and the bot using them (the database must already be open)."""
    tg, wecom = TelegramEmulator(), WecomEmulator()
    tg_base, wecom_base = await tg.start(), await wecom.start()
    settings = settings_for(
        tmp_path,
        database_url,
        telegram_token=tg.token,
        telegram_api_base=tg_base,
        telegram_bot_username=tg.username,
        wecom_corp_id=wecom.corp_id,
        wecom_agent_id=wecom.agent_id,
        wecom_secret=wecom.secret,
        wecom_token=wecom.token,
        wecom_aes_key=wecom.aes_key,
        wecom_api_base=wecom_base,
        **values,
    )
    app = DubanApp(settings)
    await app.start()
    await asyncio.wait_for(app.linked(), 30)  # both channels in service
    wecom.callback_url = app.url + WECOM_CALLBACK_PATH
    try:
        yield World(app, tg, wecom)
    finally:
        await app.stop()
        await tg.stop()
        await wecom.stop()
