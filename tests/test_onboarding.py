"""Bulk onboarding on real storage: a sheet binds WeCom people, invites the rest, all or nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.roster import RosterRow
from bot.i18n import Translator
from bot.people.binding import ContactRole, NewInvite, create_invite, redeem_invite
from bot.people.onboarding import (
    BIND,
    BOUND,
    INVITE,
    INVITED,
    SheetRefusedError,
    Step,
    apply_import,
    plan_import,
)
from bot.plans.units import UnitError, add_alias, find_unit
from bot.storage.models import AuditLog, Contact, Invite

EN = Translator("en")
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def row(line: int, unit: str, role: str, name: str, **more: str) -> RosterRow:
    return RosterRow(
        line, unit, role, name, more.get("phone", ""), more.get("wecom", ""), more.get("tg", "")
    )


SHEET = [
    row(2, "县发改局", "reporter", "王联络", phone="13800138000", wecom="wanglianluo"),
    row(3, "县发改局", "leader", "赵局长", phone="0745-2345678", tg="@zhaoju"),
    row(4, "县财政局", "reporter", "钱会计", phone="13900139000"),
    row(5, "", "secretariat", "周秘书"),
]


async def test_a_sheet_binds_wecom_people_and_invites_the_rest(planned: str) -> None:
    steps = await plan_import(SHEET, now=NOW)
    assert [s.action for s in steps] == [BIND, INVITE, INVITE, INVITE]
    published: list[tuple[Step, NewInvite]] = []

    async def publish(codes: list[tuple[Step, NewInvite]]) -> None:
        published.extend(codes)
        assert await Invite.all().count() == 3  # written inside the transaction

    done = await apply_import(steps, now=NOW, locale="zh_CN", publish=publish)
    assert done.count(BIND) == 1
    assert [(s.row.name, c.role) for s, c in published] == [
        ("赵局长", ContactRole.LEADER),
        ("钱会计", ContactRole.REPORTER),
        ("周秘书", ContactRole.SECRETARIAT),
    ]
    (contact,) = await Contact.all().select_related("unit")
    assert (contact.identity, contact.channel, contact.display_name, contact.phone) == (
        "wecom:wanglianluo",
        "wecom",
        "王联络",
        "13800138000",
    )
    assert (contact.unit.name if contact.unit else None, contact.role) == ("县发改局", "reporter")
    audit = await AuditLog.filter(action="bind.contact").get()
    assert audit.detail["via"] == "import"
    assert await Invite.filter(name="钱会计", phone="13900139000").exists()

    # A code redeemed on Telegram: the contact carries the sheet's name and phone.
    code = next(c.code for s, c in published if s.row.name == "钱会计")
    _, bound = await redeem_invite(
        code,
        identity="telegram:777",
        channel="telegram",
        display_name="Qian K.",
        chat_identity="telegram:777",
        is_group=False,
        now=NOW,
    )
    assert isinstance(bound, Contact)
    assert (bound.display_name, bound.phone) == ("钱会计", "13900139000")


async def test_importing_again_changes_nothing_unless_codes_are_reissued(planned: str) -> None:
    await apply_import(await plan_import(SHEET, now=NOW), now=NOW, locale="zh_CN")
    again = await plan_import(SHEET, now=NOW)
    assert [s.action for s in again] == [BOUND, INVITED, INVITED, INVITED]
    done = await apply_import(again, now=NOW, locale="zh_CN")
    assert done.codes == []
    reissued = await plan_import(SHEET, now=NOW, reissue=True)
    assert [s.action for s in reissued] == [BOUND, INVITE, INVITE, INVITE]
    await apply_import(reissued, now=NOW, locale="zh_CN")
    assert await Invite.filter(revoked_at=None).count() == 3
    assert await Invite.exclude(revoked_at=None).count() == 3
    # An expired code is no reason to skip: the person gets a new one.
    later = NOW + timedelta(days=8)
    assert [s.action for s in await plan_import(SHEET, now=later)][1:] == [INVITE] * 3


async def test_a_bad_sheet_is_refused_with_every_problem_and_nothing_stored(planned: str) -> None:
    await create_invite("县财政局", ContactRole.REPORTER, now=NOW, locale="zh_CN")  # unrelated
    other = await Contact.create(
        unit=await find_unit("县财政局"),
        role="reporter",
        identity="wecom:lisi",
        channel="wecom",
        display_name="李四",
    )
    sheet = [
        row(2, "县发改局", "reporter", "王联络", wecom="wanglianluo"),
        row(3, "教育局", "reporter", "张三"),
        row(4, "县发改局", "leader", "王联络"),
        row(5, "县发改局", "leader", "李四", wecom="lisi"),
        row(6, "不存在的单位XYZ", "reporter", "孙七"),
    ]
    with pytest.raises(SheetRefusedError) as refused:
        await plan_import(sheet, now=NOW)
    texts = [EN.render(p) for p in refused.value.problems]
    assert texts == [
        "Row 3: there is no unit “教育局”; did you mean “县教育局”?",
        "Row 4: 王联络 of 县发改局 is already on row 2.",
        f"Row 5: lisi is already bound to 县财政局 (contact #{other.id}).",
        "Row 6: there is no unit “不存在的单位XYZ”.",
    ]
    assert EN.render(refused.value.message) == "4 problems in the sheet; nothing was imported."
    assert await Contact.all().count() == 1
    assert await Invite.all().count() == 1


async def test_nothing_is_kept_when_the_invitation_sheet_cannot_be_written(planned: str) -> None:
    async def publish(codes: list[tuple[Step, NewInvite]]) -> None:
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        await apply_import(
            await plan_import(SHEET, now=NOW), now=NOW, locale="zh_CN", publish=publish
        )
    assert await Contact.all().count() == 0
    assert await Invite.all().count() == 0


async def test_unit_names_are_suggested_when_they_match_nothing(planned: str) -> None:
    assert (await find_unit("县教育局")).name == "县教育局"
    assert (await find_unit("县 教 育 局")).name == "县教育局"  # spaces as plans write them
    with pytest.raises(UnitError) as unknown:
        await find_unit("教育局")
    assert unknown.value.suggestions[0] == "县教育局"
    assert len(unknown.value.suggestions) <= 3
    assert EN.render(unknown.value.message).startswith(
        "There is no unit called “教育局”. Did you mean “县教育局”"
    )
    with pytest.raises(UnitError) as nothing:
        await find_unit("XYZ")
    assert nothing.value.suggestions == []
    assert EN.render(nothing.value.message) == "There is no unit called “XYZ”."
    await add_alias("县教育局", "教育局", plan_id=None)
    assert (await find_unit("教育局")).name == "县教育局"  # an alias is taken silently
