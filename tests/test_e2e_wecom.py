"""End to end over WeCom: wechatpy-encrypted callbacks into our endpoint, replies through the
WeCom API emulator; numbered choices answered by number (only where the step is a pure
choice: a number at the percent step is a percentage); hostile callbacks refused."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.cadence.dispatch import dispatch
from bot.domain.reporting import Month
from bot.people.binding import ContactRole, create_invite
from bot.storage.models import Attachment, InboxUpdate, OutboxMessage, ProgressReport
from tests.answers import GOAL_1
from tests.e2e import world
from tests.waiting import settled

ZHANG = "zhangsan"
TZ = ZoneInfo("Asia/Shanghai")  # the bot's default timezone, in which it writes dates
CHOOSE = "\n请回复选项编号。"
BOUND = "绑定成功：您是县财政局的联络员。"
HELP = (
    "可用指令：\n报送（/report） — 报送本单位待报任务的进展\n"
    "我的任务（/mytasks） — 本单位任务及最近进展\n"
    "历史（/history） N — 查看第N项任务的报送记录；多个方案时写“历史 方案简称 N”\n"
    "取消（/cancel） — 放弃正在填写的报送\n"
    "延期（/extend） N YYYY-MM-DD 理由 — 申请延长第N项任务的完成时间\n"
    "销号（/close） N — 申请秘书组对本单位已完成的第N项任务销号\n"
    "看板（/board） — 在浏览器中查看看板的一次性登录链接\n"
    "语言（/lang） zh_CN|zh_TW|en — 设置回复所用的语言\n"
    "解绑（/unbind） — 不再以联络员身份接收消息\n"
    "也可直接发送进展文字，多项任务可写在一条消息里（如“第3项 已完成……”），"
    "我会识别任务和状态后请您确认。"
)
HOW_FAR = (
    "完成进度如何？请选择，或直接发送数字，如 65。\n也可以直接回复：20% / 40% / 60% / 80% / 跳过"
)
TASKS = (
    "第1项 深化“一件事一次办”改革。\n第6项 便利纳税缴费。\n"
    "第7项 破解融资难融资贵。\n第13项 清理拖欠企业账款。"
)
PROMPT_TASKS = (  # the prompt: each task with the unit's part and its goal, briefly
    f"第1项 深化“一件事一次办”改革。 · 责任单位\n  工作目标：{GOAL_1[:49]}…\n"
    "第6项 便利纳税缴费。 · 责任单位\n"
    "  工作目标：主要涉税服务事项网上办理率保持在95%以上。"
    "推行增值税留抵退税“即报即审”，办理时限压缩至3个工作…\n"
    "第7项 破解融资难融资贵。 · 牵头单位\n"
    "  工作目标：开展“政银企”对接活动不少于4场，新增普惠小微贷款2亿元以上。"
    "政府性融资担保平均费率降至1%以下。…\n"
    "第13项 清理拖欠企业账款。 · 责任单位\n"
    "  工作目标：建立拖欠企业账款台账，实行“清单式”管理、“销号式”推进。"
    "无分歧欠款应清尽清，确保新增拖欠“零发生…"
)
OPTIONS = "\n1. 报送第1项\n2. 报送第6项\n3. 报送第7项\n4. 报送第13项" + CHOOSE
STILL = "\n\n还有3项待报送。\n1. 报送第6项\n2. 报送第7项\n3. 报送第13项" + CHOOSE
WAITING = (
    "待报送事项（✓ 表示已报送，截止前仍可修改）：\n\n"
    "[2026-11] 第1项 深化“一件事一次办”改革。 ✓\n[2026-11] 第6项 便利纳税缴费。\n"
    "[2026-11] 第7项 破解融资难融资贵。\n[2026-11] 第13项 清理拖欠企业账款。" + OPTIONS
)


def write(*options: str) -> str:
    """The step asking for the narrative, with the options WeCom lists as words."""
    return "请用一条消息写明本月进展（之后可发送照片或文件）。\n也可以直接回复：" + " / ".join(
        (*options, "取消")
    )


def prompt(due: date) -> str:
    """The month's dispatch prompt, numbered for WeCom."""
    return (
        f"【2026-11 月度进展调度】\n县财政局：请于{due}前报送以下4项任务的本月进展。\n\n"
        f"{PROMPT_TASKS}\n\n请点选下方任务；随时发送“报送”可再次查看本清单。\n"
        "也可以用一条消息报送全部任务，每项一行，如“1. 已完成……”“6. 推进中，完成60%……”，"
        "我会请您逐项确认。" + OPTIONS
    )


