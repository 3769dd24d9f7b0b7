"""Table plans as secretariats really have them (issue 13, classes 4, 5, 8): task columns with
other names, tables pasted from web pages, several versions in one file. Word and Excel files
are written here; every task, unit and role is stated."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import docx
import openpyxl
import pytest

from bot.domain.plan import NoteKind, ParsedPlan, PlanPart
from bot.importers import PlanFileError, read_plan
from tests.test_import_real import notes_of, register


def read(text: str, tmp_path: Path, name: str = "plan.txt") -> ParsedPlan:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return read_plan(path)


HEADER = ["序号", "重点工作", "责任领导", "责任单位", "完成时限"]
ROWS = [
    ["一、经济发展"],
    ["1", "推进园区扩容", "王强", "县发改局、县工信局", "2024年底"],
    ["2", "招引重大项目", "刘洋", "县招商局（牵头），各乡镇", "2024年6月"],
    ["二、社会事业"],
    ["3", "建设养老中心", "陈静", "县民政局", "长期坚持"],
]
EXPECTED = [
    {
        "number": "1",
        "title": "推进园区扩容",
        "responsible": ["县发改局", "县工信局"],
        "section": "一、经济发展",
        "leader": "王强",
        "deadline": date(2024, 12, 31),
    },
    {
        "number": "2",
        "title": "招引重大项目",
        "lead": ["县招商局"],
        "responsible": ["各乡镇"],
        "section": "一、经济发展",
        "leader": "刘洋",
        "deadline": date(2024, 6, 30),
    },
    {
        "number": "3",
        "title": "建设养老中心",
        "responsible": ["县民政局"],
        "section": "二、社会事业",
        "leader": "陈静",
    },
]


def test_docx_with_another_task_column_name_a_leader_column_and_section_rows(
    tmp_path: Path,
) -> None:
    document = docx.Document()
    document.add_paragraph("XX县2024年重点工作责任分解表")
    table = document.add_table(rows=1, cols=len(HEADER))
    for cell, word in zip(table.rows[0].cells, HEADER, strict=True):
        cell.text = word
    for row in ROWS:
        cells = table.add_row().cells
        if len(row) == 1:  # a section heading merged across the row
            cells[0].merge(cells[-1]).text = row[0]
        else:
            for cell, text in zip(cells, row, strict=True):
                cell.text = text
    path = tmp_path / "plan.docx"
    document.save(str(path))
    plan = read_plan(path)
    assert register(plan) == EXPECTED
    assert notes_of(plan) == [("2", NoteKind.COLLECTIVE)]
    assert plan.meta.title == "XX县2024年重点工作责任分解表"
    assert plan.headers["title"] == "重点工作"
    assert plan.warnings == []


def test_xlsx_with_no_task_column_reads_the_longest_text(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["序号", "类别", "牵头单位", "配合单位", "说明"])
    sheet.append([1, "教育", "县教育局", "县财政局", "推进义务教育优质均衡发展，新建学校3所"])
    sheet.append([2, "卫生", "县卫健局", "县医保局、县财政局", "提升县医院综合能力，创建三级医院"])
    path = tmp_path / "plan.xlsx"
    book.save(path)
    plan = read_plan(path)
    assert register(plan) == [
        {
            "number": "1",
            "title": "推进义务教育优质均衡发展，新建学校3所",
            "lead": ["县教育局"],
            "cooperating": ["县财政局"],
        },
        {
            "number": "2",
            "title": "提升县医院综合能力，创建三级医院",
            "lead": ["县卫健局"],
            "cooperating": ["县医保局", "县财政局"],
        },
    ]
    assert notes_of(plan) == [("1", NoteKind.GUESSED_COLUMN), ("2", NoteKind.GUESSED_COLUMN)]
    assert [(w.msgid.split(";")[0], w.params) for w in plan.warnings] == [
        ("No column is named as the task (重点任务, 工作内容 …)", {"header": "说明"})
    ]


def test_a_table_with_no_column_to_read_as_the_task_is_refused_saying_what_it_has(
    tmp_path: Path,
) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["序号", "牵头单位", "配合单位"])
    sheet.append([1, "县教育局", "县财政局"])
    path = tmp_path / "plan.xlsx"
    book.save(path)
    with pytest.raises(PlanFileError) as caught:
        read_plan(path)
    assert caught.value.message.params == {"columns": "序号、牵头单位、配合单位"}
    assert "no column can be read as the task" in caught.value.message.msgid


@pytest.mark.parametrize(
    ("text", "found"),
    [
        (  # a table, but no unit column
            "| 序号 | 重点任务 | 备注 |\n|--|--|--|\n| 1 | 推进园区扩容 | 无 |\n",
            {"columns": "序号、重点任务、备注"},
        ),
        (  # numbered paragraphs, none naming its units
            "一、总体要求\n1.加强领导。各单位要高度重视。\n2.强化督查。定期通报。\n",
            {"count": 3},
        ),
    ],
)
def test_refusals_say_what_was_found(text: str, found: dict[str, object], tmp_path: Path) -> None:
    with pytest.raises(PlanFileError) as caught:
        read(text, tmp_path, "plan.md")
    assert caught.value.message.msgid.startswith("No tasks were found: ")
    assert caught.value.message.params == found


PASTED = """\
XX县2024年重点工作任务分解表
发布时间：2024-03-01
序号 |
重点工作 |
责任领导 |
责任单位 |
完成时限 |
一、经济发展
1 |
推进园区扩容 |
王强 |
县发改局、县工信局 |
2024年底 |
2 |
招引重大项目， |
全年引进亿元以上项目20个 |
刘洋 |
县招商局（牵头），各乡镇 |
2024年6月 |
二、社会事业
3 |
建设养老中心 |
县民政局 |
4 |
推进医共体建设 |
李丽 |
县卫健局、县医保局 |
2024年12月 |
附件：联系人名单
"""


def test_a_table_pasted_from_a_web_page_one_cell_per_line(tmp_path: Path) -> None:
    plan = read(PASTED, tmp_path)
    assert register(plan) == [
        {
            "number": "1",
            "title": "推进园区扩容",
            "responsible": ["县发改局", "县工信局"],
            "section": "一、经济发展",
            "leader": "王强",
            "deadline": date(2024, 12, 31),
        },
        {  # the task cell wrapped onto two lines
            "number": "2",
            "title": "招引重大项目，全年引进亿元以上项目20个",
            "lead": ["县招商局"],
            "responsible": ["各乡镇"],
            "section": "一、经济发展",
            "leader": "刘洋",
            "deadline": date(2024, 6, 30),
        },
        {  # its leader and deadline cells were empty: no line for them
            "number": "3",
            "title": "建设养老中心",
            "responsible": ["县民政局"],
            "section": "二、社会事业",
        },
        {
            "number": "4",
            "title": "推进医共体建设",
            "responsible": ["县卫健局", "县医保局"],
            "section": "二、社会事业",
            "leader": "李丽",
            "deadline": date(2024, 12, 31),
        },
    ]
    assert plan.meta.title == "XX县2024年重点工作任务分解表"


def test_a_pasted_table_without_separators(tmp_path: Path) -> None:
    text = (
        "XX县2024年重点工作任务分解表\n序号 重点工作 责任单位 完成时限\n"
        "1\n推进园区扩容\n县发改局、县工信局\n2024年底\n"
        "2\n招引重大项目\n县招商局\n2024年6月\n"
    )
    assert register(read(text, tmp_path)) == [
        {
            "number": "1",
            "title": "推进园区扩容",
            "responsible": ["县发改局", "县工信局"],
            "deadline": date(2024, 12, 31),
        },
        {
            "number": "2",
            "title": "招引重大项目",
            "responsible": ["县招商局"],
            "deadline": date(2024, 6, 30),
        },
    ]


REVISED = [
    {
        "number": "1",
        "title": "推进课后服务全覆盖",
        "lead": ["县教育局"],
        "cooperating": ["县财政局"],
    },
    {
        "number": "2",
        "title": "加强师资建设",
        "lead": ["县教育局"],
        "cooperating": ["县人社局", "县财政局"],
    },
    {"number": "3", "title": "改善办学条件", "lead": ["县发改局"]},
]
DRAFT = "XX县教育提质行动方案（征求意见稿）"
REVISION = "XX县教育提质行动方案（修改稿）"


def test_several_drafts_and_a_feedback_table_in_paragraphs(tmp_path: Path) -> None:
    text = f"""\
