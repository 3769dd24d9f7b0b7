"""Plans written as numbered paragraphs with the units inline at the end."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from bot.domain.plan import Role
from bot.domain.units import COLLECTIVE_TOWNSHIPS
from bot.importers import read_plan

PLAN = """\
XX县人民政府办公室文件
X政办发〔2024〕21号
XX县公共文化服务体系建设重点任务分工方案

一、总体要求
坚持一月一调度、一季度一总结，确保各项任务落到实处。
二、重点任务
（一）完善公共文化设施网络
1．推进乡镇综合文化站提质。对标省级标准，完成全县12个乡镇综合文化站
改造提升，配齐专职人员。（牵头单位：县文旅局；配合单位：县财政局、住建局、
各乡镇党委、政府；完成时限：2024年底）
2.完善助学体系。①落实学生资助政策。②设立助学基金。(责任单位:市教育局、市财政局)
（二）丰富公共文化产品供给
3、加强图书馆建设。推进县图书馆总分馆制，2025年实现乡镇分馆全覆盖。
（牵头单位：县文旅局（牵头）；配合单位：县委编办、人社局；完成时间：2027年6月）
4. Organize the reading festival. 每年举办全民阅读节。（牵头单位：县文旅局；配合单位：团县委）
三、保障措施
1. 加强组织领导。各单位要高度重视。
"""


def test_numbered_paragraphs_with_inline_units(tmp_path: Path) -> None:
    path = tmp_path / "plan.txt"
    path.write_text(PLAN, encoding="utf-8")
    plan = read_plan(path)
    tasks = {t.number: t for t in plan.tasks}
    assert list(tasks) == ["1", "2", "3", "4"]
    assert plan.meta.doc_number == "X政办发〔2024〕21号"
    assert plan.meta.title == "XX县公共文化服务体系建设重点任务分工方案"

    first = tasks["1"]
    assert first.title == "推进乡镇综合文化站提质"
    assert first.requirements == [
        "对标省级标准，完成全县12个乡镇综合文化站改造提升，配齐专职人员。"
    ]
    assert first.units(Role.LEAD) == ["县文旅局"]
    assert first.units(Role.COOPERATING) == ["县财政局", "县住建局", COLLECTIVE_TOWNSHIPS]
    assert first.deadline == date(2024, 12, 31)

    second = tasks["2"]
    assert second.title == "完善助学体系"
    assert second.requirements == ["落实学生资助政策。", "设立助学基金。"]
    assert second.units(Role.RESPONSIBLE) == ["市教育局", "市财政局"]

    third = tasks["3"]
    assert third.units(Role.COOPERATING) == ["县委编办", "县人社局"]  # not 县委人社局
    assert third.deadline == date(2027, 6, 30)
    # Spaces next to Chinese text are wraps, so they go; spaces between Latin words stay.
    assert tasks["4"].title == "Organize the reading festival.每年举办全民阅读节"


def test_numbering_that_restarts_per_section_is_qualified(tmp_path: Path) -> None:
    text = """（一）教育
1．任务甲。内容。（牵头单位：县教育局）
2．任务乙。内容。（牵头单位：县教育局）
（二）卫生
1．任务丙。内容。（牵头单位：县卫健局）
"""
    path = tmp_path / "plan.md"
    path.write_text(text, encoding="utf-8")
    plan = read_plan(path)
    assert [t.number for t in plan.tasks] == ["1", "2", "2.1"]
    assert len(plan.warnings) == 1


def test_paragraphs_inside_a_docx(tmp_path: Path) -> None:
    import docx  # noqa: PLC0415

    document = docx.Document()
    for line in PLAN.splitlines():
        document.add_paragraph(line)
    path = tmp_path / "plan.docx"
    document.save(str(path))
    assert [t.number for t in read_plan(path).tasks] == ["1", "2", "3", "4"]