def task_1(due: date, before: str = "该任务此前没有报送记录。") -> str:
    """The card of task 1, asking for its status (本月无新进展 once there is a report)."""
    options = "1. 未启动\n2. 推进中\n3. 滞后\n4. 已完成\n"
    options += "5. 本月无新进展\n6. 取消" if before.startswith("上次报送") else "5. 取消"
    return (
        f"【2026-11 进展报送】\n第1项：深化“一件事一次办”改革。\n工作目标：{GOAL_1}\n"
        f"本单位：责任单位\n调度期 2026-11，截止 {due}\n\n{before}\n\n请选择进展状态：\n"
        + options
        + CHOOSE
    )


def check(status: str, text: str, files: int = 0) -> str:
    """The card asking to confirm a report."""
    attached = f"\n附件：{files}个" if files else ""
    return (
        f"【请核对报送内容】\n进展状态：{status}\n进展情况：{text}{attached}\n\n"
        "确认报送吗？报送前仍可继续发送照片或文件。\n"
        "1. 确认报送\n2. 修改状态\n3. 重写内容\n4. 取消" + CHOOSE
    )


def reported(version: int, status: str) -> str:
    return f"已报送第1项 2026-11 进展（第{version}版）：{status}。" + STILL


async def last_report(version: int, status: str) -> str:
    """How the task card recalls the report of ``version``: its day in the bot's timezone."""
    report = await ProgressReport.get(version=version)
    day = report.submitted_at.astimezone(TZ).date()
    return f"上次报送（{day}，第{version}版）：{status}\n{report.text}"


def last(texts: list[str]) -> str:
    return texts[-1] if texts else ""


async def test_report_over_wecom(planned: str, tmp_path: Path) -> None:
    async with world(tmp_path, planned, wecom_cards=False) as w:
        wx = w.wecom
        wx.member(ZHANG, "张三")
        assert await wx.verify_url() == (200, "echo-ok")
        now = datetime.now(UTC)
        code = (await create_invite("县财政局", ContactRole.REPORTER, now=now, locale="zh_CN")).code
        assert await wx.user_says(ZHANG, f"绑定 {code}", repeat=3) == 200  # WeCom's retries
        await wx.wait_for(lambda: any("绑定成功" in t for t in wx.texts(ZHANG)))
        due = (await dispatch(Month(2026, 11), now=now, today=now.date())).due_on
        w.app.sender.wakeup.set()
        await wx.wait_for(lambda: "月度进展调度" in last(wx.texts(ZHANG)))
        for answer, expect in (
            ("1", "请选择进展状态"),
            ("3", "完成进度如何"),  # 3rd status: 滞后
            ("30%", "请用一条消息写明本月进展"),
            ("资金拨付滞后，正在协调。", "确认报送吗"),
        ):
            await wx.user_says(ZHANG, answer)
            await wx.wait_for(lambda expect=expect: expect in last(wx.texts(ZHANG)))
        await wx.user_sends_image(ZHANG, b"\x89PNG" + b"x" * 1000)
        await wx.wait_for(lambda: "附件：1个" in last(wx.texts(ZHANG)))
        await wx.user_says(ZHANG, "1")  # 确认报送
        await wx.wait_for(lambda: "第1版" in last(wx.texts(ZHANG)))
        # revise, answering with the option's words instead of its number
        await wx.user_says(ZHANG, "报送")
        await wx.wait_for(lambda: "待报送事项" in last(wx.texts(ZHANG)))
        for answer, expect in (
            ("1", "上次报送"),
            ("推进中", "完成进度如何"),
            ("50", "沿用上次内容"),
            ("沿用上次内容", "确认报送吗"),
            ("确认报送", "第2版"),
        ):
            await wx.user_says(ZHANG, answer)
            await wx.wait_for(lambda expect=expect: expect in last(wx.texts(ZHANG)))
        await settled()  # every update handled and every answer sent (or failed)
        texts = wx.texts(ZHANG)

    first = await last_report(1, "滞后 30%")
    text = "资金拨付滞后，正在协调。"
    assert texts == [
        BOUND,  # once: three deliveries of one message, handled once
        HELP,
        prompt(due),
        task_1(due),
        HOW_FAR,  # 3rd status: 滞后
        write(),
        check("滞后 30%", text),
        "已附上文件（共1个）。",
        check("滞后 30%", text, 1),
        reported(1, "滞后 30%"),
        WAITING,
        task_1(due, first),
        HOW_FAR,
        write("沿用上次内容"),
        check("推进中 50%", text),
        reported(2, "推进中 50%"),
    ]
    assert await InboxUpdate.filter(channel="wecom").count() == 13
    reports = await ProgressReport.all().order_by("version")
    assert [(r.version, r.status, r.percent) for r in reports] == [
        (1, "behind", 30),
        (2, "in_progress", 50),
    ]
    assert reports[1].text == text
    photo = await Attachment.get(report_id=reports[0].id)
    assert (tmp_path / "data" / photo.path).read_bytes().startswith(b"\x89PNG")
    assert await OutboxMessage.exclude(state="sent").count() == 0
    assert sum(wx.dropped.values()) == 0


