"""The status board over HTTP (aiohttp's test client): sign-in links, sessions, scoping, headers.

A seeded October of the sample plan: 县发改局 reported tasks 1 (60 %) and 4 (behind). The
secretariat and a leader see every task; the reporter of 县发改局 only the tasks of its unit,
and every other page is the same "not found" without a word of what is there.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.board import access
from bot.board.web import Board, mount
from bot.cadence.dispatch import dispatch
from bot.domain.reporting import Month, Status
from bot.people.binding import ContactRole, create_invite, redeem_invite, revoke_contact
from bot.reporting.reports import Draft, submit_report
from bot.storage.models import Contact, Plan, ReportRequest, Task, Unit
from tests.dialogue import Dialogue, Person, reply

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=TZ)
OTHER_TASK = "提升企业开办和注销便利度"  # task 2: 县市场监督管理局 leads, 县发改局 has no part


@dataclass
class Clock:
    """The board's clock, which a test moves."""

    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Seeded:
    """The October of the sample plan, and who is bound."""

    plan_id: int
    secretariat: int
    leader: int
    reporter: int


async def bind(identity: str, role: ContactRole, unit: str | None = None) -> int:
    """A contact bound through an invite code, as in chat."""
    code = (await create_invite(unit, role, now=NOW, locale="zh_CN")).code
    _, contact = await redeem_invite(
        code, identity=identity, channel=identity.split(":", maxsplit=1)[0], display_name=identity,
        chat_identity=identity, is_group=False, now=NOW,
    )  # fmt: skip
    assert isinstance(contact, Contact)
    return contact.id


async def seed() -> Seeded:
    """October dispatched on 25 November; 县发改局 reported tasks 1 (60 %) and 4 (behind)."""
    await dispatch(Month(2026, 10), now=NOW, today=NOW.date())
    secretariat = await bind("wecom:mishu", ContactRole.SECRETARIAT)
    leader = await bind("wecom:lingdao", ContactRole.LEADER, "县政务服务中心")
    reporter = await bind("wecom:wang", ContactRole.REPORTER, "县发改局")
    contact = await Contact.get(id=reporter)
    asked = await ReportRequest.filter(unit_id=contact.unit_id, task__number__in=["1", "4"])
    for request, draft in zip(
        sorted(asked, key=lambda r: r.task_id),
        (Draft(Status.IN_PROGRESS, 60, "清单已梳理"), Draft(Status.BEHIND, 20, "环节未压缩")),
        strict=True,
    ):
        await submit_report(contact, request.id, draft, now=NOW, today=NOW.date())
    plan = await Plan.first()
    assert plan is not None
    return Seeded(plan.id, secretariat, leader, reporter)


@pytest.fixture
async def seeded(planned: str) -> Seeded:
    return await seed()


@dataclass
class Site:
    """The board on a test server, its clock and its client (with a cookie jar)."""

    client: TestClient[web.Request, web.Application]
    clock: Clock

    async def sign_in(self, contact_id: int) -> None:
        token = await access.issue_link(contact_id, now=self.clock())
        response = await self.client.post("/board/signin", data={"token": token})
        assert response.status == 200  # followed the redirect to the board


@pytest.fixture
async def site(seeded: Seeded, tmp_path: Path) -> AsyncIterator[Site]:
    clock = Clock()
    board = Board(
        public_url=lambda: "http://board.test",
        data_dir=tmp_path / "data",
        zone=TZ,
        clock=clock,
        default_locale="zh_CN",
    )
    app = web.Application()
    mount(app, board)
    async with TestClient(TestServer(app)) as client:
        yield Site(client, clock)


async def test_a_link_signs_in_once_with_a_strict_cookie(site: Site, seeded: Seeded) -> None:
    client = site.client
    response = await client.get(f"/board/plan/{seeded.plan_id}")
    assert response.status == 401
    assert "看板" in await response.text()  # how to sign in: send /board (看板) in chat

    token = await access.issue_link(seeded.reporter, now=site.clock())
    page = await client.get(f"/board/signin/{token}")  # a link preview only reads the page
    assert page.status == 200
    assert 'action="/board/signin"' in await page.text()
    assert await access.link_open(token, now=site.clock())

    response = await client.post("/board/signin", data={"token": token}, allow_redirects=False)
    assert response.status == 303
    assert response.headers["Location"] == "/board/"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("duban_board=")
    for flag in ("HttpOnly", "SameSite=Lax", "Path=/board", "Max-Age=28800"):
        assert flag in cookie
    assert "Secure" not in cookie  # the board's address is plain http here
    assert token not in cookie  # the session is a new secret, not the link's

    again = await client.post("/board/signin", data={"token": token}, allow_redirects=False)
    assert again.status == 403
    assert "已失效或已经用过" in await again.text()
    assert (await client.get(f"/board/signin/{token}")).status == 403


async def test_an_expired_link_is_refused(site: Site, seeded: Seeded) -> None:
    token = await access.issue_link(seeded.leader, now=site.clock())
    site.clock.now += access.LINK_TTL + timedelta(seconds=1)
    assert (await site.client.get(f"/board/signin/{token}")).status == 403
    response = await site.client.post("/board/signin", data={"token": token})
    assert response.status == 403
    assert (await site.client.get("/board/")).status == 401


