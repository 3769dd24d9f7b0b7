"""``duban doctor``: one line per part — settings, database, Telegram, WeCom, the calendar, and
who holds each role (scheduler, Telegram polling, each channel's sender).

A channel that is not configured is shown as such (·), not as a failure; the exit status is
0 when everything configured works, 1 otherwise. Channel libraries load only here.
"""

from __future__ import annotations

import asyncio

import typer

from bot.config import Settings
from bot.domain.messages import N_, msg
from bot.operations.health import Check, State, check_calendar, check_database, check_locks
from bot.shell.runtime import Runtime, runtime
from bot.storage.db import open_database

MARKS = {State.OK: "✓", State.FAILED: "✗", State.ABSENT: "·", State.WARNING: "!"}


def register(app: typer.Typer) -> None:
    """Attach ``doctor``."""
    app.command("doctor")(doctor)


async def _telegram(settings: Settings) -> Check:
    if not settings.telegram_enabled:
        return Check("telegram", State.ABSENT, msg(N_("not configured")))
    from bot.channels.telegram import session  # noqa: PLC0415 - aiogram only when configured

    assert settings.telegram_token is not None
    if session.token_malformed(settings.telegram_token.get_secret_value()):
        return Check("telegram", State.FAILED, session.malformed_probe().detail)
    bot = session.make_bot(settings)
    try:
        result = await session.probe(bot, settings)
    finally:
        await bot.session.close()
    return Check("telegram", State.OK if result.ok else State.FAILED, result.detail)


async def _wecom(settings: Settings) -> Check:
    missing = settings.wecom_missing()
    if missing:
        return Check("wecom", State.FAILED, msg(N_("missing {names}"), names=", ".join(missing)))
    if not settings.wecom_enabled:
        return Check("wecom", State.ABSENT, msg(N_("not configured")))
    from bot.channels.wecom import probe  # noqa: PLC0415 - wechatpy only when configured
    from bot.channels.wecom.client import WecomClient  # noqa: PLC0415

    key_problem = probe.key_probe(settings)
    if key_problem is not None:
        return Check("wecom", State.FAILED, key_problem.detail)
    assert settings.wecom_corp_id is not None
    assert settings.wecom_secret is not None
    client = WecomClient(
        settings.wecom_corp_id, settings.wecom_secret.get_secret_value(), settings.wecom_api_base
    )
    try:
        result = await probe.probe(client, settings)
    finally:
        client.close()
    return Check("wecom", State.OK if result.ok else State.FAILED, result.detail)


async def _checks(rt: Runtime) -> list[Check]:
    settings = rt.settings
    checks = [
        Check(
            "settings",
            State.OK,
            msg(
                N_("time zone {zone}, language {locale}, data in {folder}"),
                zone=settings.timezone,
                locale=settings.default_locale,
                folder=str(settings.data_dir),
            ),
        ),
        await check_database(settings),
    ]
    checks += await asyncio.gather(_telegram(settings), _wecom(settings))
    if not settings.any_channel and not settings.wecom_missing():
        checks.append(
            Check(
                "channels",
                State.FAILED,
                msg(N_("neither WeCom nor Telegram is configured (see .env.example)")),
            )
        )
    if checks[1].ok:
        async with open_database(settings.database_url):
            checks += await check_calendar(rt.today())
        checks += await check_locks(settings)
    return checks


def doctor(ctx: typer.Context) -> None:
    """Check settings, database, schema, Telegram, WeCom, the calendar and who holds each role."""
    rt = runtime(ctx)
    checks = rt.run(_checks(rt))
    for check in checks:
        rt.out.print(
            f"{MARKS[check.state]} {check.name:14} {rt.say(check.detail)}",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    if not all(check.ok for check in checks):
        raise typer.Exit(1)