async def test_numbers_are_options_only_at_pure_choice_steps(planned: str, tmp_path: Path) -> None:
    async with world(tmp_path, planned, wecom_cards=False) as w:
        wx = w.wecom
        wx.member(ZHANG, "张三")
        now = datetime.now(UTC)
        code = (await create_invite("县财政局", ContactRole.REPORTER, now=now, locale="zh_CN")).code
        await wx.user_says(ZHANG, f"绑定 {code}")
        await wx.wait_for(lambda: any("绑定成功" in t for t in wx.texts(ZHANG)))
        due = (await dispatch(Month(2026, 11), now=now, today=now.date())).due_on
        w.app.sender.wakeup.set()
        await wx.wait_for(lambda: "月度进展调度" in last(wx.texts(ZHANG)))
        for answer, expect in (
            ("1", "请选择进展状态"),
            ("2", "完成进度如何"),  # the second status: 推进中
            ("5", "请用一条消息写明本月进展"),  # 5 %, not the fifth option (跳过)
            ("资金已拨付五成。", "确认报送吗"),
            ("1", "第1版"),  # 1 = 确认报送
            ("报送", "待报送事项"),
            ("1", "上次报送"),
            ("２", "完成进度如何"),  # full-width digits count alike
            ("2", "沿用上次内容"),  # 2 %, not the second option (40 %)
            ("沿用上次内容", "确认报送吗"),
            ("1", "第2版"),
        ):
            await wx.user_says(ZHANG, answer)
            await wx.wait_for(lambda expect=expect: expect in last(wx.texts(ZHANG)))
        await settled()
        texts = wx.texts(ZHANG)
    text = "资金已拨付五成。"
    assert texts == [
        BOUND,
        HELP,
        prompt(due),
        task_1(due),  # a pure choice: numbered
        HOW_FAR,  # the percent step: options listed as words, not numbered
        write(),
        check("推进中 5%", text),
        reported(1, "推进中 5%"),
        WAITING,
        task_1(due, await last_report(1, "推进中 5%")),
        HOW_FAR,
        write("沿用上次内容"),
        check("推进中 2%", text),
        reported(2, "推进中 2%"),
    ]
    reports = await ProgressReport.all().order_by("version")
    assert [(r.version, r.status, r.percent) for r in reports] == [
        (1, "in_progress", 5),
        (2, "in_progress", 2),
    ]


async def test_hostile_callbacks_are_refused_and_store_nothing(
    planned: str, tmp_path: Path
) -> None:
    async with world(tmp_path, planned, wecom_cards=False) as w:
        wx = w.wecom
        wx.member(ZHANG, "张三")
        assert (await wx.verify_url(tamper=True))[0] == 403
        plain = wx.message_xml(ZHANG, "text", "<Content><![CDATA[你好]]></Content>", 42)
        assert await wx.post_callback(plain, tamper=True) == 403
        assert wx.session is not None
        url = wx.callback_url
        async with wx.session.post(url, data=b"<xml>") as r:  # no signature
            assert r.status == 400
        query = "?msg_signature=abc&timestamp=1&nonce=2"
        async with wx.session.post(url + query, data=b"not xml at all") as r:
            assert r.status == 400  # unreadable before its signature can be checked
        async with wx.session.post(url + query, data=b"x" * 100_000) as r:
            assert r.status == 413
        other = type(wx)(aes_key="ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut")
        other.session, other.callback_url = wx.session, url
        refused = set()  # encrypted with another app's key: garbage of every shape, all 403
        for n in range(300):  # (about 1 in 150 decrypted to a shape that once answered 400)
            forged = wx.message_xml(ZHANG, "text", f"<Content><![CDATA[{n}]]></Content>", 100 + n)
            refused.add(await other.post_callback(forged))
        assert refused == {403}
        # a stranger gets the bind hint only; a 50 000-character message is refused politely
        assert await wx.user_says(ZHANG, "你好") == 200
        await settled()
        texts = wx.texts(ZHANG)
    assert texts == [
        "您尚未绑定单位。请向秘书组索取绑定码，然后发送“绑定 绑定码”（企业微信）"
        "或“/start 绑定码”（Telegram）。"
    ]
    assert await InboxUpdate.filter(channel="wecom").count() == 1
