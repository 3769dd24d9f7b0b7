"""The status board over HTTP (aiohttp's test client): sign-in links, sessions, scoping, headers.

A seeded October of the sample plan: 县发改局 reported tasks 1 (60 %) and 4 (behind), and
县政务服务中心, task 1's lead, reported it too. The secretariat sees every task and word; a
unit's reporter or leader only the tasks of its unit and only its own unit's words on them (not
the lead's progress, not which other unit is silent), and every other page is the same "not
found" without a word of what is there.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer, make_mocked_request

from bot.board import access
from bot.board.guard import Failures, origin_of, trusted_proxies
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
LEAD_WORDS = "窗口已整合到位"  # 县政务服务中心, task 1's lead, on task 1 (县发改局 is responsible)


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
    lead_reporter: int


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
    """October dispatched on 25 November; 县发改局 reported tasks 1 (60 %) and 4 (behind),
    县政务服务中心 task 1 (which it leads)."""
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
    lead_reporter = await bind("wecom:zhao", ContactRole.REPORTER, "县政务服务中心")
    lead = await Contact.get(id=lead_reporter)
    request = await ReportRequest.get(unit_id=lead.unit_id, task__number="1")
    draft = Draft(Status.IN_PROGRESS, 70, LEAD_WORDS)
    await submit_report(lead, request.id, draft, now=NOW, today=NOW.date())
    plan = await Plan.first()
    assert plan is not None
    return Seeded(plan.id, secretariat, leader, reporter, lead_reporter)


@pytest.fixture
async def seeded(planned: str) -> Seeded:
    return await seed()


@dataclass
class Site:
    """The board on a test server, its clock and its client (with a cookie jar)."""

    client: TestClient[web.Request, web.Application]
    clock: Clock
    board: Board

    async def sign_in(self, contact_id: int) -> None:
        token = await access.issue_link(contact_id, now=self.clock())
        response = await self.client.post("/board/signin", data={"token": token})
        assert response.status == 200  # followed the redirect to the board


@contextlib.asynccontextmanager
async def open_site(tmp_path: Path) -> AsyncIterator[Site]:
    """The board mounted on a test server of its own, its clock the test's."""
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
        yield Site(client, clock, board)


@pytest.fixture
async def site(seeded: Seeded, tmp_path: Path) -> AsyncIterator[Site]:
    async with open_site(tmp_path) as opened:
        yield opened


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
    assert LEAD_WORDS in page  # task 1's latest progress: its lead's
    assert "环节未压缩" in page  # 县发改局's on task 4, which it leads
    assert "未报送：" in page  # which units are silent on a task
    assert "红" in page
    assert "黄" in page
    assert "/export/xlsx" in page
    assert "<svg" in page  # the reporting rate by month
    assert "长期坚持" in page  # deadlines as the plan wrote them, not as dates
    assert "2026年11月" in page

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
    assert "2026年11月" in history  # task 4's deadline as written


async def test_a_reporter_sees_only_its_units_tasks(site: Site, seeded: Seeded) -> None:
    await site.sign_in(seeded.reporter)
    response = await site.client.get("/board/")
    assert response.url.path == f"/board/plan/{seeded.plan_id}"  # one plan: straight to it
    page = await response.text()
    assert OTHER_TASK not in page
    assert "清单已梳理" in page  # its own words on task 1
    assert "/export/" not in page  # the whole plan's files are not a reporter's to take
    assert "<svg" not in page

    mine = await Unit.get(name="县发改局")
    unit_page = await site.client.get(f"/board/unit/{mine.id}")
    assert unit_page.status == 200
    assert "持续推进" in await unit_page.text()  # task 19's deadline as written
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


