"""Two months open on one task: every choice says which month; the monthly prompt shows each
task's goal and the unit's part (牵头/责任/配合)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.cadence.dispatch import dispatch
from bot.domain.reporting import Month
from bot.importers import read_plan
from bot.people.binding import ContactRole, create_invite
from bot.plans.importing import import_plan
from bot.storage.models import (
    OutboxMessage,
    ProgressReport,
    QuarterlySummary,
    ReportingPeriod,
    ReportRequest,
    Task,
    Unit,
)
from tests.dialogue import Dialogue, Person, reply, run_table

ALICE = Person("telegram:1001", "王联络", language="zh")  # 县发改局: tasks 1 3 4 12 18 19 20
CAROL = Person("wecom:lisi", "李四", language="zh")  # 县发改局 too, on WeCom


@pytest.fixture
async def world(db: str, sample_plan: Path, tmp_path: Path) -> Dialogue:
    """October and November dispatched; October's task 3 opened again (a late correction)."""
    await import_plan(
        read_plan(sample_plan), source_name="sample.md", sha256="0" * 64, now=datetime.now(UTC)
    )
    d = Dialogue(tmp_path / "data")
    for who in (ALICE, CAROL):
        invite = await create_invite(
            "县发改局", ContactRole.REPORTER, now=d.clock(), locale="zh_CN"
        )
        await d.says(who, f"/start {invite.code}")
    d.clock.advance(days=-30)
    await dispatch(Month(2026, 10), now=d.clock(), today=d.clock.now.date())
    d.clock.advance(days=30)
    await dispatch(Month(2026, 11), now=d.clock(), today=d.clock.now.date())
    await ReportRequest.filter(period__key="2026-10", task__number="3").update(state="open")
    return d


WHICH = reply("这条内容属于哪项任务？")


@pytest.mark.parametrize("who", [ALICE, CAROL], ids=["telegram", "wecom"])
async def test_which_task_says_the_month(world: Dialogue, who: Person) -> None:
    """The choice names 第3项（10月） and 第3项（11月）; the others keep their short label."""
    assert await world.says(who, "本月完成调度会三次。") == WHICH
    labels = [label for label, _ in world.buttons(who)]
    assert labels == [
        "第3项（10月）：优化工程建设项目审批。",
        "1. 深化“一件事一次办”改革。",
        "第3项（11月）：优化工程建设项目审批。",
        "4. 提升获得电力、用水用气服务水平。",
        "12. 构建亲清政商关系。",
        "18. 开展营商环境监督评价。",
        "19. 加强营商环境宣传推介。",
        "20. 推进信用体系建设。",
    ]
    choose = "[第3项（10月）]" if who is ALICE else "1"  # WeCom: the number of the choice
    await run_table(
        world,
        [(who, choose, reply(
            "第3项：优化工程建设项目审批。\n"
            "工作目标：社会投资一般工业项目从立项到施工许可审批时限压缩至25个工作日以内。"
            "全面推行“标准地+承诺制”出让，新出让工业用地“标准地”比例达到60%。"
            "推行联合验收、“多测合一”。\n"
            "本单位：责任单位\n"
            "调度期 2026-10，截止 2026-11-02\n\n"
            "该任务此前没有报送记录。\n\n请选择进展状态：",
            title="2026-10 进展报送",
        ))],
    )  # fmt: skip
    await world.presses(who, "推进中")
    await world.says(who, "50")
    assert await ProgressReport.all().count() == 0


async def test_report_list_buttons_say_the_month(world: Dialogue) -> None:
    await world.says(ALICE, "/report")
    labels = [label for label, _ in world.buttons(ALICE)]
    assert labels[:3] == ["报送第3项（10月）", "报送第1项（11月）", "报送第3项（11月）"]


async def test_the_monthly_prompt_shows_each_goal_and_role(world: Dialogue) -> None:
    prompt = await OutboxMessage.filter(recipient=ALICE.identity).order_by("-id").first()
    assert prompt is not None
    assert prompt.payload["text"] == "\n".join(
        [
            "县发改局：请于2026-12-02前报送以下7项任务的本月进展。",
            "",
            "第1项 深化“一件事一次办”改革。 · 责任单位",
            "  工作目标：梳理公布第三批“一件事一次办”事项清单，新"
            "增高频事项不少于15项。推行“免申即享”“直达快享”，惠…",
            "第3项 优化工程建设项目审批。 · 责任单位",
            "  工作目标：社会投资一般工业项目从立项到施工许可审批时"
            "限压缩至25个工作日以内。全面推行“标准地+承诺制”出让…",
            "第4项 提升获得电力、用水用气服务水平。 · 牵头单位",
            "  工作目标：低压小微企业用电报装“零上门、零审批、零投"
            "资”，平均接电时间不超过15个工作日。用水、用气报装环节…",
            "第12项 构建亲清政商关系。 · 责任单位",
            "  工作目标：落实县级领导联系重点企业制度，每季度走访不"
            "少于1次。畅通“12345”企业诉求办理渠道，诉求按时办…",
            "第18项 开展营商环境监督评价。 · 牵头单位",
            "  工作目标：聘请营商环境监督员30名，开展“营商环境体"
            "验官”活动。对照省营商环境评价指标开展县内自评，形成问题…",
            "第19项 加强营商环境宣传推介。 · 责任单位",
            "  工作目标：每季度发布营商环境典型案例不少于2"
            "个。在县融媒体中心开设“优化营商环境在行动”专栏。",
            "第20项 推进信用体系建设。 · 牵头单位",
            "  工作目标：完善信用修复机制，推动信用修复“一网"
            "通办”。在招标投标、政府采购等领域推广信用承诺制。",
            "",
            "请点选下方任务；随时发送“报送”可再次查看本清单。",
            "也可以用一条消息报送全部任务，每项一行，如“1. 已完成"
            "……”“3. 推进中，完成60%……”，我会请您逐项确认。",
        ]
    )


async def test_the_summary_or_report_choice_says_the_month(world: Dialogue) -> None:
    """With a quarterly summary waiting, text is asked about; the monthly choices of task 3
    say which month (第3项 is open in October and November)."""
    task = await Task.get(number="3")
    unit = await Unit.get(name="县发改局")
    quarter = await ReportingPeriod.create(
        plan_id=task.plan_id, kind="quarter", key="2026-Q4", starts=date(2026, 10, 1),
        ends=date(2026, 12, 31), due_on=date(2026, 12, 31),
    )  # fmt: skip
    await QuarterlySummary.create(
        period=quarter, task=task, unit=unit, version=1, text="草稿。", state="draft"
    )
    answer = await world.says(ALICE, "第四季度审批时限压缩一半。")
    assert answer == reply("这条内容是修改后的季度总结，还是本月进展？")
    labels = [label for label, _ in world.buttons(ALICE)]
    assert "月度进展（第3项，10月）" in labels
    assert "月度进展（第3项，11月）" in labels
    assert "本月进展（第4项）" in labels
