"""``duban demo``: a quarter of the whole cycle, offline, in about a minute.

Everything runs for real — the bot, its inbox and outbox, the scheduler's jobs, the Telegram and
WeCom emulators — on a throw-away SQLite database; only the people and the clock are simulated
(``bot.sandbox.tour``). The files land in ``demo-output/``.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import tempfile
from datetime import date, datetime
from importlib import resources
from pathlib import Path

import typer
from pydantic import SecretStr
from rich.panel import Panel
from rich.progress import Progress
from rich.rule import Rule
from rich.text import Text

from bot.app import WECOM_CALLBACK_PATH, DubanApp
from bot.cadence.calendar import set_days
from bot.domain.messages import N_, msg
from bot.domain.reporting import Month, Quarter
from bot.importers import read_plan_bytes
from bot.oversight.digest import build_digest
from bot.oversight.exports import export_month
from bot.people.binding import ContactRole, create_invite
from bot.plans.cli import cadence_line, register_view
from bot.plans.importing import import_plan
from bot.render.digest import digest_text, digest_title
from bot.render.register import RegisterTable, register_table, write_xlsx
from bot.sandbox import scenario
from bot.sandbox.telegram import TelegramEmulator
from bot.sandbox.tour import CLERK, GROUP, LEADER, REPORTER, TZ, WECOM_USER, MovedClock, Tour
from bot.sandbox.wecom import WecomEmulator
from bot.shell.runtime import Runtime, runtime
from bot.storage.db import open_database, upgrade_schema
from bot.storage.register import latest_plan, load_tasks, plan_meta
from bot.summaries.cycle import quarter_rows
from bot.summaries.quarterly import quarter_text, stored_quarter_period, write_materials

SAMPLE_PLAN = "sample_plan.md"
LAST_MONTH, QUARTER = Month(2026, 12), Quarter(2026, 4)
START = datetime(2026, 10, 9, 9, 0, tzinfo=TZ)  # a week before October's dispatch (the 16th)


def register(app: typer.Typer) -> None:
    """Attach ``demo`` to the ``duban`` app."""
    app.command("demo")(demo)


def sample_plan_bytes() -> bytes:
    """The bundled sample plan (a county 分工方案 in the usual Markdown-table form)."""
    return resources.files("bot.data").joinpath(SAMPLE_PLAN).read_bytes()


def _write_register(table: RegisterTable, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    write_xlsx(table, target)


def demo(
    ctx: typer.Context,
    output: Path = typer.Option(Path("demo-output"), help="Where the demo writes its files"),
) -> None:
    """Run a quarter of the cycle offline: import, bind, dispatch, replies, reminders,
    escalation, digests, a quarterly summary returned and approved, and the exports."""
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
            parsed,
            source_name=SAMPLE_PLAN,
            sha256=hashlib.sha256(data).hexdigest(),
            now=START,
            actor="demo",
        )
        plan = await latest_plan(outcome.plan_id)
        assert plan is not None
        tasks = await load_tasks(plan.id)
        rt.out.print(register_view(rt, plan_meta(plan), tasks))
        if (line := cadence_line(rt, outcome)) is not None:
            rt.out.print(line, markup=False, soft_wrap=True)
        await _quarter(rt, folder, url, output)
        table = register_table(plan_meta(plan), tasks, list(plan.columns), dict(plan.headers))
        await asyncio.to_thread(_write_register, table, output / "register.xlsx")


async def _start(
    rt: Runtime, folder: Path, url: str
) -> tuple[DubanApp, TelegramEmulator, WecomEmulator, MovedClock]:
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
            "scheduler": False,  # the tour calls the scheduler's jobs at their moments itself
            "wecom_corp_id": wx.corp_id,
            "wecom_agent_id": wx.agent_id,
            "wecom_secret": SecretStr(wx.secret),
            "wecom_token": SecretStr(wx.token),
            "wecom_aes_key": SecretStr(wx.aes_key),
            "wecom_api_base": await wx.start(),
        }
    )
    clock = MovedClock(START)
    app = DubanApp(settings, clock=clock)
    await app.start()
    await asyncio.wait_for(app.linked(), 30)
    wx.callback_url = app.url + WECOM_CALLBACK_PATH
    return app, tg, wx, clock


async def _bind(rt: Runtime, app: DubanApp, tg: TelegramEmulator, wx: WecomEmulator) -> None:
    rt.out.print(Rule(rt.say(msg(N_("2. Bind contacts: Telegram and WeCom")))))
    now = app.clock()
    tg.user(REPORTER, "王联络（县发改局）")
    tg.user(LEADER, "李局长（县发改局）")
    tg.user(CLERK, "刘秘书（秘书组）")
    tg.group(GROUP, "县营商办秘书组")
    wx.member(WECOM_USER, "张三（县财政局）")
    codes = [
        await create_invite(unit, role, now=now, locale="zh_CN")
        for unit, role in (
            ("县发改局", ContactRole.REPORTER),
            ("县发改局", ContactRole.LEADER),
            (None, ContactRole.SECRETARIAT),
            ("县财政局", ContactRole.REPORTER),
        )
    ]
    await scenario.telegram_contact_binds(tg, REPORTER, codes[0].code)
    await scenario.telegram_contact_binds(tg, LEADER, codes[1].code)
    await tg.user_sends(CLERK, f"/start {codes[2].code}", chat_id=GROUP)
    await tg.wait_for(lambda: bool(tg.bot_messages(GROUP)), scenario.WAIT)
    await scenario.wecom_contact_binds(wx, WECOM_USER, codes[3].code)
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


async def _quarter(rt: Runtime, folder: Path, url: str, output: Path) -> None:
    app, tg, wx, clock = await _start(rt, folder, url)
    try:
        await set_days([(date(2027, 1, 1), "holiday", "元旦")], actor="demo")  # an admin's entry
        await _bind(rt, app, tg, wx)
        rt.out.print(
            Rule(
                rt.say(msg(N_("3. A quarter: dispatches, replies, reminders, escalation, digests")))
            )
        )
        with Progress(transient=False, console=rt.out) as progress:
            bar = progress.add_task(rt.say(msg(N_("The quarter"))), total=13)

            def step(label: str) -> None:
                progress.console.print(label, markup=False)
                progress.update(bar, advance=1, description=label)

            tour = Tour(app, clock, tg, wx, folder / "data", step)
            await tour.october()
            await tour.november()
            await tour.december()
            progress.update(bar, completed=13)
        rt.out.print(Panel(Text(tour.exchange), title="Telegram · 王联络 · 2026-10", expand=False))
        rt.out.print(
            Panel(
                # the quarter's last weeks: a report with a photo, the 督办单, the summaries
                Text("\n".join(tg.transcript(REPORTER).splitlines()[-60:])),
                title="Telegram · 王联络",
                expand=False,
            )
        )
        rt.out.print(Panel(Text(tour.wecom_exchange), title="WeCom · 张三 · 2026-10", expand=False))
        rt.out.print(
            Panel(Text(tg.transcript(LEADER)[-1500:]), title="Telegram · 李局长", expand=False)
        )

        rt.out.print(Rule(rt.say(msg(N_("4. The digest and the quarterly summaries")))))
        zone = app.intake.deps.timezone
        today = clock().astimezone(zone).date()
        digest = await build_digest(LAST_MONTH, today=today)
        rt.out.print(
            Panel(
                Text(digest_text(rt.translator, digest)),
                title=digest_title(rt.translator, digest),
                expand=False,
            )
        )
        _, period = await stored_quarter_period(QUARTER)
        rt.out.print(quarter_text(rt.translator, await quarter_rows(period)), markup=False)

        rt.out.print(Rule(rt.say(msg(N_("5. The exports")))))
        for fmt in ("xlsx", "docx", "png"):
            target = output / f"progress-{LAST_MONTH.key}.{fmt}"
            await export_month(
                LAST_MONTH, fmt, target, today=today, zone=zone, locale=rt.translator.locale
            )
        await write_materials(
            QUARTER, output / f"materials-{QUARTER.key}.docx", locale=rt.translator.locale
        )
    finally:
        await app.stop()
        await tg.stop()
        await wx.stop()