async def test_a_unit_sees_none_of_another_units_words(site: Site, seeded: Seeded) -> None:
    """On a task it shares, a unit sees its own progress, never the lead's nor who is silent."""
    task = await Task.get(plan_id=seeded.plan_id, number="1")
    await site.sign_in(seeded.reporter)  # 县发改局, responsible on task 1
    for path in ("/board/", f"/board/plan/{seeded.plan_id}", f"/board/task/{task.id}"):
        page = await (await site.client.get(path)).text()
        assert LEAD_WORDS not in page, path
        assert silent(page) <= {"县发改局"}, path  # 县财政局, 县人社局: not its business
    assert "清单已梳理" in await (await site.client.get(f"/board/task/{task.id}")).text()
    lead = await Unit.get(name="县政务服务中心")
    assert (await site.client.get(f"/board/unit/{lead.id}")).status == 404

    await site.client.post("/board/signout")
    await site.sign_in(seeded.leader)  # 县政务服务中心's leader: its unit's words only
    page = await (await site.client.get(f"/board/plan/{seeded.plan_id}")).text()
    assert LEAD_WORDS in page
    assert "清单已梳理" not in page
    assert "环节未压缩" not in page
    assert silent(page) == {"县政务服务中心"}  # silent on tasks 2, 3…; 县发改局 never named
    assert "/export/" not in page
    assert "<svg" not in page
    history = await (await site.client.get(f"/board/task/{task.id}")).text()
    assert LEAD_WORDS in history
    assert "清单已梳理" not in history
    for fmt in ("xlsx", "docx", "png"):
        response = await site.client.get(f"/board/plan/{seeded.plan_id}/export/{fmt}")
        assert response.status == 404, fmt


async def test_a_unit_with_no_task_in_a_plan_does_not_see_it(site: Site, seeded: Seeded) -> None:
    await Unit.create(name="县档案馆", kind="government")
    await site.sign_in(await bind("wecom:dang", ContactRole.REPORTER, "县档案馆"))
    plans = await (await site.client.get("/board/")).text()
    assert "/board/plan/" not in plans
    response = await site.client.get(f"/board/plan/{seeded.plan_id}")
    assert response.status == 404
    assert "营商" not in await response.text()


def silent(page: str) -> set[str]:
    """The units a page names as not reported (未报送：A、B)."""
    return {name for listed in re.findall(r"未报送：([^<]*)<", page) for name in listed.split("、")}


async def test_a_plan_page_is_built_once_until_a_record_changes(site: Site, seeded: Seeded) -> None:
    pages, path = site.board.pages, f"/board/plan/{seeded.plan_id}"
    await site.sign_in(seeded.secretariat)
    for _ in range(3):
        assert (await site.client.get(path)).status == 200
    assert pages.built == 1  # the whole plan, once

    await site.client.post("/board/signout")
    await site.sign_in(seeded.reporter)
    for _ in range(2):
        assert "清单已梳理" in await (await site.client.get(path)).text()
    assert pages.built == 2  # its scope, from the whole plan kept

    contact = await Contact.get(id=seeded.reporter)
    request = await ReportRequest.get(unit_id=contact.unit_id, task__number="1")
    revised = Draft(Status.IN_PROGRESS, 80, "清单已公布")
    await submit_report(contact, request.id, revised, now=site.clock(), today=NOW.date())
    page = await (await site.client.get(path)).text()
    assert "清单已公布" in page  # a new report: built anew at once, not after a while
    assert "清单已梳理" not in page
    assert pages.built == 4

    site.clock.now += timedelta(days=1)  # lights depend on the day
    await site.sign_in(seeded.reporter)
    assert (await site.client.get(path)).status == 200
    assert pages.built == 6


async def test_a_download_is_written_once_while_it_is_current(site: Site, seeded: Seeded) -> None:
    folder = site.board.data_dir / "exports" / "board"
    url = f"/board/plan/{seeded.plan_id}/export/xlsx"
    await site.sign_in(seeded.secretariat)
    first = await (await site.client.get(url)).read()
    [written] = folder.iterdir()
    again = await (await site.client.get(url)).read()
    assert again == first
    assert list(folder.iterdir()) == [written]  # served from the file, not rebuilt

    contact = await Contact.get(id=seeded.reporter)
    request = await ReportRequest.get(unit_id=contact.unit_id, task__number="4")
    revised = Draft(Status.IN_PROGRESS, 40, "环节已压缩一半")
    await submit_report(contact, request.id, revised, now=site.clock(), today=NOW.date())
    both = await asyncio.gather(site.client.get(url), site.client.get(url))
    bodies = [await response.read() for response in both]
    assert bodies[0] == bodies[1]
    assert bodies[0].startswith(b"PK")
    [current] = folder.iterdir()  # one file for the two (the second waits, then reads it)
    assert current != written  # the records changed: written anew, the old file gone


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
        assert response.headers["Referrer-Policy"] == "same-origin"  # POSTs keep their Origin
    page = await (await site.client.get(f"/board/plan/{seeded.plan_id}")).text()
    assert "<script" not in page
    assert "style=" not in page


