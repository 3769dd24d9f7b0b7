"""``duban contacts sync-wecom`` against the WeCom emulator's address book, and the emulator's
address book as strict as WeCom (tokens, 60003, 60011)."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest
from aiohttp import ClientSession

from bot.channels.wecom.client import WecomClient, call
from bot.importers import read_plan
from bot.people.binding import ContactRole, create_invite
from bot.people.directory import BOUND, INVITED, NEW, AddressBook, sync_address_book
from bot.plans.importing import import_plan
from bot.plans.units import find_unit
from bot.sandbox.wecom import WecomEmulator
from bot.storage.models import AuditLog, Contact, Invite

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def county(wx: WecomEmulator) -> None:
    """A county's address book: units as departments, offices below them, one stray."""
    wx.department(2, "县直单位")
    wx.department(10, "县财政局", parent=2, leaders=("caiju",))
    wx.department(11, "办公室", parent=10)  # belongs to 县财政局
    wx.department(20, "发改局", parent=2)  # 县发改局 written without its level
    wx.department(30, "老干部活动中心", parent=2)  # no unit of the plan
    wx.department(40, "保密室", visible=False)
    wx.member("caiju", "蔡局长", departments=(10,))
    wx.member("qianhuiji", "钱会计", departments=(11,))
    wx.member("wanglianluo", "王联络", departments=(20,))
    wx.member("fagai2", "刘干事", departments=(20, 30))
    wx.member("laoganbu", "孙主任", departments=(30,))


@pytest.fixture
async def wx() -> AsyncIterator[WecomEmulator]:
    emulator = WecomEmulator()
    await emulator.start()
    county(emulator)
    yield emulator
    await emulator.stop()


async def test_the_address_book_answers_as_wecom_does(wx: WecomEmulator) -> None:
    async with ClientSession() as http:

        async def get(path: str, **query: str) -> dict[str, object]:
            async with http.get(f"{wx.base}/cgi-bin/{path}", params=query) as response:
                assert response.status == 200
                answer: dict[str, object] = await response.json()
                return answer

        assert (await get("department/list"))["errcode"] == 40014
        stale = await get("user/simplelist", department_id="10", access_token="x")  # noqa: S106
        assert stale["errcode"] == 40014
        token = await get("gettoken", corpid=wx.corp_id, corpsecret=wx.secret)
        key = str(token["access_token"])
        listed = await get("department/list", access_token=key)
        assert listed["errcode"] == 0
        departments = listed["department"]
        assert isinstance(departments, list)
        assert [d["id"] for d in departments] == [1, 2, 10, 20, 30, 11]  # 40 is not visible
        assert departments[2] == {
            "id": 10,
            "name": "县财政局",
            "name_en": "",
            "department_leader": ["caiju"],
            "parentid": 2,
            "order": 2,
        }
        below = await get("department/list", access_token=key, id="10")
        assert [d["id"] for d in below["department"]] == [10, 11]  # type: ignore[union-attr]
        assert (await get("department/list", access_token=key, id="99"))["errcode"] == 60003
        members = await get("user/simplelist", access_token=key, department_id="10")
        assert members == {
            "errcode": 0,
            "errmsg": "ok",
            "userlist": [{"userid": "caiju", "name": "蔡局长", "department": [10]}],
        }
        deep = await get("user/simplelist", access_token=key, department_id="10", fetch_child="1")
        assert [u["userid"] for u in deep["userlist"]] == ["caiju", "qianhuiji"]  # type: ignore[union-attr]
        for query, errcode in (
            ({}, 60003),
            ({"department_id": "abc"}, 60003),
            ({"department_id": "99"}, 60003),
            ({"department_id": "40"}, 60011),
        ):
            answer = await get("user/simplelist", access_token=key, **query)
            assert answer["errcode"] == errcode, query
        wx.expire_tokens()
        assert (await get("department/list", access_token=key))["errcode"] == 42001


