"""One use case per behaviour: the CLI and the chat revoke, nudge and pick "the period" alike.

Each behaviour is driven once from the command line and once from the chat, and the same
outcome is checked on the stored records: the revoked person is told either way, a nudge is
audited either way, and a digest without a period is about the latest dispatched month.
"""

from __future__ import annotations

import asyncio
import json
import os
from datetime import UTC, datetime
from pathlib import Path

from typer.testing import CliRunner

from bot.cadence.dispatch import dispatch
from bot.cli import app
from bot.domain.reporting import Month
from bot.importers import read_plan
from bot.people.binding import ContactRole, create_invite, redeem_invite
from bot.plans.importing import import_plan
from bot.storage.db import open_database
from bot.storage.models import AuditLog, Contact, OutboxMessage
from tests.dialogue import Dialogue, Person

SEC = Person("telegram:3003", "秘书组小刘")
ALICE = Person("telegram:1001", "王联络")


def _in_cli_db(body: object) -> object:
    async def run() -> object:
        async with open_database(os.environ["DUBAN_DATABASE_URL"]):
            return await body()  # type: ignore[operator]

    return asyncio.run(run())


def _bound_reporter(sample_plan: Path) -> int:
    """Import the sample plan, dispatch October, bind a reporter of 县发改局; their number."""

    async def body() -> int:
        await import_plan(
            read_plan(sample_plan), source_name="s.md", sha256="0" * 64, now=datetime.now(UTC)
        )
        now = datetime(2026, 10, 20, 1, 0, tzinfo=UTC)
        await dispatch(Month(2026, 10), now=now, today=now.date())
        code = (await create_invite("县发改局", ContactRole.REPORTER, now=now, locale="zh_CN")).code
        _, contact = await redeem_invite(
            code, identity="wecom:wanglian", channel="wecom", display_name="王联络",
            chat_identity="wecom:wanglian", is_group=False, now=now,
        )  # fmt: skip
        assert isinstance(contact, Contact)
        return contact.id

    number = _in_cli_db(body)
    assert isinstance(number, int)
    return number


def test_the_cli_revokes_nudges_and_digests_like_the_chat(
    cli_env: Path, runner: CliRunner, sample_plan: Path
) -> None:
    assert runner.invoke(app, ["init"]).exit_code == 0
    number = _bound_reporter(sample_plan)

    revoked = runner.invoke(app, ["revoke", str(number)])
    assert revoked.exit_code == 0, revoked.stderr
    nudged = runner.invoke(app, ["remind", "--json"])
    assert nudged.exit_code == 0, nudged.stderr
    digest = runner.invoke(app, ["digest", "--json"])
    assert digest.exit_code == 0, digest.stderr
    assert json.loads(digest.stdout)["period"] == "2026-10"  # the latest dispatched month

    async def stored() -> tuple[str, list[str]]:
        notice = await OutboxMessage.get(key=f"revoke:{number}")
        audit = await AuditLog.filter(action__in=["revoke", "nudge"]).order_by("id")
        return notice.payload["text"], [f"{a.action}:{a.actor}" for a in audit]

    text, audit = _in_cli_db(stored)  # type: ignore[misc]
    assert text == "秘书组已解除您与县发改局的绑定。"
    assert audit == ["revoke:cli", "nudge:cli"]


async def test_the_chat_revokes_nudges_and_digests_like_the_cli(
    db: str, sample_plan: Path, tmp_path: Path
) -> None:
    await import_plan(
        read_plan(sample_plan), source_name="s.md", sha256="0" * 64, now=datetime.now(UTC)
    )
    world = Dialogue(tmp_path / "data")
    for who, unit, role in (
        (ALICE, "县发改局", ContactRole.REPORTER),
        (SEC, None, ContactRole.SECRETARIAT),
    ):
        invite = await create_invite(unit, role, now=world.clock(), locale="en")
        await world.says(who, f"/start {invite.code}")
    await dispatch(Month(2026, 10), now=world.clock(), today=world.clock.now.date())
    alice = await Contact.get(identity=ALICE.identity, active=True)

    assert (await world.says(SEC, f"/revoke {alice.id}")).strip() == (
        f"The binding of #{alice.id} (县发改局) has ended."
    )
    notice = await OutboxMessage.get(key=f"revoke:{alice.id}")
    assert notice.payload["text"] == "The secretariat has ended your binding to 县发改局."
    await world.says(SEC, "/nudge")
    digest = await world.says(SEC, "/digest")
    assert "2026-10" in digest  # the latest dispatched month, though the clock says November
    audit = await AuditLog.filter(action__in=["revoke", "nudge"]).order_by("id")
    assert [f"{a.action}:{a.actor}" for a in audit] == [
        f"revoke:{SEC.identity}",
        f"nudge:{SEC.identity}",
    ]
