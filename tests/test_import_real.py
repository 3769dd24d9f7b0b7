"""The real plan pages kept in ../shared/plans/real, each read into the register written here
by reading the page by hand: every task, unit, role, leader and section."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot.domain.plan import NoteKind, ParsedPlan, Role
from bot.importers import read_plan

REAL = Path(__file__).resolve().parents[2] / "shared" / "plans" / "real"


def register(plan: ParsedPlan) -> list[dict[str, Any]]:
    """The whole register, one dict per task, empty fields left out."""
    rows = []
    for task in plan.tasks:
        row: dict[str, Any] = {"number": task.number, "title": task.title}
        for role in Role:
            if task.units(role):
                row[role.value] = task.units(role)
        for name in ("section", "leader", "deadline"):
            if getattr(task, name):
                row[name] = getattr(task, name)
        rows.append(row)
    return rows


def notes_of(plan: ParsedPlan) -> list[tuple[str, NoteKind]]:
    return [(number, note.kind) for number, note in plan.task_notes()]


def real(name: str) -> ParsedPlan:
    path = REAL / name
    if not path.exists():
        pytest.skip(f"{path} is not here")
    return read_plan(path)


def test_caidian_section_title_blank_line_then_units() -> None:
    plan = real("caidian_2023.txt")
    section = "一、2023年全区经济社会发展的主要预期目标"
    assert register(plan) == [
        {
            "number": "1",
            "title": "地区生产总值增长7%以上",
            "responsible": ["区发展和改革局"],
            "section": section,
        },
        {
            "number": "2",
            "title": "规上工业增加值增长12%以上",
            "responsible": ["区科技和经信局"],
            "section": section,
        },
        {
            "number": "3",
            "title": "固定资产投资增长10%以上",
            "responsible": ["区发展和改革局"],
            "section": section,
        },
        # The page stops at "责任单位:区": a cut-off list, never a unit called 区.
        {"number": "4", "title": "工业投资增长12%以上", "section": section},
    ]
    assert notes_of(plan) == [("4", NoteKind.CUT_OFF)]
    assert [w.params.get("number") for w in plan.warnings] == ["4"]
    assert plan.meta.doc_number == "蔡政办〔2023〕1号"
    assert plan.meta.issued == date(2023, 1, 3)
    assert plan.meta.title == "2023年区《政府工作报告》确定的主要目标任务责任分解方案"


def test_shandong_lead_bracket_at_the_paragraph_end() -> None:
    plan = real("shandong_yingshang_2022.txt")
    section = "二、主要任务 / (一)开办企业领域"
    assert register(plan) == [
        {
            "number": "1",
            "title": "提升设立登记便利度",
            "lead": ["省市场监管局"],
            "section": section,
            "deadline": date(2022, 9, 30),
        },
        {
            "number": "2",
            "title": "提升银行开户效率",
            "lead": ["人民银行济南分行"],
            "section": section,
            "deadline": date(2022, 6, 30),
        },
        {
            "number": "3",
            "title": "探索推广代位注销模式",
            "lead": ["省市场监管局"],
            "section": section,
            "deadline": date(2022, 6, 30),
        },
        # "(牵头单位:省市场" is cut off by the end of the page: no unit 省市场.
        {
            "number": "4",
            "title": "探索制定新业态新模式准入准营标准",
            "section": section,
            "deadline": date(2022, 9, 30),
        },
    ]
    assert notes_of(plan) == [
        ("1", NoteKind.DEADLINE),
        ("2", NoteKind.DEADLINE),
        ("3", NoteKind.DEADLINE),
        ("4", NoteKind.DEADLINE),
        ("4", NoteKind.CUT_OFF),
    ]
    assert plan.meta.title == "营商环境创新2022年行动计划"


def test_ningbo_fields_separated_by_spaces_with_a_flattened_table() -> None:
    plan = real("ningbo_minsheng_2014.txt")
    assert register(plan) == [
        {
            "number": "1",
            "title": "轨道交通1号线一期工程投入试运营",
            "responsible": ["市轨道交通工程建设指挥部"],
            "leader": "林静国",
        },
        {
            "number": "2",
            "title": "新增安装300套路口交通信息视频采集设备",
            "responsible": ["市公安局"],
            "cooperating": ["市城管局", "市财政局"],
            "leader": "王仁洲",
        },
        {
            "number": "3",
            "title": "新辟公交线路10条,优化调整20条",
            "responsible": ["市交通委"],
            "cooperating": ["市公安局", "市城管局", "各区政府"],
            "leader": "王仁洲",
        },
        {
            "number": "4",
            "title": "新投放公共自行车3000辆,新增100个网点",
            "responsible": ["市交通委", "各区政府", "相关管委会"],
            "cooperating": [
                "市发改委",
                "市经信委",
                "市公安局",
                "市财政局",
                "市国土资源局",
                "市规划局",
                "市住建委",
                "市城管局",
                "市工商局",
                "宁波电业局",
            ],
            "leader": "王仁洲",
        },
    ]
    assert notes_of(plan) == [
        ("3", NoteKind.COLLECTIVE),
        ("4", NoteKind.COLLECTIVE),
        ("4", NoteKind.COLLECTIVE),
    ]
    assert plan.warnings == []


def test_deqing_several_tasks_in_one_paragraph() -> None:
    plan = real("deqing_2022.txt")
    first = "一、围绕中心工作,服务大局、深化主动公开"
    assert register(plan) == [
        {
            "number": "1.1",
            "title": "高水平做好共同富裕领域信息公开工作,定期评估“共富班车”运行情况,"
            "及时通过政府网站、政务新媒体等平台公开典型案例和标志性成果,"
            "公布共同富裕重点工作及重要会议情况",
            "lead": ["县发改局"],
            "section": f"{first} / (一)提升共同富裕建设公开水平",
        },
        {
            "number": "1.2",
            "title": "常态化推进十大民生实事项目预算信息应公开尽公开",
            "lead": ["县财政局"],  # its bracket stands alone on the next line
            "section": f"{first} / (一)提升共同富裕建设公开水平",
        },
        {
            "number": "2.1",
            "title": "完善市场主体反映投资和工程建设项目审批问题的办理和反馈机制,"
            "推动优化投资和建设环境",
            "lead": ["县发改局", "县建设局", "县政务办"],
            "section": f"{first} / (二)提升优化营商环境公开水平",
        },
        # The page stops inside the next sentence-task, before its bracket.
        {
            "number": "2.2",
            "title": "围绕市场主体全过程公正监管,加强反垄断、反不正当竞争等领域信息公开,"
            "强化对滥用行政权力实施地方保护和市场分割专项整治结果公开力度",
            "section": f"{first} / (二)提升优化营商环境公开水平",
        },
    ]
    assert plan.tasks[0].requirements == [
        "做好“共富班车”项目谋划、发车、运行等各环节的信息公开工作。做好扩大有效投资相关政策"
        "信息公开,深入实施扩大有效投资“双百双千”和重大项目攻坚行动,持续做好重大建设项目"
        "全流程公开,积极引导市场预期。"
    ]
    assert [kind for n, kind in notes_of(plan) if n == "2.2"] == [
        NoteKind.CUT_OFF,
        NoteKind.SPLIT,
    ]
    assert plan.meta.issued == date(2022, 8, 24)