async def test_sync_fills_names_offers_members_and_binds_waiting_codes(
    db: str, sample_plan: Path, wx: WecomEmulator
) -> None:
    await import_plan(
        read_plan(sample_plan), source_name="sample.md", sha256="0" * 64, now=datetime.now(UTC)
    )
    fagai = await find_unit("县发改局")
    bound = await Contact.create(
        unit=fagai, role="reporter", identity="wecom:wanglianluo", channel="wecom"
    )  # bound with a code in WeCom, which gives no name
    await Contact.create(
        unit=fagai, role="leader", identity="wecom:ghost", channel="wecom", display_name="离职者"
    )
    await create_invite("县财政局", ContactRole.REPORTER, now=NOW, locale="zh_CN", name="钱会计")
    client = WecomClient(wx.corp_id, wx.secret, wx.base)
    try:
        book = AddressBook.from_api(*await call(client.address_book))
    finally:
        client.close()
    assert wx.directory.calls == {"department/list": 1, "user/simplelist": 6}
    assert book.members["fagai2"].departments == (20, 30)

    synced = await sync_address_book(book, now=NOW)
    assert synced.renamed == [("wanglianluo", "", "王联络")]
    await bound.refresh_from_db()
    assert bound.display_name == "王联络"
    assert await AuditLog.filter(action="contact.rename", subject="wecom:wanglianluo").exists()
    assert [c.identity for c in synced.missing] == ["wecom:ghost"]
    assert synced.unmatched == ["县直单位", "老干部活动中心"]
    offers = [
        (s.unit, s.department, s.userid, s.role, s.status, s.exact) for s in synced.suggestions
    ]
    assert offers == [
        ("县发改局", "发改局", "fagai2", None, NEW, False),  # the agency's name only
        ("县财政局", "办公室", "qianhuiji", "reporter", INVITED, True),  # the unit's office
        ("县财政局", "县财政局", "caiju", "leader", NEW, True),  # its head
    ]
    assert await Contact.filter(identity="wecom:qianhuiji").count() == 0  # offered only

    # With --bind the code waiting for 钱会计 becomes a binding; a department matched by its
    # agency alone is not trusted that far.
    await create_invite("县发改局", ContactRole.REPORTER, now=NOW, locale="zh_CN", name="刘干事")
    synced = await sync_address_book(book, now=NOW, bind=True)
    assert [(s.userid, s.status) for s in synced.suggestions] == [
        ("fagai2", INVITED),
        ("qianhuiji", BOUND),
        ("caiju", NEW),
    ]
    contact = await Contact.get(identity="wecom:qianhuiji").select_related("unit")
    assert (contact.display_name, contact.role, contact.unit.name if contact.unit else "") == (
        "钱会计",
        "reporter",
        "县财政局",
    )
    invite = await Invite.get(name="钱会计")
    assert invite.used_by == "wecom:qianhuiji"
    assert await AuditLog.filter(action="bind.contact", subject="县财政局").exists()
    again = await sync_address_book(book, now=NOW)
    assert again.renamed == []  # names already right
    assert [s.userid for s in again.suggestions] == ["fagai2", "caiju"]


def clean_env(**env: str) -> dict[str, str]:
    return {**{k: v for k, v in os.environ.items() if not k.startswith("DUBAN_")}, **env}


async def duban(folder: Path, env: dict[str, str], *args: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, cwd=folder, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(), 120)
    assert b"Traceback" not in out + err, (out + err).decode()
    return process.returncode or 0, out.decode(), err.decode()


async def test_sync_wecom_on_the_command_line_writes_offers_to_import(
    tmp_path: Path, sample_plan: Path, wx: WecomEmulator
) -> None:
    env = clean_env(
        DUBAN_DATABASE_URL=f"sqlite://{tmp_path / 'cli.sqlite3'}",
        DUBAN_DEFAULT_LOCALE="zh_CN",
        DUBAN_WECOM_CORP_ID=wx.corp_id,
        DUBAN_WECOM_SECRET=wx.secret,
        DUBAN_WECOM_API_BASE=wx.base,
    )
    assert (await duban(tmp_path, env, "import", str(sample_plan)))[0] == 0
    code, out, err = await duban(tmp_path, env, "contacts", "sync-wecom", "--unit", "教育局")
    assert code == 2
    assert "县教育局" in err
    code, out, err = await duban(tmp_path, env, "contacts", "sync-wecom", "--sheet", "offers.xlsx")
    assert code == 0, err
    assert "caiju" in out
    assert "蔡局长" in out
    assert "老干部活动中心" in out
    book = openpyxl.load_workbook(tmp_path / "offers.xlsx")
    sheet = book.active
    assert sheet is not None
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][:5] == ["单位", "角色", "姓名", "手机", "企业微信账号"] or rows[0][0] == "Unit"
    assert [r[4] for r in rows[1:]] == ["fagai2", "wanglianluo", "caiju", "qianhuiji"]
    # The secretariat fills in the role the sync could not know, then imports the sheet.
    for r in rows[1:]:
        r[1] = r[1] or "联络员"
    filled = openpyxl.Workbook()
    target = filled.active
    assert target is not None
    for r in rows:
        target.append(r)
    filled.save(tmp_path / "offers.xlsx")
    code, out, err = await duban(tmp_path, env, "contacts", "import", "offers.xlsx")
    assert code == 0, err
    code, out, _ = await duban(tmp_path, env, "contacts", "--json")
    listed = {c["identity"]: (c["unit"], c["role"], c["name"]) for c in json.loads(out)}
    assert listed == {
        "wecom:fagai2": ("县发改局", "reporter", "刘干事"),
        "wecom:wanglianluo": ("县发改局", "reporter", "王联络"),
        "wecom:caiju": ("县财政局", "leader", "蔡局长"),
        "wecom:qianhuiji": ("县财政局", "reporter", "钱会计"),
    }
    code, out, _ = await duban(tmp_path, env, "contacts", "sync-wecom", "--json")
    assert code == 0
    assert json.loads(out)["suggestions"] == []
    missing = clean_env(DUBAN_DATABASE_URL=env["DUBAN_DATABASE_URL"])
    code, _, err = await duban(tmp_path, missing, "contacts", "sync-wecom")
    assert code == 2
    assert "DUBAN_WECOM_CORP_ID" in err