关于征求《XX县教育提质行动方案》意见的公告
{DRAFT}
1.推进课后服务。(牵头单位:县教育局)
2.加强师资建设。(牵头单位:县教育局;配合单位:县人社局)
{REVISION}
1.推进课后服务全覆盖。(牵头单位:县教育局;配合单位:县财政局)
2.加强师资建设。(牵头单位:县教育局;配合单位:县人社局、县财政局)
3.改善办学条件。(牵头单位:县发改局)
意见反馈采纳情况表
1.县财政局：建议增加经费保障内容。(采纳情况:已采纳)
2.县人社局:建议明确编制。(责任单位:县人社局)
"""
    plan = read(text, tmp_path)
    assert register(plan) == REVISED
    assert plan.meta.title == "XX县教育提质行动方案"
    assert plan.parts == [
        PlanPart(DRAFT, 2, used=False),
        PlanPart(REVISION, 3, used=True),
        PlanPart("意见反馈采纳情况表", 1, used=False, feedback=True),
    ]
    assert [w.params for w in plan.warnings] == [
        {"used": REVISION, "count": 3, "ignored": f"“{DRAFT}”、“意见反馈采纳情况表”"}
    ]


def test_several_versions_as_tables_with_a_feedback_table(tmp_path: Path) -> None:
    header = "| 序号 | 重点任务 | 牵头单位 | 配合单位 |\n|--|--|--|--|\n"
    text = (
        f"# {DRAFT}\n{header}| 1 | 推进课后服务 | 县教育局 | |\n"
        "| 2 | 加强师资建设 | 县教育局 | 县人社局 |\n\n"
        f"# {REVISION}\n{header}| 1 | 推进课后服务全覆盖 | 县教育局 | 县财政局 |\n"
        "| 2 | 加强师资建设 | 县教育局 | 县人社局、县财政局 |\n"
        "| 3 | 改善办学条件 | 县发改局 | |\n\n"
        "# 意见反馈表\n| 序号 | 意见建议 | 提出单位 | 采纳情况 |\n|--|--|--|--|\n"
        "| 1 | 建议增加经费保障 | 县财政局 | 已采纳 |\n"
    )
    plan = read(text, tmp_path, "plan.md")
    assert register(plan) == REVISED
    assert plan.meta.title == "XX县教育提质行动方案"
    assert plan.parts == [
        PlanPart(DRAFT, 2, used=False),
        PlanPart(REVISION, 3, used=True),
        PlanPart("意见反馈表", 0, used=False, feedback=True),
    ]


def test_versions_in_one_docx(tmp_path: Path) -> None:
    document = docx.Document()
    header = ["序号", "重点任务", "牵头单位", "配合单位"]
    versions = {
        DRAFT: [
            ["1", "推进课后服务", "县教育局", ""],
            ["2", "加强师资建设", "县教育局", "县人社局"],
        ],
        REVISION: [
            ["1", "推进课后服务全覆盖", "县教育局", "县财政局"],
            ["2", "加强师资建设", "县教育局", "县人社局、县财政局"],
            ["3", "改善办学条件", "县发改局", ""],
        ],
    }
    for title, rows in versions.items():
        document.add_paragraph(title)
        table = document.add_table(rows=1, cols=4)
        for cell, word in zip(table.rows[0].cells, header, strict=True):
            cell.text = word
        for row in rows:
            for cell, text in zip(table.add_row().cells, row, strict=True):
                cell.text = text
    path = tmp_path / "plan.docx"
    document.save(str(path))
    plan = read_plan(path)
    assert register(plan) == REVISED
    assert [(p.label, p.used) for p in plan.parts] == [(DRAFT, False), (REVISION, True)]


def test_sections_numbered_in_words_in_the_number_column(tmp_path: Path) -> None:
    text = (
        "| 序号 | 重点任务 | 牵头单位 | 责任单位 |\n|--|--|--|--|\n"
        "| 一 | 经济发展 | | |\n"
        "| 1 | 推进园区扩容 | 县发改局 | 县工信局 |\n"
        "| 2 | 招引项目 | 县招商局 | |\n"
        "| 二 | 社会事业 | | |\n"
        "| 1 | 建设养老中心 | 县民政局 | |\n"
        "| 2 | 建设体育馆 | 县文旅局 | 县财政局 |\n"
    )
    assert register(read(text, tmp_path, "plan.md")) == [
        {
            "number": "1",
            "title": "推进园区扩容",
            "lead": ["县发改局"],
            "responsible": ["县工信局"],
            "section": "一、经济发展",
        },
        {"number": "2", "title": "招引项目", "lead": ["县招商局"], "section": "一、经济发展"},
        {  # numbers start again in each section: qualified by the section's number
            "number": "2.1",
            "title": "建设养老中心",
            "lead": ["县民政局"],
            "section": "二、社会事业",
        },
        {
            "number": "2.2",
            "title": "建设体育馆",
            "lead": ["县文旅局"],
            "responsible": ["县财政局"],
            "section": "二、社会事业",
        },
    ]


def test_docx_with_a_two_row_header_and_a_task_merged_down_over_rows(tmp_path: Path) -> None:
    document = docx.Document()
    table = document.add_table(rows=2, cols=6)
    top = ["序号", "重点任务", "工作措施", "责任单位", "责任单位", "完成时限"]
    under = ["", "", "", "牵头单位", "配合单位", ""]
    for row, words in zip(table.rows, (top, under), strict=True):
        for cell, word in zip(row.cells, words, strict=True):
            cell.text = word
    table.cell(0, 3).merge(table.cell(0, 4))
    for column in (0, 1, 2, 5):
        table.cell(0, column).merge(table.cell(1, column))
    rows = [
        ["1", "推进园区建设", "新建厂房", "县发改局", "县财政局", "2024年底"],
        ["1", "推进园区建设", "完善配套", "县住建局", "县水利局", "2024年底"],
        ["2", "招引项目", "开展招商", "县招商局", "各乡镇", "2024年6月"],
    ]
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text
    for column in (0, 1):  # 序号 and the task merged down over the task's two rows
        table.cell(2, column).merge(table.cell(3, column)).text = rows[0][column]
    path = tmp_path / "plan.docx"
    document.save(str(path))
    plan = read_plan(path)
    assert register(plan) == [
        {
            "number": "1",
            "title": "推进园区建设",
            "lead": ["县发改局", "县住建局"],
            "cooperating": ["县财政局", "县水利局"],
            "deadline": date(2024, 12, 31),
        },
        {
            "number": "2",
            "title": "招引项目",
            "lead": ["县招商局"],
            "cooperating": ["各乡镇"],
            "deadline": date(2024, 6, 30),
        },
    ]
    assert plan.tasks[0].requirements == ["新建厂房", "完善配套"]


def _workbook(path: Path, sheets: dict[str, list[list[object]]]) -> None:
    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)


def test_xlsx_with_one_sheet_per_field_numbered_from_1_each(tmp_path: Path) -> None:
    header = ["序号", "重点任务", "牵头单位", "配合单位"]
    path = tmp_path / "plan.xlsx"
    _workbook(
        path,
        {
            "经济发展": [
                header,
                [1, "推进园区扩容", "县发改局", "县工信局"],
                [2, "招引项目", "县招商局"],
            ],
            "社会事业": [
                header,
                [1, "建设养老中心", "县民政局"],
                [2, "建设体育馆", "县文旅局", "县财政局"],
            ],
        },
    )
    assert register(read_plan(path)) == [
        {
            "number": "1",
            "title": "推进园区扩容",
            "lead": ["县发改局"],
            "cooperating": ["县工信局"],
            "section": "经济发展",
        },
        {"number": "2", "title": "招引项目", "lead": ["县招商局"], "section": "经济发展"},
        {"number": "2.1", "title": "建设养老中心", "lead": ["县民政局"], "section": "社会事业"},
        {
            "number": "2.2",
            "title": "建设体育馆",
            "lead": ["县文旅局"],
            "cooperating": ["县财政局"],
            "section": "社会事业",
        },
    ]


def test_xlsx_with_two_versions_in_sheets_of_default_names(tmp_path: Path) -> None:
    header = ["序号", "重点任务", "牵头单位", "配合单位"]
    path = tmp_path / "plan.xlsx"
    _workbook(
        path,
        {
            "Sheet1": [
                header,
                [1, "推进课后服务", "县教育局"],
                [2, "加强师资建设", "县教育局", "县人社局"],
            ],
            "Sheet2": [
                header,
                [1, "推进课后服务全覆盖", "县教育局", "县财政局"],
                [2, "加强师资建设", "县教育局", "县人社局、县财政局"],
                [3, "改善办学条件", "县发改局"],
            ],
        },
    )
    plan = read_plan(path)
    assert register(plan) == REVISED  # the same tasks again: a later version, not a section
    assert [(p.label, p.tasks, p.used) for p in plan.parts] == [("#1", 2, False), ("#2", 3, True)]


def test_a_web_page_table_with_cells_merged_down(tmp_path: Path) -> None:
    page = """<html><body><p>XX县2024年重点任务分工方案</p><table>
