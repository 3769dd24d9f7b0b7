"""Refusals and hostile input, as dialogue tables: nothing stored is touched by any of them.

Every answer is compared whole: a refusal that also did something, or said something else
besides, fails the row.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cadence.dispatch import dispatch
from bot.domain.conversation import InboundFile
from bot.domain.payloads import payload
from bot.domain.reporting import Month
from bot.i18n import Translator
from bot.importers import read_plan
from bot.people.binding import ContactRole, create_invite
from bot.plans.importing import import_plan
from bot.storage.models import (
    Attachment,
    ChatBinding,
    Contact,
    ConversationState,
    Invite,
    OfferedOptions,
    OutboxMessage,
    ProgressReport,
    ReportRequest,
)
from tests.answers import GOAL_1, HOW_FAR, LEADER_HELP, REPORTER_HELP, SECRETARIAT_HELP, WRITE
from tests.dialogue import Dialogue, DictFiles, Person, replies, reply, run_table

ALICE = Person("telegram:1001", "王联络")
MALLORY = Person("telegram:666", "<b>Mallory</b>")
LEADER = Person("telegram:2002", "李局长")
SEC = Person("telegram:3003", "秘书组小刘")
GROUP = Person("telegram:3003", "秘书组群", group="-100555")
STRANGER_GROUP = Person("telegram:3003", "闲聊群", group="-100777")
BOB = Person("wecom:zhangsan", "张三")


NOT_BOUND = reply(
    "You are not bound to a unit yet. Ask the secretariat (秘书组) for a bind code, then send "
    "“/start CODE” (Telegram) or “绑定 CODE” (WeCom)."
)
NOT_VALID = reply("That button is not valid.")
NOT_YOURS = reply("That task is not one of your unit’s open requests.")
# a bound secretariat chat: the secretariat's commands, but no /unbind (a chat is unbound
# from the CLI, ``duban chat unbind``)
UNBIND_LINE = "\n/unbind (解绑) — stop receiving messages as secretariat"
# nor /board: a sign-in link is personal, asked for in a private chat
BOARD_LINE = "\n/board (看板) — a one-time link to the status board in the browser"
GROUP_HELP = SECRETARIAT_HELP.replace(UNBIND_LINE, "").replace(BOARD_LINE, "")
TASK_1 = reply(
    "Task 1: 深化“一件事一次办”改革。\n"
    f"Goal: {GOAL_1}\nYour unit: responsible unit (责任)\nPeriod 2026-11, due 2026-12-02\n\n"
    "No earlier report on this task.\n\nChoose the status:",
    title="Report 2026-11",
)
WHICH_TASK = reply("Which task is this for?")
CONTACTS = reply(
    "#4 secretariat · secretariat · 秘书组小刘 · telegram\n"
    "#3 县发改局 · leader · 李局长 · telegram\n"
    "#1 县发改局 · reporter · 王联络 · telegram\n"
    "#2 县财政局 · reporter · <b>Mallory</b> · telegram",  # stored and shown as text
    title="Bound contacts (4)",
)  # the same order on SQLite and PostgreSQL: the secretariat first


def check(status: str, text: str, files: int = 0) -> str:
    """The card asking to confirm a report."""
    attached = f"\nFiles attached: {files}" if files else ""
    return reply(
        f"Status: {status}\nProgress: {text}{attached}\n\n"
        "Submit this report? You can still send photos or files first.",
        title="Check your report",
    )


def reported(status: str) -> str:
    """The answer to a submitted first report on task 1 of 县发改局 (7 open requests)."""
    return reply(f"Reported task 1 for 2026-11 (version 1): {status}.\n\nStill to report: 6.")


@pytest.fixture
async def world(db: str, sample_plan: Path, tmp_path: Path) -> Dialogue:
    await import_plan(
        read_plan(sample_plan), source_name="sample.md", sha256="0" * 64, now=datetime.now(UTC)
    )
    d = Dialogue(tmp_path / "data")
    for who, unit, role in (
        (ALICE, "县发改局", ContactRole.REPORTER),
        (MALLORY, "县财政局", ContactRole.REPORTER),
        (LEADER, "县发改局", ContactRole.LEADER),
        (SEC, None, ContactRole.SECRETARIAT),
    ):
        invite = await create_invite(unit, role, now=d.clock(), locale="en")
        await d.says(who, f"/start {invite.code}")
    await dispatch(Month(2026, 11), now=d.clock(), today=d.clock.now.date())
    return d


async def alice_request(unit: str = "县发改局") -> ReportRequest:
    return await ReportRequest.filter(unit__name=unit).order_by("id").first()  # type: ignore[return-value]


async def test_unknown_people_get_the_hint_and_nothing_else(world: Dialogue) -> None:
    stranger = Person("telegram:9", language="en")
    request = await alice_request()
    await run_table(
        world,
        [
            (stranger, "/mytasks", NOT_BOUND),
            (stranger, "/contacts", NOT_BOUND),
            (stranger, "进展顺利", NOT_BOUND),
            (
                stranger,
                "/start WRONGCODE1",
                reply("This code is not valid. Check it, or ask the secretariat."),
            ),
            (stranger, "/start", NOT_BOUND),
            (stranger, "/help", NOT_BOUND),
        ],
    )
    assert await world.sends_payload(stranger, payload("s", request.id, 3)) == NOT_BOUND
    assert await ProgressReport.all().count() == 0
    assert not await Contact.filter(identity=stranger.identity).exists()


async def test_forged_and_foreign_buttons_are_refused(world: Dialogue) -> None:
    alices = await alice_request()
    for forged, expected in (
        (payload("t", alices.id), NOT_YOURS),  # another unit's request
        (payload("s", alices.id, 3), NOT_YOURS),
        (payload("c", alices.id), NOT_YOURS),
        ("v1:t:999999", NOT_YOURS),  # no such request
        ("v1:t:999999999999", NOT_VALID),  # beyond a 32-bit id (PostgreSQL would overflow)
        ("v2:t:1", NOT_VALID),  # unknown version
        ("v1:t:1:" + "9" * 60, NOT_VALID),  # too long
        ("v1:zz:1", NOT_VALID),
        ("", NOT_VALID),
        ("v1:t:-1", NOT_VALID),
        ("v1:s:²", NOT_VALID),  # a digit to str.isdigit, not to int()
        ("'; DROP TABLE report_request; --", NOT_VALID),
    ):
        assert await world.sends_payload(MALLORY, forged) == expected, forged
    # a replayed confirm after the flow ended does not store a second report
    assert await world.sends_payload(ALICE, payload("t", alices.id)) == TASK_1
    await run_table(
        world,
        [
            (ALICE, "[Done]", WRITE),
            (ALICE, "全部完成", check("Done", "全部完成")),
            (ALICE, "[Submit]", reported("Done")),
        ],
    )
    finished = replies(
        reply("That button belongs to a report that is finished or was cancelled."),
        reply(
            "Open report requests (✓ = reported, can still be revised):\n\n"
            "[2026-11] Task 1 深化“一件事一次办”改革。 ✓\n"
            "[2026-11] Task 3 优化工程建设项目审批。\n"
            "[2026-11] Task 4 提升获得电力、用水用气服务水平。\n"
            "[2026-11] Task 12 构建亲清政商关系。\n"
            "[2026-11] Task 18 开展营商环境监督评价。\n"
            "[2026-11] Task 19 加强营商环境宣传推介。\n"
            "[2026-11] Task 20 推进信用体系建设。"
        ),
    )
    assert await world.sends_payload(ALICE, payload("c", alices.id)) == finished
    assert await world.sends_payload(ALICE, payload("s", alices.id, 9)) == finished
    assert await ProgressReport.all().count() == 1


async def test_leaders_and_secretariat_cannot_report(world: Dialogue) -> None:
    request = await alice_request()
    reporters_only = reply("That command is for a unit’s reporter.")
    secretariat_only = reply("Only the secretariat can use that command.")
    tasks = reply(
        "1. 深化“一件事一次办”改革。 — not reported yet ⏰2026年12月\n"
        "3. 优化工程建设项目审批。 — not reported yet ⏰2026年底\n"
        "4. 提升获得电力、用水用气服务水平。 — not reported yet ⏰2026年11月\n"
        "12. 构建亲清政商关系。 — not reported yet ⏰2026年底\n"
        "18. 开展营商环境监督评价。 — not reported yet ⏰2026年第四季度\n"
        "19. 加强营商环境宣传推介。 — not reported yet ⏰持续推进\n"
        "20. 推进信用体系建设。 — not reported yet ⏰2026年12月",
        title="Tasks of 县发改局 (7)",
    )
    await run_table(
        world,
        [
            (LEADER, "/report", replies(reporters_only, LEADER_HELP)),
            (LEADER, "/mytasks", tasks),
            (LEADER, "完成了", LEADER_HELP),
            (LEADER, "/contacts", secretariat_only),
            (ALICE, "/revoke 1", secretariat_only),
            (SEC, "/report", replies(reporters_only, SECRETARIAT_HELP)),
        ],
    )
    for who in (LEADER, SEC):
        answer = await world.sends_payload(who, payload("t", request.id))
        assert answer == reply("Only your unit’s reporter can report progress.")
    assert await ProgressReport.all().count() == 0


async def test_long_text_html_and_unknown_commands(world: Dialogue) -> None:
    request = await alice_request()
    assert await world.sends_payload(ALICE, payload("t", request.id)) == TASK_1
    too_long = reply(
        "The text has 50000 characters; a report takes at most 2000. Shorten it, or attach "
        "the full text as a file."
    )
    html = "<script>alert(1)</script> & <b>"
    await run_table(
        world,
        [
            (ALICE, "[Behind]", HOW_FAR),
            (ALICE, "250", reply("Send a whole number from 0 to 100, or choose below.")),
            (ALICE, "[Skip]", WRITE),
            (ALICE, "字" * 50_000, too_long),
            (ALICE, "   ", reply("The progress text is empty; write what was done this month.")),
            (ALICE, "/frobnicate", replies(reply("Unknown command “frobnicate”."), REPORTER_HELP)),
            (ALICE, html, check("Behind schedule", html)),
            (ALICE, "[Submit]", reported("Behind schedule")),
        ],
    )
    report = await ProgressReport.get()
    assert report.text == "<script>alert(1)</script> & <b>"
    assert report.percent is None


async def test_free_text_shortcut_asks_which_task(world: Dialogue) -> None:
    await run_table(world, [(ALICE, "本月完成重大项目谋划12个。", WHICH_TASK)])
    label = world.buttons(ALICE)[0][0]
    await run_table(
        world,
        [
            (ALICE, f"[{label}]", TASK_1),
            (ALICE, "[In progress]", HOW_FAR),
            (ALICE, "[40%]", check("In progress 40%", "本月完成重大项目谋划12个。")),
            (ALICE, "[Submit]", reported("In progress 40%")),
        ],
    )
    report = await ProgressReport.get()
    assert (report.text, report.percent) == ("本月完成重大项目谋划12个。", 40)


async def test_photo_outside_a_flow_is_kept_until_a_task_is_chosen(world: Dialogue) -> None:
    await run_table(world, [(ALICE, "@scene.jpg", WHICH_TASK)])
    label = world.buttons(ALICE)[0][0]
    await run_table(
        world,
        [
            (ALICE, f"[{label}]", TASK_1),
            (ALICE, "[Not started]", WRITE),
            (
                ALICE,
                "尚未启动，已完成前期调研。",
                check("Not started", "尚未启动，已完成前期调研。", 1),
            ),
            (ALICE, "[Submit]", reported("Not started")),
        ],
    )
    report = await ProgressReport.get().prefetch_related("attachments")
    assert len(report.attachments) == 1


async def test_cancel_keeps_nothing(world: Dialogue) -> None:
    request = await alice_request()
    assert await world.sends_payload(ALICE, payload("t", request.id)) == TASK_1
    cancelled = reply("Cancelled; nothing was saved.")
    await run_table(
        world,
        [
            (ALICE, "[Done]", WRITE),
            (ALICE, "/cancel", cancelled),
            (ALICE, "/cancel", cancelled),
        ],
    )
    assert await ProgressReport.all().count() == 0
    state = await ConversationState.get(identity=ALICE.identity)
    assert state.flow == ""


async def test_secretariat_lists_and_revokes_and_people_can_leave(world: Dialogue) -> None:
    mallory = await Contact.get(identity=MALLORY.identity, active=True)
    assert mallory.id == 2  # the contacts are numbered in the order they bound
    assert await world.says(SEC, "/contacts") == CONTACTS
    await run_table(
        world,
        [
            (SEC, "/revoke 2", reply("The binding of #2 (县财政局) has ended.")),
            (SEC, "/revoke 2", reply("No bound contact has the number 2.")),
            (
                SEC,
                "/revoke abc",
                reply("Send the contact number from /contacts, for example “/revoke 12”."),
            ),
            (MALLORY, "/mytasks", NOT_BOUND),
            (
                ALICE,
                "/unbind",
                reply("You are no longer bound (县发改局). Send a new code to bind again."),
            ),
            (ALICE, "/mytasks", NOT_BOUND),
        ],
    )
    notice = await OutboxMessage.get(recipient=MALLORY.identity, key=f"revoke:{mallory.id}")
    assert notice.payload["text"] == "The secretariat has ended your binding to 县财政局."


async def test_group_chats(world: Dialogue) -> None:
    reporter_code = (
        await create_invite("县财政局", ContactRole.REPORTER, now=world.clock(), locale="en")
    ).code
    sec_code = (
        await create_invite(None, ContactRole.SECRETARIAT, now=world.clock(), locale="en")
    ).code
    bound = reply("This chat is now bound as the secretariat’s chat: digests will be posted here.")
    await run_table(
        world,
        [
            (STRANGER_GROUP, "大家好", ""),
            (STRANGER_GROUP, "/contacts", ""),
            (
                STRANGER_GROUP,
                f"/start {reporter_code}",
                reply("Reporter and leader codes are used in a private chat with me."),
            ),
            (GROUP, f"/start {sec_code}", replies(bound, GROUP_HELP)),
            (GROUP, "随便聊聊", ""),
        ],
    )
    assert await world.says(GROUP, "/contacts") == CONTACTS
    assert await ChatBinding.filter(identity="telegram:-100555", role="secretariat").exists()
    assert await Invite.filter(used_at=None, revoked_at=None).count() == 1  # the reporter code


async def test_codes_expire_and_a_new_code_replaces_a_binding(world: Dialogue) -> None:
    old = (
        await create_invite("县财政局", ContactRole.REPORTER, now=world.clock(), locale="en")
    ).code
    world.clock.advance(days=8)
    expired = reply("This code has expired. Ask the secretariat for a new one.")
    await run_table(world, [(ALICE, f"/start {old}", expired)])
    fresh = (
        await create_invite("县财政局", ContactRole.REPORTER, now=world.clock(), locale="en")
    ).code
    asked = reply(
        "You are bound as reporter · 县发改局. This code would end that binding and bind you as "
        "reporter · 县财政局. Use it?"
    )
    await run_table(world, [(ALICE, f"绑定 {fresh.lower()}", asked)])
    assert await Contact.filter(
        identity=ALICE.identity, active=True, unit__name="县发改局"
    ).exists()
    rebound = replies(
        reply("Bound: you are the reporter of 县财政局."),
        reply("Your earlier binding (县发改局) has ended."),
        REPORTER_HELP,
    )
    await run_table(world, [(ALICE, "[Yes, use the new code]", rebound)])
    contact = await Contact.get(identity=ALICE.identity, active=True).select_related("unit")
    assert contact.unit is not None
    assert contact.unit.name == "县财政局"


async def test_wecom_numbered_options_and_late_revision(world: Dialogue) -> None:
    invite = await create_invite(
        "县财政局", ContactRole.REPORTER, now=world.clock(), locale="zh_CN"
    )
    await world.says(BOB, f"绑定 {invite.code}")

    def waiting(first_reported: bool) -> str:  # no numbers: WeCom's renderer adds them
        mark = " ✓" if first_reported else ""
        return reply(
            "待报送事项（✓ 表示已报送，截止前仍可修改）：\n\n"
            f"[2026-11] 第1项 深化“一件事一次办”改革。{mark}\n"
            "[2026-11] 第6项 便利纳税缴费。\n"
            "[2026-11] 第7项 破解融资难融资贵。\n"
            "[2026-11] 第13项 清理拖欠企业账款。"
        )

    zh = Translator("zh_CN")
    context = "\n".join(
        [
            zh.gettext("Goal: {goal}", goal=GOAL_1),
            zh.gettext("Your unit: {role}", role=zh.gettext("responsible unit (责任)")),
        ]
    )

    def task_1(before: str) -> str:
        return reply(
            f"第1项：深化“一件事一次办”改革。\n{context}\n调度期 2026-11，截止 2026-12-02\n\n"
            f"{before}\n\n请选择进展状态：",
            title="2026-11 进展报送",
        )

    def confirm(text: str) -> str:
        return reply(
            f"进展状态：已完成\n进展情况：{text}\n\n确认报送吗？报送前仍可继续发送照片或文件。",
            title="请核对报送内容",
        )

    write = reply("请用一条消息写明本月进展（之后可发送照片或文件）。")
    assert await world.says(BOB, "报送") == waiting(first_reported=False)
    offered = await OfferedOptions.get(identity=BOB.identity)
    requests = {
        r.task.number: r.id
        for r in await ReportRequest.filter(unit__name="县财政局").select_related("task")
    }
    assert offered.options == [
        [f"报送第{number}项", payload("t", requests[number])] for number in ("1", "6", "7", "13")
    ]  # the options the numbers stand for are stored
    await run_table(
        world,
        [
            (BOB, "1", task_1("该任务此前没有报送记录。")),
            (BOB, "4", write),  # the 4th status: done
            (BOB, "已完成全部工作", confirm("已完成全部工作")),
            (BOB, "1", reply("已报送第1项 2026-11 进展（第1版）：已完成。\n\n还有3项待报送。")),
        ],
    )
    assert await ProgressReport.filter(contact__identity=BOB.identity).count() == 1
    # after the deadline a first report is late, a revision is refused
    world.clock.advance(days=30)
    await run_table(
        world,
        [
            (BOB, "报送", waiting(first_reported=True)),
            # refused when the task is chosen, not after the text was written
            (BOB, "1", reply("2026-11报送已过截止日（2026-12-02），不能再修改。")),
        ],
    )
    assert await ProgressReport.filter(contact__identity=BOB.identity).count() == 1


async def test_an_oversized_file_is_refused_before_download(world: Dialogue) -> None:
    files = DictFiles()
    world.deps = replace(world.deps, files=files)
    # the bytes are at hand, so a handler that fetched them anyway would keep the file
    files.content["huge"] = b"PK\x03\x04 stands in for 25 MB"
    huge = InboundFile(kind="document", ref="huge", name="全年台账.zip", size=25 * 2**20)
    answer = await world._run(ALICE, world._inbound(ALICE, kind="file", file=huge))
    assert answer == reply("The file is larger than 20 MB and was not kept.")
    assert files.fetched == []  # refused from its stated size: nothing was downloaded
    assert await Attachment.all().count() == 0
    assert await ProgressReport.all().count() == 0
    # the same file, stated small, is fetched and kept: the record above can see a fetch
    small = InboundFile(kind="document", ref="huge", name="全年台账.zip", size=30)
    answer = await world._run(ALICE, world._inbound(ALICE, kind="file", file=small))
    assert answer == WHICH_TASK
    assert files.fetched == ["huge"]
    assert await Attachment.all().count() == 1