async def test_junk_sign_ins_lock_nobody_out_without_a_trusted_proxy(
    site: Site, seeded: Seeded
) -> None:
    """Every request may come through one proxy: no count, so no lockout of everyone."""
    statuses = [
        (await site.client.post("/board/signin", data={"token": f"guess{i}"})).status
        for i in range(12)
    ]
    assert statuses == [403] * 12
    await site.sign_in(seeded.secretariat)  # a real link still works
    assert not site.board.failures.seen


async def test_failed_sign_ins_are_limited_per_client_behind_a_trusted_proxy(
    site: Site, seeded: Seeded
) -> None:
    site.board.failures = Failures(trusted=trusted_proxies("127.0.0.1, 10.0.0.1"))
    junk = {"X-Forwarded-For": "198.51.100.7, 203.0.113.5"}  # the proxy added the last
    statuses = [
        (await site.client.post("/board/signin", data={"token": "x"}, headers=junk)).status
        for _ in range(11)
    ]
    assert statuses == [403] * 10 + [429]
    token = await access.issue_link(seeded.secretariat, now=site.clock())
    other = {"X-Forwarded-For": "198.51.100.7, 203.0.113.6"}  # another client: not blocked
    response = await site.client.post(
        "/board/signin", data={"token": token}, headers=other, allow_redirects=False
    )
    assert response.status == 303
    assert list(site.board.failures.seen) == ["203.0.113.5"]


def test_old_and_surplus_client_addresses_are_pruned() -> None:
    failures = Failures(trusted=frozenset({"127.0.0.1"}), clients=2, window=60.0)
    for client in ("203.0.113.1", "203.0.113.2", "203.0.113.3"):
        failures.failed(proxied(client))
    assert list(failures.seen) == ["203.0.113.2", "203.0.113.3"]  # the cap: oldest out
    failures.seen["203.0.113.2"][0] -= 61.0  # as if its failure was over a minute ago
    failures.seen.move_to_end("203.0.113.2", last=False)
    failures.failed(proxied("203.0.113.4"))
    assert list(failures.seen) == ["203.0.113.3", "203.0.113.4"]  # stale: gone
    assert not failures.blocked(proxied("203.0.113.2"))


def proxied(client: str) -> web.Request:
    """A sign-in request through the local proxy for ``client``."""
    return make_mocked_request(
        "POST", "/board/signin", headers={"X-Forwarded-For": client}, transport=LOCAL
    )


class _Local:
    """A transport whose peer is the local proxy."""

    def get_extra_info(self, name: str, default: object = None) -> object:
        return ("127.0.0.1", 4711) if name == "peername" else default


LOCAL = _Local()


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({"Origin": "https://evil.example"}, 403),  # login CSRF from another site
        ({"Sec-Fetch-Site": "cross-site"}, 403),
        ({"Origin": "null"}, 403),  # a page that hid where it is, nothing else
        ({"Origin": "null", "Sec-Fetch-Site": "same-site"}, 403),
        ({"Origin": "http://board.test", "Sec-Fetch-Site": "same-origin"}, 303),
        ({"Origin": "null", "Sec-Fetch-Site": "same-origin"}, 303),
        ({}, 303),  # no browser: nobody to forge a sign-in for
    ],
)
async def test_a_sign_in_must_come_from_the_boards_own_page(
    site: Site, seeded: Seeded, headers: dict[str, str], status: int
) -> None:
    token = await access.issue_link(seeded.reporter, now=site.clock())
    response = await site.client.post(
        "/board/signin", data={"token": token}, headers=headers, allow_redirects=False
    )
    assert response.status == status
    assert await access.link_open(token, now=site.clock()) is (status == 403)  # kept unspent


def test_the_boards_own_origin() -> None:
    assert origin_of("https://Duban.example.gov.cn/") == "https://duban.example.gov.cn"
    assert origin_of("https://duban.example.gov.cn:443/x") == "https://duban.example.gov.cn"
    assert origin_of("http://127.0.0.1:8080") == "http://127.0.0.1:8080"
    assert origin_of("") == ""


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
