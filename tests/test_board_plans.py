"""The board's unit page with several plans (aiohttp's test client, no browser).

Two plans share their units and their task numbers: 县发改局 has tasks 1, 3, 4… in both. Its
page links each plan's task N to that plan's task (not both to one of them), each labelled
with its plan's short name; a unit of one plan is listed as before, without labels. A plan's
secretariat sees its own plan only: another plan's page, tasks, downloads and the unit's tasks
and record there are not found to it.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cadence.dispatch import dispatch
from bot.domain.reporting import Month
from bot.importers import read_plan
from bot.people.binding import ContactRole, create_invite, redeem_invite
from bot.plans.importing import import_plan
from bot.storage.models import Contact, Plan, Task, Unit
from tests.test_board import NOW, Site, bind, open_site
from tests.test_portfolio import TASK_1B, plan_text

UNIT = "县发改局"
LINK = re.compile(r'<td class="title">(?:<span class="plan">【([^】]*)】</span>)?'
                  r'<a href="/board/task/(\d+)">(\w+)\. ')  # fmt: skip


async def import_second(sample: Path, folder: Path) -> None:
    """教育强县: the sample plan under another title, its task 1 another one."""
    second = folder / "edu.md"
    second.write_text(plan_text(sample, "教育强县", "青教组发", TASK_1B), encoding="utf-8")
    await import_plan(
        read_plan(second), source_name=second.name, sha256="0" * 64, now=datetime.now(UTC)
    )


@pytest.fixture
async def site(planned: str, tmp_path: Path) -> AsyncIterator[Site]:
    async with open_site(tmp_path) as opened:
        yield opened


async def rows(site: Site, unit_id: int) -> list[tuple[str, int, str]]:
    """``(plan label, linked task id, number)`` of each task on the unit's page."""
    response = await site.client.get(f"/board/unit/{unit_id}")
    assert response.status == 200
    return [(p, int(i), n) for p, i, n in LINK.findall(await response.text())]


async def test_each_plans_task_links_to_itself(
    site: Site, sample_plan: Path, tmp_path: Path
) -> None:
    await site.sign_in(await bind("wecom:mishu", ContactRole.SECRETARIAT))
    unit = await Unit.get(name=UNIT)
    numbers = ["1", "3", "4", "12", "18", "19", "20"]  # 县发改局's tasks in the sample plan
    one = await rows(site, unit.id)
    assert [(label, n) for label, _, n in one] == [("", n) for n in numbers]  # no labels
    await import_second(sample_plan, tmp_path)
    both = await rows(site, unit.id)
    assert [(label, n) for label, _, n in both] == [
        (plan, n) for plan in ("优化营商环境", "教育强县") for n in numbers
    ]
    ids = {(t.plan_id, t.number): t.id for t in await Task.filter(retired_at=None)}
    first, other = sorted({plan_id for plan_id, _ in ids})
    assert [task for _, task, _ in both] == [
        ids[(plan, n)] for plan in (first, other) for n in numbers
    ]


async def test_a_plans_secretariat_sees_its_plan_only(
    site: Site, sample_plan: Path, tmp_path: Path
) -> None:
    await import_second(sample_plan, tmp_path)
    own, other = [p.id for p in await Plan.filter(retired_at=None).order_by("id")]
    for plan_id in (own, other):
        await dispatch(Month(2026, 10), now=NOW, today=NOW.date(), plan_id=plan_id)
    code = await create_invite(None, ContactRole.SECRETARIAT, now=NOW, locale="zh_CN", plan_id=own)
    _, contact = await redeem_invite(
        code.code, identity="wecom:yingshang", channel="wecom", display_name="营商办",
        chat_identity="wecom:yingshang", is_group=False, now=NOW,
    )  # fmt: skip
    assert isinstance(contact, Contact)
    await site.sign_in(contact.id)
    home = await site.client.get("/board/", allow_redirects=False)
    assert home.headers["Location"] == f"/board/plan/{own}"  # its one plan
    theirs = await Task.get(plan_id=other, number="1")
    for path in (
        f"/board/plan/{other}",
        f"/board/task/{theirs.id}",
        f"/board/plan/{other}/export/xlsx",
    ):
        assert (await site.client.get(path)).status == 404, path
    assert (await site.client.get(f"/board/plan/{own}")).status == 200
    unit = await Unit.get(name=UNIT)
    ids = {t.number: t.id for t in await Task.filter(plan_id=own, retired_at=None)}
    numbers = ["1", "3", "4", "12", "18", "19", "20"]
    assert await rows(site, unit.id) == [("", ids[n], n) for n in numbers]  # one plan: no labels
    record = "<tr><td>2026-10</td><td>{}</td><td>0</td><td>0</td></tr>"
    page = await (await site.client.get(f"/board/unit/{unit.id}")).text()
    assert record.format(len(numbers)) in page  # asked by its plan, not by both
    # the admin (bound to no plan) sees both
    await site.sign_in(await bind("wecom:mishu", ContactRole.SECRETARIAT))
    assert (await site.client.get(f"/board/plan/{other}")).status == 200
    assert len(await rows(site, unit.id)) == 2 * len(numbers)
    page = await (await site.client.get(f"/board/unit/{unit.id}")).text()
    assert record.format(2 * len(numbers)) in page
