"""``duban demo``: the offline tour on a throw-away database (grows with each capability).

Everything runs for real — the bot, its inbox and outbox, the Telegram and WeCom emulators —
only the people are simulated (``bot.sandbox.scenario``).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path
from zoneinfo import ZoneInfo

import typer
from pydantic import SecretStr
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from bot.app import WECOM_CALLBACK_PATH, DubanApp
from bot.commands.plans import register_view
from bot.commands.runtime import Runtime, runtime
from bot.domain.cadence import Cadence, month_schedule
from bot.domain.messages import N_, msg
from bot.domain.reporting import Month, Quarter, Status
from bot.domain.text import shorten
from bot.importers import read_plan_bytes
from bot.render.digest import digest_text, digest_title
from bot.render.register import RegisterTable, register_table, write_xlsx
from bot.sandbox import scenario
from bot.sandbox.telegram import TelegramEmulator
from bot.sandbox.wecom import WecomEmulator
from bot.services.binding import Role, create_invite
from bot.services.cadence import run_reminders
from bot.services.dispatch import dispatch
from bot.services.exports import export_month
from bot.services.plans import import_plan
from bot.services.publish import post_digest
from bot.services.quarterly import quarter_period, quarter_text, write_materials
from bot.services.records import month_period, period_reports
from bot.services.summary_flow import quarter_rows, run_quarter
from bot.storage.db import open_database, upgrade_schema
from bot.storage.register import latest_plan, load_tasks, plan_meta

SAMPLE_PLAN = "sample_plan.md"
PERIOD = Month(2026, 12)  # a quarter-end month: the quarterly summaries run too
QUARTER = Quarter(2026, 4)
GROUP = -1001
TIMEZONE = ZoneInfo("Asia/Shanghai")
PHOTO = b"\xff\xd8\xff\xe0" + b"demo-photo" * 200
TG_REPLY = scenario.Reply(
    "推进中",
    "60",
    "完成供电、供水、供气报装流程再造，平均办理时限压缩至3个工作日。",
    PHOTO,
    task="4",
)
WX_REPLY = scenario.Reply("滞后", "30", "惠企资金拨付进度滞后，已协调县财政加快审核。")


def demo_clock() -> Callable[[], datetime]:
    """The demo's time: the morning after December's dispatch, running at real speed."""
    start = month_schedule(PERIOD, Cadence(), TIMEZONE).dispatch_at + timedelta(hours=1)
    began = time.monotonic()
    return lambda: (start + timedelta(seconds=time.monotonic() - began)).astimezone(UTC)


def _write_register(table: RegisterTable, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    write_xlsx(table, target)


def register(app: typer.Typer) -> None:
    """Attach ``demo`` to the ``duban`` app."""
    app.command("demo")(demo)


def sample_plan_bytes() -> bytes:
    """The bundled sample plan (a county 分工方案 in the usual Markdown-table form)."""
    return resources.files("bot.data").joinpath(SAMPLE_PLAN).read_bytes()


def demo(
    ctx: typer.Context,
    output: Path = typer.Option(Path("demo-output"), help="Where the demo writes its files"),
) -> None:
    """Import the sample plan, bind contacts on both channels, dispatch, collect replies."""
    rt = runtime(ctx)
    if rt.settings.log_level.upper() == "INFO":
        logging.getLogger().setLevel(logging.WARNING)  # the tour speaks for itself
    with tempfile.TemporaryDirectory(prefix="duban-demo-") as folder:
        rt.run(_tour(rt, Path(folder), output))
        files = sorted(p.name for p in output.iterdir())
        rt.out.print(
            rt.say(
                msg(
                    N_("The files are in {folder}: {files}"),
                    folder=str(output.resolve()),
                    files=", ".join(files),
                )
            ),
            soft_wrap=True,
        )


async def _tour(rt: Runtime, folder: Path, output: Path) -> None:
    url = f"sqlite://{folder / 'demo.sqlite3'}"
    data = sample_plan_bytes()
    rt.out.print(Rule(rt.say(msg(N_("1. Import the sample plan")))))
    parsed = read_plan_bytes(data, name=SAMPLE_PLAN, max_bytes=rt.settings.import_max_bytes)
    await upgrade_schema(url)
    async with open_database(url):
        outcome = await import_plan(
            parsed, source_name=SAMPLE_PLAN, sha256=hashlib.sha256(data).hexdigest(), actor="demo"
        )
        plan = await latest_plan(outcome.plan_id)
        assert plan is not None
        tasks = await load_tasks(plan.id)
        rt.out.print(register_view(rt, plan_meta(plan), tasks))
        for warning in parsed.warnings:
            rt.out.print("⚠ " + rt.say(warning), markup=False)
        await _conversations(rt, folder, url, output)
        rt.out.print(Rule(rt.say(msg(N_("7. Export the register")))))
        target = output / "register.xlsx"
        table = register_table(plan_meta(plan), tasks, list(plan.columns), dict(plan.headers))
        await asyncio.to_thread(_write_register, table, target)
    rt.out.print(
        rt.say(
            msg(
                N_("{count} tasks of “{title}” imported; the register is in {path}."),
                count=len(tasks),
                title=plan.title,
                path=str(target.resolve()),
            )
        ),
        soft_wrap=True,
    )


async def _conversations(rt: Runtime, folder: Path, url: str, output: Path) -> None:
    tg, wx = TelegramEmulator(), WecomEmulator()
    settings = rt.settings.model_copy(
        update={
            "database_url": url,
            "data_dir": folder / "data",
            "http_host": "127.0.0.1",
            "http_port": 0,
            "telegram_token": SecretStr(tg.token),
            "telegram_api_base": await tg.start(),
            "telegram_bot_username": tg.username,
            "telegram_webhook_url": None,
            "scheduler": False,  # the demo drives the cycle itself
            "wecom_corp_id": wx.corp_id,
            "wecom_agent_id": wx.agent_id,
            "wecom_secret": SecretStr(wx.secret),
            "wecom_token": SecretStr(wx.token),
            "wecom_aes_key": SecretStr(wx.aes_key),
            "wecom_api_base": await wx.start(),
        }
    )
    app = DubanApp(settings, clock=demo_clock())
    await app.start()
    wx.callback_url = app.url + WECOM_CALLBACK_PATH
    try:
        rt.out.print(Rule(rt.say(msg(N_("2. Bind contacts: Telegram and WeCom")))))
        now = app.clock()
        tg.user(1001, "王联络（县发改局）")
        tg.user(1002, "李局长（县发改局）")
        tg.user(1003, "刘秘书（秘书组）")
        tg.group(GROUP, "县营商办秘书组")
        wx.member("zhangsan", "张三（县财政局）")
        tg_code = await create_invite("县发改局", Role.REPORTER, now=now, locale="zh_CN")
        leader_code = await create_invite("县发改局", Role.LEADER, now=now, locale="zh_CN")
        group_code = await create_invite(None, Role.SECRETARIAT, now=now, locale="zh_CN")
        wx_code = await create_invite("县财政局", Role.REPORTER, now=now, locale="zh_CN")
        await scenario.telegram_contact_binds(tg, 1001, tg_code.code)
        await scenario.telegram_contact_binds(tg, 1002, leader_code.code)
        await tg.user_sends(1003, f"/start {group_code.code}", chat_id=GROUP)
        await tg.wait_for(lambda: bool(tg.bot_messages(GROUP)), scenario.WAIT)
        await scenario.wecom_contact_binds(wx, "zhangsan", wx_code.code)
        rt.out.print(
            rt.say(
                msg(
                    N_(
                        "Bound: 县发改局's reporter and leader on Telegram, 县财政局 on WeCom, "
                        "and the secretariat's Telegram group."
                    )
                )
            )
        )

        rt.out.print(Rule(rt.say(msg(N_("3. Monthly dispatch and replies")))))
        today = now.astimezone(app.intake.deps.timezone).date()
        outcome = await dispatch(PERIOD, now=now, today=today)
        app.sender.wakeup.set()
        rt.out.print(
            rt.say(
                msg(
                    N_("{period}: {requests} requests to {units} units, {prompts} prompts queued."),
                    period=outcome.period,
                    requests=outcome.requests,
                    units=outcome.units,
                    prompts=outcome.prompts,
                )
            )
        )
        await asyncio.gather(
            scenario.telegram_answer_prompt(tg, 1001, TG_REPLY),
            scenario.wecom_answer_prompt(wx, "zhangsan", WX_REPLY),
        )
        rt.out.print(Panel(Text(tg.transcript(1001)), title="Telegram · 王联络", expand=False))
        rt.out.print(
            Panel(Text("\n".join(wx.texts("zhangsan")[-3:])), title="WeCom · 张三", expand=False)
        )

        rt.out.print(Rule(rt.say(msg(N_("4. What was received")))))
        rows = await period_reports(await month_period(PERIOD))
        table = Table()
        for label in (N_("Task"), N_("Unit"), N_("Status"), N_("Progress"), N_("Version")):
            table.add_column(rt.translator.gettext(label))
        for row in rows:
            status = rt.translator.gettext(Status(row["status"]).label)
            if row["percent"] is not None:
                status += f" {row['percent']}%"
            table.add_row(
                row["task"], row["unit"], status, shorten(row["text"], 50), str(row["version"])
            )
        rt.out.print(table)
        await _secretariat(rt, app, tg, output)
    finally:
        await app.stop()
        await tg.stop()
        await wx.stop()


async def _secretariat(rt: Runtime, app: DubanApp, tg: TelegramEmulator, output: Path) -> None:
    """Reminders, the digest in the secretariat's group, the exports, the quarterly summary."""
    zone, now = app.intake.deps.timezone, app.clock()
    today = now.astimezone(zone).date()
    rt.out.print(Rule(rt.say(msg(N_("5. Reminders, the digest and the exports")))))
    reminded = await run_reminders(now, zone, force=True)
    published = await post_digest(
        PERIOD, now=now, zone=zone, data_dir=app.settings.data_dir, tag="demo"
    )
    app.sender.wakeup.set()
    await tg.wait_for(lambda: any(m.document for m in tg.bot_messages(GROUP)), scenario.WAIT)
    rt.out.print(
        rt.say(msg(N_("{count} reminders queued."), count=reminded.queued)),
        rt.say(msg(N_("Queued for {count} secretariat chats and people."), count=published.queued)),
    )
    title = digest_title(rt.translator, published.digest)
    rt.out.print(
        Panel(Text(digest_text(rt.translator, published.digest)), title=title, expand=False)
    )
    for fmt in ("xlsx", "docx", "png"):
        target = output / f"progress-{PERIOD.key}.{fmt}"
        await export_month(PERIOD, fmt, target, today=today, zone=zone, locale=rt.translator.locale)

    rt.out.print(Rule(rt.say(msg(N_("6. Quarterly summary: draft, returned, approved")))))
    drafts = await run_quarter(app.clock(), zone)
    rt.out.print(rt.say(msg(N_("{count} draft summaries sent to lead units."), count=drafts)))
    app.sender.wakeup.set()
    await scenario.quarterly_summary_round(tg, 1001, 1002, "请补充惠企政策兑现的具体数据。")
    await tg.wait_for(
        lambda: any("已审定" in m.text for m in tg.bot_messages(GROUP)), scenario.WAIT
    )
    rt.out.print(Panel(Text(tg.transcript(1002)), title="Telegram · 李局长", expand=False))
    _, period = await quarter_period(QUARTER)
    rt.out.print(quarter_text(rt.translator, await quarter_rows(period)), markup=False)
    await write_materials(
        QUARTER, output / f"materials-{QUARTER.key}.docx", locale=rt.translator.locale
    )
