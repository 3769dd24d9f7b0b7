"""A county's first day: ``.env.example`` copied and partly filled, the CLI run as a process.

WeCom only, Telegram only, a wrong Telegram token beside a working WeCom, a database that is
down, a taken port, a second ``duban run``, bad settings: each behaves as the README says, and
no output ever holds a traceback.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bot.sandbox.telegram import TelegramEmulator
from bot.sandbox.wecom import WecomEmulator

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("aiogram", "wechatpy", "matplotlib", "openpyxl", "docx", "segno", "apscheduler")


def example_env(folder: Path, **values: str) -> None:
    """``cp .env.example .env`` and fill ``values`` (names without the DUBAN_ prefix)."""
    lines = []
    filled = {f"DUBAN_{k.upper()}": v for k, v in values.items()}
    filled.setdefault("DUBAN_DATABASE_URL", f"sqlite://{folder / 'duban.sqlite3'}")
    filled.setdefault("DUBAN_HTTP_PORT", "0")
    for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        key = line.lstrip("# ").split("=", 1)[0]
        lines.append(f"{key}={filled.pop(key)}" if "=" in line and key in filled else line)
    lines += [f"{k}={v}" for k, v in filled.items()]
    (folder / ".env").write_text("\n".join(lines) + "\n", encoding="utf-8")


def clean_env() -> dict[str, str]:
    """The test's environment without any DUBAN_ setting: only the .env file speaks."""
    return {k: v for k, v in os.environ.items() if not k.startswith("DUBAN_")}


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err


async def duban(folder: Path, *args: str, **env: str) -> Result:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, cwd=folder, env={**clean_env(), **env},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(), 120)
    result = Result(process.returncode or 0, out.decode(), err.decode())
    assert "Traceback" not in result.text, result.text
    return result


@dataclass
class Running:
    process: asyncio.subprocess.Process
    banner: str
    log: list[str] = field(default_factory=list)  # stderr
    out: list[str] = field(default_factory=list)  # stdout after the banner

    @staticmethod
    async def _first(lines: list[str], words: tuple[str, ...], seconds: float) -> str:
        async with asyncio.timeout(seconds):
            while True:
                for line in lines:
                    if all(w in line for w in words):
                        return line
                await asyncio.sleep(0.05)

    async def wait_log(self, *words: str, seconds: float = 60) -> str:
        """The first log line holding every word (waits for it, never for a time)."""
        return await self._first(self.log, words, seconds)

    async def callback_url(self) -> str:
        """The WeCom callback URL the banner's second line prints."""
        return (await self._first(self.out, ("/wecom/callback",), 30)).split()[-1]