<tr><th>序号</th><th>重点任务</th><th>工作措施</th><th>牵头单位</th><th>配合单位</th></tr>
<tr><td rowspan="2">1</td><td rowspan="2">推进园区建设</td><td>新建厂房</td>
<td rowspan="3">县发改局</td><td>县财政局</td></tr>
<tr><td>完善配套</td><td>县水利局</td></tr>
<tr><td>2</td><td>招引项目</td><td>开展招商</td><td>各乡镇</td></tr>
</table></body></html>"""
    plan = read(page, tmp_path, "plan.html")
    assert register(plan) == [
        {
            "number": "1",
            "title": "推进园区建设",
            "lead": ["县发改局"],
            "cooperating": ["县财政局", "县水利局"],
        },
        {"number": "2", "title": "招引项目", "lead": ["县发改局"], "cooperating": ["各乡镇"]},
    ]
    assert plan.tasks[0].requirements == ["新建厂房", "完善配套"]


def test_a_table_without_a_number_column_is_numbered_in_order(tmp_path: Path) -> None:
    text = (
        "XX县2024年重点任务分工方案\n\n"
        "| 重点任务 | 牵头单位 | 配合单位 | 完成时限 |\n|--|--|--|--|\n"
        "| 一、经济发展 | | | |\n"
        "| 推进园区扩容 | 县发改局 | 县工信局 | 2024年底 |\n"
        "| 招引重大项目 | 县招商局 | | 2024年6月 |\n"
        "| 二、社会事业 | | | |\n"
        "| 建设养老中心 | 县民政局 | | |\n"
    )
    assert register(read(text, tmp_path, "plan.md")) == [
        {
            "number": "1",
            "title": "推进园区扩容",
            "lead": ["县发改局"],
            "cooperating": ["县工信局"],
            "section": "一、经济发展",
            "deadline": date(2024, 12, 31),
        },
        {
            "number": "2",
            "title": "招引重大项目",
            "lead": ["县招商局"],
            "section": "一、经济发展",
            "deadline": date(2024, 6, 30),
        },
        {"number": "3", "title": "建设养老中心", "lead": ["县民政局"], "section": "二、社会事业"},
    ]


def test_a_menu_with_such_words_is_no_plan_table(tmp_path: Path) -> None:
    page = (
        "<html><body><table><tr><td>工作动态</td><td>责任清单</td><td>配合事项</td></tr>"
        "<tr><td>通知公告</td><td>政策解读</td><td>办事指南</td></tr></table>"
        "<p>XX县2024年重点任务分工方案</p>"
        "<p>1.推进园区扩容。（牵头单位：县发改局）</p></body></html>"
    )
    plan = read(page, tmp_path, "plan.html")
    assert register(plan) == [{"number": "1", "title": "推进园区扩容", "lead": ["县发改局"]}]


def test_same_as_above_in_a_unit_cell_repeats_the_row_above(tmp_path: Path) -> None:
    text = (
        "| 序号 | 重点任务 | 牵头单位 | 责任单位 | 完成时限 |\n|--|--|--|--|--|\n"
        "| 1 | 推进园区扩容 | 县发改局 | 县工信局、县财政局 | 2024年底 |\n"
        "| 2 | 招引重大项目 | 同上 | 同上 | 同上 |\n"
    )
    same = {"lead": ["县发改局"], "responsible": ["县工信局", "县财政局"]}
    assert register(read(text, tmp_path, "plan.md")) == [
        {"number": "1", "title": "推进园区扩容", **same, "deadline": date(2024, 12, 31)},
        {"number": "2", "title": "招引重大项目", **same, "deadline": date(2024, 12, 31)},
    ]


def _numbered(document: docx.document.Document) -> str:
    """Add a two-level list (一、 then 1.) to the document's numbering; its numId."""
    from docx.oxml import parse_xml  # noqa: PLC0415

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    numbering = document.part.numbering_part.element
    numbering.insert(
        0,
        parse_xml(
            f'<w:abstractNum {w} w:abstractNumId="90">'
            '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
            '<w:lvlText w:val="%1、"/></w:lvl>'
            '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
            '<w:lvlText w:val="%2."/></w:lvl></w:abstractNum>'
        ),
    )
    numbering.append(parse_xml(f'<w:num {w} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    return "90"


def test_docx_whose_numbers_word_draws_itself(tmp_path: Path) -> None:
    from docx.oxml import parse_xml  # noqa: PLC0415

    document = docx.Document()
    num_id = _numbered(document)
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    document.add_paragraph("XX县2024年重点任务分工方案")
    lines = [
        (0, "经济发展"),
        (1, "推进园区扩容。（牵头单位：县发改局；配合单位：县工信局）"),
        (1, "招引重大项目。（牵头单位：县招商局）"),
        (0, "社会事业"),
        (1, "建设养老中心。（牵头单位：县民政局）"),
    ]
    for level, text in lines:
        paragraph = document.add_paragraph(text)
        paragraph._p.get_or_add_pPr().append(
            parse_xml(
                f'<w:numPr {w}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'
            )
        )
    path = tmp_path / "plan.docx"
    document.save(str(path))
    plan = read_plan(path)
    assert register(plan) == [
        {
            "number": "1",
            "title": "推进园区扩容",
            "lead": ["县发改局"],
            "cooperating": ["县工信局"],
            "section": "一、经济发展",
        },
        {"number": "2", "title": "招引重大项目", "lead": ["县招商局"], "section": "一、经济发展"},
        {"number": "2.1", "title": "建设养老中心", "lead": ["县民政局"], "section": "二、社会事业"},
    ]


def test_a_web_table_copied_as_tab_separated_text_with_a_cell_on_two_lines(
    tmp_path: Path,
) -> None:
    text = (
        "XX县2024年重点任务分工方案\n"
        "序号\t重点任务\t牵头单位\t配合单位\t完成时限\n"
        "1\t推进园区扩容\t县发改局\t县工信局、县财政局\t2024年底\n"
        "2\t招引重大项目，\n全年引进项目20个\t县招商局\t各乡镇\t2024年6月\n"
        "3\t建设养老中心\t县民政局\t\t\n"
    )
    plan = read(text, tmp_path)
    assert register(plan) == [
        {
            "number": "1",
            "title": "推进园区扩容",
            "lead": ["县发改局"],
            "cooperating": ["县工信局", "县财政局"],
            "deadline": date(2024, 12, 31),
        },
        {
            "number": "2",
            "title": "招引重大项目，全年引进项目20个",
            "lead": ["县招商局"],
            "cooperating": ["各乡镇"],
            "deadline": date(2024, 6, 30),
        },
        {"number": "3", "title": "建设养老中心", "lead": ["县民政局"]},
    ]
    assert plan.meta.title == "XX县2024年重点任务分工方案"


def test_xlsx_holding_numbered_paragraphs_one_per_row(tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    _workbook(
        path,
        {
            "Sheet1": [
                ["XX县2024年重点任务分工方案"],
                ["一、重点任务"],
                ["1.推进园区扩容。（牵头单位：县发改局）"],
                ["2.招引项目。（牵头单位：县招商局）"],
            ]
        },
    )
    plan = read_plan(path)
    assert register(plan) == [
        {"number": "1", "title": "推进园区扩容", "lead": ["县发改局"], "section": "一、重点任务"},
        {"number": "2", "title": "招引项目", "lead": ["县招商局"], "section": "一、重点任务"},
    ]
    assert plan.meta.title == "XX县2024年重点任务分工方案"


def test_a_docx_whose_tasks_are_in_the_text_and_a_project_list_in_an_annex(
    tmp_path: Path,
) -> None:
    document = docx.Document()
    document.add_paragraph("XX县2024年重点任务分工方案")
    tasks = [("推进园区扩容", "县发改局"), ("招引项目", "县招商局"), ("建设养老中心", "县民政局")]
    for number, (title, unit) in enumerate(tasks, start=1):
        document.add_paragraph(f"{number}.{title}。（牵头单位：{unit}）")
    document.add_paragraph("附件：重点项目清单")  # a line of its own after the last task
    table = document.add_table(rows=1, cols=3)
    for cell, word in zip(table.rows[0].cells, ["序号", "项目名称", "责任单位"], strict=True):
        cell.text = word
    for row in (["1", "园区道路", "县交通局"], ["2", "污水厂", "县住建局"]):
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text
    path = tmp_path / "plan.docx"
    document.save(str(path))
    plan = read_plan(path)
    assert register(plan) == [
        {"number": str(n), "title": title, "lead": [unit]}
        for n, (title, unit) in enumerate(tasks, start=1)
    ]
    assert plan.warnings == []
