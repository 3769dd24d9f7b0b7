"""Importing the table-style plans: the real plan from ../shared and the bundled sample."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from bot.domain.plan import Column, ParsedPlan, Role
from bot.domain.units import COLLECTIVE_TOWNSHIPS
from bot.importers import read_plan


def by_number(plan: ParsedPlan) -> dict[str, dict[Role, list[str]]]:
    return {t.number: {role: t.units(role) for role in Role} for t in plan.tasks}


def test_real_plan_reads_as_24_tasks_with_its_header(shared_plan: Path) -> None:
    plan = read_plan(shared_plan)
    assert [t.number for t in plan.tasks] == [str(n) for n in range(1, 25)]
    assert plan.meta.title == "全市教育大会精神重点任务分工方案"
    assert plan.meta.doc_number == "辰教小组发〔2022〕10号"
    assert plan.meta.issuer == "中共辰溪县委教育工作领导小组"
    assert plan.meta.issued == date(2022, 10, 31)
    assert plan.meta.monthly_dispatch
    assert plan.meta.quarterly_summary
    assert plan.columns == [
        Column.NUMBER,
        Column.TITLE,
        Column.REQUIREMENTS,
        Column.PROGRESS,
        Column.LEAD,
        Column.RESPONSIBLE,
        Column.LIAISON,
    ]
    assert plan.warnings == []


def test_real_plan_lead_and_responsible_units(shared_plan: Path) -> None:
    units = by_number(read_plan(shared_plan))
    leads = {n: u[Role.LEAD] for n, u in units.items()}
    assert leads["1"] == leads["2"] == ["县委教育工作领导小组秘书组"]
    assert leads["3"] == ["县教育局党委"]
    assert leads["23"] == ["县财政局"]
    assert leads["24"] == ["县政府教育督导委员会"]
    assert all(leads[str(n)] == ["县教育局"] for n in range(4, 23))
    assert units["2"][Role.RESPONSIBLE] == [
        "县委办",
        "县人大办",
        "县政府办",
        "县政协办",
        "县委组织部",
        "县委编办",
        COLLECTIVE_TOWNSHIPS,
    ]
    assert units["5"][Role.RESPONSIBLE] == [
        "县委编办",
        "县人社局",
        "县财政局",
        COLLECTIVE_TOWNSHIPS,
    ]
    assert units["18"][Role.RESPONSIBLE] == [
        "县自然资源规划局",
        "县财政局",
        "县住建局",
        COLLECTIVE_TOWNSHIPS,
    ]
    assert units["19"][Role.RESPONSIBLE][-3:] == ["团县委", "县妇联", COLLECTIVE_TOWNSHIPS]
    assert units["21"][Role.RESPONSIBLE][0] == "县市场监督管理局"
    everyone = {u for per_task in units.values() for names in per_task.values() for u in names}
    assert "政府" not in everyone
    assert sum(COLLECTIVE_TOWNSHIPS in u[Role.RESPONSIBLE] for u in units.values()) == 10


def test_real_plan_liaison_offices_and_requirements(shared_plan: Path) -> None:
    tasks = {t.number: t for t in read_plan(shared_plan).tasks}
    assert tasks["1"].liaison == "县委教育工作领导小组秘书组秘书室"
    assert tasks["8"].liaison == "县教育局电教仪器站"
    assert tasks["11"].liaison == "县教育局督导室、财建股"
    assert tasks["16"].liaison == "县教育局人事股、教师培训中心"
    assert tasks["19"].liaison == "县教育局政策法规股、教育执法大队"
    assert len(tasks["16"].requirements) == 7
    assert tasks["16"].requirements[-1] == "提升教师国学素养。"
    assert tasks["19"].requirements[3].startswith("严格按照《中华人民共和国刑事诉讼法》")
    assert tasks["17"].requirements[0].startswith("到2025年，完成11所乡镇寄宿制学校")
    assert tasks["9"].requirements == [tasks["9"].requirements[0]]


def test_bundled_sample_plan(sample_plan: Path) -> None:
    plan = read_plan(sample_plan)
    tasks = {t.number: t for t in plan.tasks}
    assert len(tasks) == 20
    assert plan.meta.doc_number == "青营商组发〔2026〕3号"
    assert plan.meta.issued == date(2026, 8, 28)
    assert Column.COOPERATING in plan.columns
    assert Column.DEADLINE in plan.columns
    assert tasks["1"].units(Role.RESPONSIBLE) == ["县发改局", "县财政局", "县人社局"]
    assert tasks["1"].units(Role.COOPERATING) == [COLLECTIVE_TOWNSHIPS]
    assert tasks["3"].units(Role.COOPERATING) == ["县政务服务中心"]
    assert tasks["15"].units(Role.RESPONSIBLE) == ["县委编办", "县人社局", "县教育局"]
    assert tasks["1"].deadline == date(2026, 12, 31)
    assert tasks["2"].deadline == date(2026, 10, 31)
    assert tasks["8"].deadline is None  # 长期坚持
    assert tasks["18"].deadline == date(2026, 12, 31)  # 2026年第四季度
    assert tasks["4"].requirements[1].startswith("用水、用气报装环节")
    assert tasks["1"].liaison == "县政务服务中心综合股"


def test_html_table_with_colspan_and_preamble(tmp_path: Path) -> None:
    html = """<html><body><h1>XX县文化惠民工程分工方案</h1><p>X文发〔2025〕7号</p>
    <table><tr><th>序号</th><th>主要任务</th><th>牵头单位</th><th>配合单位</th><th>完成时限</th></tr>
    <tr><td colspan="5">一、公共文化设施</td></tr>
    <tr><td>1</td><td>建设乡镇综合文化站</td><td>县文旅局</td><td>财政局、住建局</td><td>2025年底</td></tr>
    <tr><td>2</td><td>推进图书馆总分馆制</td><td>县文旅局</td><td>各乡镇党委、政府</td><td>2026年6月</td></tr>
    </table></body></html>"""
    path = tmp_path / "plan.html"
    path.write_text(html, encoding="utf-8")
    plan = read_plan(path)
    assert plan.meta.doc_number == "X文发〔2025〕7号"
    assert [t.number for t in plan.tasks] == ["1", "2"]
    assert plan.tasks[0].units(Role.COOPERATING) == ["财政局", "住建局"]
    assert plan.tasks[1].deadline == date(2026, 6, 30)


def test_gb18030_text_is_decoded(tmp_path: Path, shared_plan: Path) -> None:
    path = tmp_path / "gbk.md"
    path.write_bytes(shared_plan.read_text(encoding="utf-8").encode("gb18030"))
    assert len(read_plan(path).tasks) == 24
