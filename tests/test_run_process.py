"""``duban run`` as a real process against the emulators: start, converse, stop on SIGTERM."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from pathlib import Path

from bot.sandbox.telegram import TelegramEmulator
from bot.sandbox.wecom import WecomEmulator


async def duban(env: dict[str, str], *args: str) -> str:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    return out.decode()


async def test_run_serves_both_channels_until_sigterm(tmp_path: Path, sample_plan: Path) -> None:
    tg, wx = TelegramEmulator(), WecomEmulator()
    tg_base, wx_base = await tg.start(), await wx.start()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DUBAN_")}
    env.update(
        DUBAN_DATABASE_URL=f"sqlite://{tmp_path / 'run.sqlite3'}",
        DUBAN_DATA_DIR=str(tmp_path / "data"),
        DUBAN_HTTP_PORT="0",
        DUBAN_TELEGRAM_TOKEN=tg.token,
        DUBAN_TELEGRAM_API_BASE=tg_base,
        DUBAN_WECOM_CORP_ID=wx.corp_id,
        DUBAN_WECOM_AGENT_ID=str(wx.agent_id),
        DUBAN_WECOM_SECRET=wx.secret,
        DUBAN_WECOM_TOKEN=wx.token,
        DUBAN_WECOM_AES_KEY=wx.aes_key,
        DUBAN_WECOM_API_BASE=wx_base,
        PYTHONUNBUFFERED="1",
    )
    process: asyncio.subprocess.Process | None = None
    try:
        await duban(env, "import", str(sample_plan))
        tg_code = json.loads(await duban(env, "invite", "县发改局", "--json"))["code"]
        wx_code = json.loads(await duban(env, "invite", "县财政局", "--json"))["code"]
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", env=env, cwd=tmp_path,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        assert process.stdout is not None
        banner = (await asyncio.wait_for(process.stdout.readline(), 30)).decode()
        assert "telegram, wecom" in banner
        callback = (await asyncio.wait_for(process.stdout.readline(), 30)).decode().split()[-1]
        wx.callback_url = callback
        tg.user(7, "王联络")
        wx.member("lisi", "李四")
        await tg.user_sends(7, f"/start {tg_code}")
        assert await wx.user_says("lisi", f"绑定 {wx_code}") == 200
        await tg.wait_for(lambda: any("县发改局" in m.text for m in tg.bot_messages(7)), 30)
        await wx.wait_for(lambda: any("县财政局" in t for t in wx.texts("lisi")), 30)
        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), 30) == 0
    finally:
        if process is not None and process.returncode is None:  # no bot left running
            process.kill()
            await process.wait()
        await tg.stop()
        await wx.stop()


async def test_run_refuses_without_a_channel(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DUBAN_")}
    env["DUBAN_DATABASE_URL"] = f"sqlite://{tmp_path / 'x.sqlite3'}"
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", env=env, cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, err = await process.communicate()
    assert process.returncode == 2
    assert "DUBAN_TELEGRAM_TOKEN" in err.decode()
