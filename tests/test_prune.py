"""Retention: ``duban prune`` drops handled inbox rows and finished outbox rows older than the
cut-off, keeps what is unfinished, and keeps the audit log unless asked."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from typer.testing import CliRunner

from bot.cli import app
from bot.delivery.outbox import enqueue
from bot.domain.conversation import Outbound
from bot.operations.cli_prune import Pruned, prune_before
from bot.storage.models import AuditLog, InboxUpdate, OutboxMessage


async def test_prune_keeps_what_is_unfinished_and_the_audit_unless_asked(db: str) -> None:
    old, recent = datetime(2026, 1, 5, tzinfo=UTC), datetime.now(UTC)
    for key, state in (("sent", "sent"), ("failed", "failed"), ("waiting", "pending")):
        await enqueue(key, "telegram:1", Outbound(text=key), now=old)
        await OutboxMessage.filter(key=key).update(state=state, created_at=old)
    await enqueue("new", "telegram:1", Outbound(text="new"), now=recent)
    await OutboxMessage.filter(key="new").update(state="sent")
    for key, processed, attempts in (("done", old, 0), ("todo", None, 0), ("gave-up", None, 5)):
        await InboxUpdate.create(
            channel="telegram", external_key=key, payload={}, processed_at=processed,
            attempts=attempts,
        )  # fmt: skip
    await InboxUpdate.filter().update(received_at=old)
    await AuditLog.create(actor="cli", action="import")
    await AuditLog.filter().update(at=old)
    pruned = await prune_before(recent - timedelta(days=90), audit=False)
    assert pruned == Pruned(inbox=2, outbox=2, audit=0)
    assert sorted(await OutboxMessage.all().values_list("key", flat=True)) == ["new", "waiting"]
    assert await InboxUpdate.all().values_list("external_key", flat=True) == ["todo"]
    assert await AuditLog.all().count() == 1
    later = datetime.now(UTC) + timedelta(seconds=1)
    assert await prune_before(later, audit=True) == Pruned(inbox=0, outbox=1, audit=1)


def test_prune_on_the_command_line(cli_env: Path, runner: CliRunner) -> None:
    assert runner.invoke(app, ["init"]).exit_code == 0
    result = runner.invoke(app, ["prune", "--days", "120"], env={"DUBAN_DEFAULT_LOCALE": "en"})
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == (
        "Pruned 0 inbox updates, 0 outbox messages and 0 audit entries older than 120 days."
    )
    result = runner.invoke(app, ["prune", "--audit", "--json"])
    assert json.loads(result.stdout) == {"inbox": 0, "outbox": 0, "audit": 0, "days": 180}
    # shorter than a period's outbox keys live: refused, the month's prompts would go out again
    assert runner.invoke(app, ["prune", "--days", "30"]).exit_code == 2