@asynccontextmanager
async def running(folder: Path, **env: str) -> AsyncIterator[Running]:
    """``duban run`` as a process; SIGTERM at the end, which must exit 0 without a traceback."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=folder, env={**clean_env(), **env},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert process.stdout is not None
    assert process.stderr is not None
    banner = (await asyncio.wait_for(process.stdout.readline(), 60)).decode()
    run = Running(process, banner)
    stderr = process.stderr

    async def collect() -> None:
        while line := await stderr.readline():
            run.log.append(line.decode())

    stdout = process.stdout

    async def collect_out() -> None:
        while line := await stdout.readline():
            run.out.append(line.decode())

    reader = asyncio.gather(collect(), collect_out())
    try:
        yield run
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(process.wait(), 60)
        await reader
        output = banner + "".join(run.out + run.log)
        assert "Traceback" not in output, output
        assert code == 0, output


async def test_wecom_only_from_the_example_file(tmp_path: Path, sample_plan: Path) -> None:
    wx = WecomEmulator()
    base = await wx.start()
    example_env(
        tmp_path, wecom_corp_id=wx.corp_id, wecom_agent_id=str(wx.agent_id),
        wecom_secret=wx.secret, wecom_token=wx.token, wecom_aes_key=wx.aes_key,
        wecom_api_base=base,
    )  # fmt: skip
    try:
        first = await duban(tmp_path, "init")
        assert first.code == 0
        assert "已创建" in first.out
        again = await duban(tmp_path, "init")
        assert again.out.strip() == "数据库结构已是最新。"
        doctor = await duban(tmp_path, "doctor")
        assert doctor.code == 0, doctor.text
        assert "· telegram       未配置" in doctor.out
        assert "✓ wecom" in doctor.out
        assert (await duban(tmp_path, "import", str(sample_plan))).code == 0
        code = json.loads((await duban(tmp_path, "invite", "县财政局", "--json")).out)["code"]
        async with running(tmp_path) as run:
            assert "wecom" in run.banner
            assert "telegram" not in run.banner
            wx.callback_url = await run.callback_url()
            wx.member("lisi", "李四")
            assert await wx.user_says("lisi", f"绑定 {code}") == 200
            await wx.wait_for(lambda: any("县财政局" in t for t in wx.texts("lisi")), 30)
    finally:
        await wx.stop()


async def test_telegram_only_from_the_example_file(tmp_path: Path, sample_plan: Path) -> None:
    tg = TelegramEmulator()
    base = await tg.start()
    example_env(tmp_path, telegram_token=tg.token, telegram_api_base=base)
    try:
        assert (await duban(tmp_path, "init")).code == 0
        doctor = await duban(tmp_path, "doctor")
        assert doctor.code == 0, doctor.text
        assert "· wecom          未配置" in doctor.out
        assert f"✓ telegram       @{tg.username}" in doctor.out
        assert (await duban(tmp_path, "import", str(sample_plan))).code == 0
        invite = await duban(tmp_path, "invite", "县发改局")
        assert "t.me/<bot>" not in invite.out
        code = json.loads((await duban(tmp_path, "invite", "县发改局", "--json")).out)["code"]
        async with running(tmp_path) as run:
            assert "telegram" in run.banner
            await run.wait_log("telegram", f"@{tg.username}")
            tg.user(7, "王联络")
            await tg.user_sends(7, f"/start {code}")
            await tg.wait_for(lambda: any("县发改局" in m.text for m in tg.bot_messages(7)), 30)
    finally:
        await tg.stop()


async def test_a_wrong_telegram_token_leaves_wecom_up(tmp_path: Path, sample_plan: Path) -> None:
    tg, wx = TelegramEmulator(), WecomEmulator()
    tg_base, wx_base = await tg.start(), await wx.start()
    example_env(
        tmp_path, telegram_api_base=tg_base,
        telegram_token="123456:not-the-token",  # noqa: S106 - a wrong one
        wecom_corp_id=wx.corp_id, wecom_agent_id=str(wx.agent_id), wecom_secret=wx.secret,
        wecom_token=wx.token, wecom_aes_key=wx.aes_key, wecom_api_base=wx_base,
    )  # fmt: skip
    try:
        assert (await duban(tmp_path, "init")).code == 0
        doctor = await duban(tmp_path, "doctor")
        assert doctor.code == 1
        assert "✗ telegram" in doctor.out
        assert "401" in doctor.out
        assert "✓ wecom" in doctor.out
        malformed = await duban(tmp_path, "doctor", DUBAN_TELEGRAM_TOKEN="not a token")  # noqa: S106
        assert "✗ telegram       DUBAN_TELEGRAM_TOKEN" in malformed.out
        assert (await duban(tmp_path, "import", str(sample_plan))).code == 0
        code = json.loads((await duban(tmp_path, "invite", "县财政局", "--json")).out)["code"]
        async with running(tmp_path) as run:
            wx.callback_url = await run.callback_url()
            line = await run.wait_log("telegram", "401")
            assert line.count("\n") == 1
            wx.member("lisi", "李四")
            assert await wx.user_says("lisi", f"绑定 {code}") == 200
            await wx.wait_for(lambda: any("县财政局" in t for t in wx.texts("lisi")), 30)
            assert run.process.returncode is None  # still serving
            # said once, not at every retry: a 401 is logged again only after another reason
            # (a getMe that timed out on a busy machine) came between
            said = [entry for entry in run.log if "telegram" in entry]
            assert sum("401" in entry for entry in said) >= 1
            assert not any("401" in a and "401" in b for a, b in itertools.pairwise(said))
    finally:
        await tg.stop()
        await wx.stop()


async def test_a_database_that_is_down_is_one_sentence(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens here once closed
    url = f"postgres://root@127.0.0.1:{port}/duban"
    example_env(tmp_path, database_url=url)
    init = await duban(tmp_path, "init")
    assert init.code == 2
    assert init.err.strip() == f"无法连接数据库 127.0.0.1:{port}/duban：connection refused。"
    doctor = await duban(tmp_path, "doctor")
    assert doctor.code == 1
    assert f"✗ database       无法连接 127.0.0.1:{port}/duban" in doctor.out


@pytest.mark.postgres
async def test_a_fresh_postgres_database_is_created_not_current(tmp_path: Path) -> None:
    base = os.environ.get("DUBAN_TEST_POSTGRES_URL")
    if not base:
        pytest.skip("DUBAN_TEST_POSTGRES_URL not set")
    import asyncpg  # noqa: PLC0415 - only with PostgreSQL

    name = f"duban_fresh_{os.getpid()}"
    admin = await asyncpg.connect(base.replace("postgres://", "postgresql://", 1))
    await admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        url = base.rsplit("/", 1)[0] + "/" + name
        example_env(tmp_path, database_url=url)
        before = await duban(tmp_path, "contacts")
        assert before.code == 2
        assert "duban init" in before.err
        created = await duban(tmp_path, "init")
        assert "已创建" in created.out
        assert (await duban(tmp_path, "init")).out.strip() == "数据库结构已是最新。"
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def test_bad_settings_are_one_sentence_each(tmp_path: Path) -> None:
    example_env(tmp_path, wecom_agent_id="abc", timezone="Mars/Olympus")
    result = await duban(tmp_path, "contacts")
    assert result.code == 2
    assert result.err.splitlines() == [
        "DUBAN_TIMEZONE 不是时区（现为“Mars/Olympus”），请写如 Asia/Shanghai。",
        "DUBAN_WECOM_AGENT_ID 应为整数（现为“abc”）。",
    ]


async def test_a_taken_port_and_a_second_run(tmp_path: Path) -> None:
    tg = TelegramEmulator()
    base = await tg.start()
    example_env(tmp_path, telegram_token=tg.token, telegram_api_base=base)
    try:
        assert (await duban(tmp_path, "init")).code == 0
        async with running(tmp_path) as first:
            await first.wait_log("telegram", f"@{tg.username}")
            port = first.banner.split("http://127.0.0.1:", 1)[1].split()[0].rstrip("，,")
            taken = await duban(tmp_path, "run", DUBAN_HTTP_PORT=port)
            assert taken.code == 2
            assert taken.err.count("\n") == 1
            assert port in taken.err
            async with running(tmp_path) as second:
                line = await second.wait_log("telegram-poll", "pid")
                assert str(first.process.pid) in line
                tg.user(8, "赵")
                await tg.user_sends(8, "/help")
                await tg.wait_for(lambda: len(tg.bot_messages(8)) >= 1, 30)
                assert tg.stats["conflict_409"] == 0  # only the first process polls
    finally:
        await tg.stop()


async def test_the_cli_starts_without_heavy_libraries(tmp_path: Path) -> None:
    probe = (
        "import sys, typer\n"
        "from bot.cli import build_app\n"
        "typer.main.get_command(build_app())\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", probe, cwd=ROOT, env=clean_env(),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    assert out.decode().strip() == ""
    example_env(tmp_path)
    # help in the deployment's locale (zh_CN by default), English when asked
    for args, panel in ((["--help"], "命令"), (["-h"], "命令"), (["import", "--help"], "参数")):
        shown = await duban(tmp_path, *args)
        assert shown.code == 0
        assert panel in shown.out
        assert "选项" in shown.out
    assert "导入分工方案" in (await duban(tmp_path, "--help")).out  # a command's own help line
    english = await duban(tmp_path, "--help", DUBAN_DEFAULT_LOCALE="en")
    assert "Commands" in english.out
    assert "Import a task-division plan" in english.out
    version = await duban(tmp_path, "--version")
    assert version.out.startswith("duban ")


class ConnectProxy:
    """A minimal HTTP CONNECT proxy on loopback that counts the tunnels it opened."""

    def __init__(self) -> None:
        self.tunnels = 0
        self.server: asyncio.Server | None = None

    async def start(self) -> int:
        self.server = await asyncio.start_server(self._client, "127.0.0.1", 0)
        return int(self.server.sockets[0].getsockname()[1])

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        method, target = head.split(b" ", 2)[:2]
        if method != b"CONNECT":
            writer.write(b"HTTP/1.1 405 Method Not Allowed\r\n\r\n")
            writer.close()
            return
        host, port = target.decode().rsplit(":", 1)
        up_reader, up_writer = await asyncio.open_connection(host, int(port))
        self.tunnels += 1
        writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            while data := await src.read(65536):
                dst.write(data)
                await dst.drain()
            dst.close()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()


async def test_telegram_through_the_configured_proxy(tmp_path: Path) -> None:
    tg, proxy = TelegramEmulator(), ConnectProxy()
    base, port = await tg.start(), await proxy.start()
    example_env(tmp_path, telegram_token=tg.token, telegram_api_base=base)
    try:
        assert (await duban(tmp_path, "init")).code == 0
        through = await duban(tmp_path, "doctor", DUBAN_TELEGRAM_PROXY=f"http://127.0.0.1:{port}")
        assert f"✓ telegram       @{tg.username}" in through.out
        assert proxy.tunnels >= 1
        refused = await duban(tmp_path, "doctor", DUBAN_TELEGRAM_PROXY="ftp://127.0.0.1:1")
        assert refused.code == 2
        assert "DUBAN_TELEGRAM_PROXY" in refused.err
        assert "ftp://" not in refused.err  # a proxy URL may hold a password: not echoed
    finally:
        await proxy.stop()
        await tg.stop()


async def test_a_wrong_wecom_secret_leaves_telegram_up(tmp_path: Path, sample_plan: Path) -> None:
    tg, wx = TelegramEmulator(), WecomEmulator()
    tg_base, wx_base = await tg.start(), await wx.start()
    example_env(
        tmp_path, telegram_token=tg.token, telegram_api_base=tg_base,
        wecom_corp_id=wx.corp_id, wecom_agent_id=str(wx.agent_id),
        wecom_secret="not-the-secret",  # noqa: S106 - a wrong one
        wecom_token=wx.token, wecom_aes_key=wx.aes_key, wecom_api_base=wx_base,
    )  # fmt: skip
    try:
        assert (await duban(tmp_path, "init")).code == 0
        doctor = await duban(tmp_path, "doctor")
        assert doctor.code == 1
        assert "✗ wecom" in doctor.out
        assert "40001" in doctor.out
        wrong_corp = await duban(tmp_path, "doctor", DUBAN_WECOM_CORP_ID="ww-other")
        assert "40013" in wrong_corp.out
        assert (await duban(tmp_path, "import", str(sample_plan))).code == 0
        code = json.loads((await duban(tmp_path, "invite", "县发改局", "--json")).out)["code"]
        async with running(tmp_path) as run:
            await run.wait_log("wecom", "40001")
            await run.wait_log("telegram", f"@{tg.username}")
            tg.user(7, "王联络")
            await tg.user_sends(7, f"/start {code}")
            await tg.wait_for(lambda: any("县发改局" in m.text for m in tg.bot_messages(7)), 30)
            assert run.process.returncode is None
    finally:
        await tg.stop()
        await wx.stop()
