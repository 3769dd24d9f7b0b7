"""The options a step offered live apart from the conversation state: the sender noting a step
and a handler saving the person's flow at the same moment never undo each other, and migration
0014 moves the options older versions kept in the state's data."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from tortoise.context import TortoiseContext
from tortoise.migrations.api.migrate import migrate

from bot.conversation.context import Deps, Turn
from bot.conversation.registry import REGISTRY, text_inbound
from bot.delivery.options import offered_options, remember_options
from bot.domain.conversation import Button, Choices, Outbound
from bot.storage.db import APP, open_database, tortoise_config
from bot.storage.models import ConversationState
from tests.dialogue import Clock, DictFiles

WHO = "wecom:zs"


def step(n: int) -> Outbound:
    """The n-th step a flow poses: a pure choice of three options."""
    return Outbound(
        text=f"第{n}步",
        buttons=tuple((Button(f"选项{n}-{k}", f"v1:x:{n}:{k}"),) for k in (1, 2, 3)),
    )


def choices(n: int) -> Choices:
    return Choices(tuple(Button(f"选项{n}-{k}", f"v1:x:{n}:{k}") for k in (1, 2, 3)), True)


async def test_a_handlers_save_and_the_senders_note_never_undo_each_other(
    db: str, tmp_path: Path
) -> None:
    deps = Deps(
        data_dir=tmp_path, timezone=ZoneInfo("Asia/Shanghai"), files=DictFiles(), clock=Clock()
    )
    inbound = text_inbound(channel="wecom", sender="zs", chat="zs", text="好")
    turn = await Turn.load(inbound, deps, REGISTRY)
    await turn.set_flow("report", {"step": 0})
    await turn.save()
    await remember_options(WHO, step(0))
    for n in range(1, 31):
        # the handler has loaded the person's state (the sender notes the step before it)
        turn = await Turn.load(inbound, deps, REGISTRY)
        first, second = (
            (_step_saved(turn, n), remember_options(WHO, step(n)))
            if n % 2
            else (remember_options(WHO, step(n)), _step_saved(turn, n))
        )
        await asyncio.gather(first, second)  # two tasks: their statements interleave
        state = await ConversationState.get(identity=WHO)
        assert (state.flow, state.data) == ("report", {"step": n}), n  # the flow moved on
        assert await offered_options(WHO) == choices(n), n  # and the step's options stand
    await turn.clear_flow()
    await turn.save()
    assert await offered_options(WHO) == choices(30)  # leaving a flow keeps the last options
    await remember_options(WHO, Outbound(text="请输入百分比", free_input=True))
    assert await offered_options(WHO) is None  # a step asking for typed input forgets them
    assert (await ConversationState.get(identity=WHO)).data == {}


async def _step_saved(turn: Turn, n: int) -> None:
    """A handler's step: the state set, and written when the turn is over."""
    await turn.set_flow("report", {"step": n})
    await turn.save()


async def _legacy_rows(url: str) -> None:
    """Rows as versions before 0014 wrote them: the options inside the state's data."""
    async with open_database(url):
        await ConversationState.create(
            identity="wecom:a", flow="report",
            data={"task": 7, "options": [["推进中", "v1:s:7:1"]], "numbered": False},
        )  # fmt: skip
        await ConversationState.create(  # before the marker existed: numbered
            identity="wecom:b", flow="", data={"options": [["确认", "v1:c:1"]]}
        )
        await ConversationState.create(identity="wecom:c", flow="summary", data={"id": 3})


async def _moved(url: str) -> None:
    async with open_database(url):
        assert await offered_options("wecom:a") == Choices((Button("推进中", "v1:s:7:1"),), False)
        assert await offered_options("wecom:b") == Choices((Button("确认", "v1:c:1"),), True)
        assert await offered_options("wecom:c") is None
        rows = await ConversationState.all().order_by("identity").values_list("flow", "data")
        assert rows == [("report", {"task": 7}), ("", {}), ("summary", {"id": 3})]


async def _migrate(url: str, target: str | None = None) -> None:
    async with TortoiseContext():
        await migrate(config=tortoise_config(url), app_labels=[APP], target=target)


async def test_the_migration_moves_the_options_out_of_the_state_on_sqlite(tmp_path: Path) -> None:
    url = f"sqlite://{tmp_path / 'old.sqlite3'}"
    await _migrate(url, f"{APP}.0013_channel_flags")
    await _legacy_rows(url)
    await _migrate(url)
    await _moved(url)


@pytest.mark.postgres
async def test_the_migration_moves_the_options_out_of_the_state_on_postgres(
    database_url: str,
) -> None:
    if not database_url.startswith("postgres"):
        pytest.skip("the PostgreSQL statements of the migration")
    import asyncpg  # noqa: PLC0415

    base, _, name = database_url.rpartition("/")
    scratch = f"{name.split('?', 1)[0]}_migrating"
    admin = await asyncpg.connect(database_url.replace("postgres://", "postgresql://", 1))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
        await admin.execute(f'CREATE DATABASE "{scratch}"')
        url = f"{base}/{scratch}"
        await _migrate(url, f"{APP}.0013_channel_flags")
        await _legacy_rows(url)
        await _migrate(url)
        await _moved(url)
    finally:
        with contextlib.suppress(Exception):
            await admin.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
        await admin.close()