async def test_a_session_ends_with_its_expiry_its_sign_out_and_its_binding(
    site: Site, seeded: Seeded
) -> None:
    await site.sign_in(seeded.leader)
    assert (await site.client.get(f"/board/plan/{seeded.plan_id}")).status == 200
    response = await site.client.post("/board/signout", allow_redirects=False)
    assert response.status == 303
    assert (await site.client.get(f"/board/plan/{seeded.plan_id}")).status == 401

    await site.sign_in(seeded.leader)
    site.clock.now += access.SESSION_TTL + timedelta(seconds=1)
    assert (await site.client.get(f"/board/plan/{seeded.plan_id}")).status == 401

    await site.sign_in(seeded.secretariat)
    await revoke_contact(seeded.secretariat, now=site.clock(), actor="test")
    assert (await site.client.get(f"/board/plan/{seeded.plan_id}")).status == 401


async def test_the_secretariat_sees_the_whole_plan_and_downloads_the_table(
    site: Site, seeded: Seeded
) -> None:
    await site.sign_in(seeded.secretariat)
    page = await (await site.client.get(f"/board/plan/{seeded.plan_id}")).text()
    assert "2026-10" in page
    assert page.count('class="task"') == 20  # every task of the month
    assert OTHER_TASK in page
    assert "清单已梳理" in page  # 县发改局's latest progress on task 1
    assert "红" in page
    assert "黄" in page
    assert "/export/xlsx" in page
    assert "<svg" in page  # the reporting rate by month

    response = await site.client.get(f"/board/plan/{seeded.plan_id}/export/xlsx")
    assert response.status == 200
    assert response.content_type.endswith("spreadsheetml.sheet")
    assert (await response.read()).startswith(b"PK")  # a zip: the xlsx
    assert "attachment" in response.headers["Content-Disposition"]
    assert (await site.client.get(f"/board/plan/{seeded.plan_id}/export/pdf")).status == 404

    task = await Task.get(plan_id=seeded.plan_id, number="4")
    history = await (await site.client.get(f"/board/task/{task.id}")).text()
    assert "环节未压缩" in history
    assert "第1版" in history


async def test_a_reporter_sees_only_its_units_tasks(site: Site, seeded: Seeded) -> None:
    await site.sign_in(seeded.reporter)
    response = await site.client.get("/board/")
    assert response.url.path == f"/board/plan/{seeded.plan_id}"  # one plan: straight to it
    page = await response.text()
    assert OTHER_TASK not in page
    assert "清单已梳理" in page
    assert "/export/" not in page  # the whole plan's files are not a reporter's to take
    assert "<svg" not in page

    mine = await Unit.get(name="县发改局")
    assert (await site.client.get(f"/board/unit/{mine.id}")).status == 200
    theirs = await Unit.get(name="县市场监督管理局")
    other_task = await Task.get(plan_id=seeded.plan_id, number="2")
    for path in (
        f"/board/unit/{theirs.id}",
        f"/board/task/{other_task.id}",
        f"/board/plan/{seeded.plan_id}/export/xlsx",
        "/board/unit/999999",
    ):
        response = await site.client.get(path)
        assert response.status == 404, path
        text = await response.text()
        assert "县市场监督管理局" not in text
        assert OTHER_TASK not in text
        assert response.headers["X-Frame-Options"] == "DENY"


async def test_every_answer_carries_the_security_headers(site: Site, seeded: Seeded) -> None:
    await site.sign_in(seeded.leader)
    for path in (f"/board/plan/{seeded.plan_id}", "/board/static/board.css", "/board/nothing"):
        response = await site.client.get(path)
        csp = response.headers["Content-Security-Policy"]
        assert "default-src 'none'" in csp, path
        assert "script-src" not in csp  # no script at all: default-src 'none' covers it
        assert "'unsafe-inline'" not in csp
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "no-referrer"
    page = await (await site.client.get(f"/board/plan/{seeded.plan_id}")).text()
    assert "<script" not in page
    assert "style=" not in page


async def test_sign_in_attempts_are_limited(site: Site, seeded: Seeded) -> None:
    statuses = [
        (await site.client.post("/board/signin", data={"token": f"guess{i}"})).status
        for i in range(11)
    ]
    assert statuses == [403] * 10 + [429]


async def test_board_in_chat_answers_a_one_time_link(planned: str, tmp_path: Path) -> None:
    await seed()
    d = Dialogue(tmp_path)
    wang = Person("wecom:wang")
    assert await d.says(wang, "看板") == reply("看板还没有网址：请管理员设置 DUBAN_PUBLIC_URL。")
    d.deps = replace(d.deps, board_url=lambda: "https://duban.example.gov.cn")
    answer = await d.says(wang, "/board")
    assert answer.startswith("看板\n")
    link = answer.rsplit("\n", 1)[-1]
    assert link.startswith("https://duban.example.gov.cn/board/signin/")
    assert await access.link_open(link.rsplit("/", 1)[-1], now=d.clock())
    stranger = Person("wecom:nobody")
    assert "看板" not in await d.says(stranger, "看板")  # unbound: the binding hint, no link
