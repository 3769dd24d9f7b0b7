"""The same register read from xlsx, docx and csv files that the tests write themselves."""

from __future__ import annotations

import csv
from pathlib import Path

import docx
import openpyxl
import pytest

from bot.domain.plan import ParsedPlan, Role, join_requirements
from bot.importers import read_plan
from bot.render.register import register_table, write_csv, write_docx, write_xlsx

HEADER = [
    "序号",
    "目标任务",
    "具体要求",
    "进展情况",
    "牵头部门",
    "责任部门",
    "县教育局 牵头联络 股室",
]


def rows_of(plan: ParsedPlan) -> list[list[str]]:
    return [
        [
            t.number,
            t.title,
            join_requirements(t.requirements),
            "",
            "、".join(t.units(Role.LEAD)),
            "、".join(t.units(Role.RESPONSIBLE)),
            t.liaison or "",
        ]
        for t in plan.tasks
    ]


def same_register(a: ParsedPlan, b: ParsedPlan) -> None:
    assert [t.to_json() for t in a.tasks] == [t.to_json() for t in b.tasks]


def test_xlsx_written_by_hand_with_title_rows_and_merged_cells(
    shared_plan: Path, tmp_path: Path
) -> None:
    plan = read_plan(shared_plan)
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["全市教育大会精神重点任务分工方案"])
    sheet.merge_cells("A1:G1")
    sheet.append(HEADER)
    for row in rows_of(plan):
        sheet.append([int(row[0]), *row[1:]])
    # A lead unit merged down across tasks 4-22, as secretariats often do in Excel.
    sheet.merge_cells("E6:E24")
    path = tmp_path / "plan.xlsx"
    book.save(path)
    again = read_plan(path)
    same_register(plan, again)
    assert again.meta.title == "全市教育大会精神重点任务分工方案"


def test_docx_written_by_hand_with_repeated_header_and_preamble(
    shared_plan: Path, tmp_path: Path
) -> None:
    plan = read_plan(shared_plan)
    document = docx.Document()
    document.add_paragraph("辰教小组发〔2022〕10号")
    document.add_paragraph("全市教育大会精神重点任务分工方案")
    rows = rows_of(plan)
    for chunk in (rows[:12], rows[12:]):  # two tables, as after a page break
        table = document.add_table(rows=1, cols=len(HEADER))
        for cell, text in zip(table.rows[0].cells, HEADER, strict=True):
            cell.text = text
        for row in chunk:
            for cell, text in zip(table.add_row().cells, row, strict=True):
                cell.text = text
    path = tmp_path / "plan.docx"
    document.save(str(path))
    again = read_plan(path)
    same_register(plan, again)
    assert again.meta.doc_number == "辰教小组发〔2022〕10号"


def test_csv_written_by_hand_in_gbk(shared_plan: Path, tmp_path: Path) -> None:
    plan = read_plan(shared_plan)
    path = tmp_path / "plan.csv"
    with path.open("w", encoding="gbk", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        writer.writerows(rows_of(plan))
    same_register(plan, read_plan(path))


@pytest.mark.parametrize("writer", [write_xlsx, write_docx, write_csv])
def test_exported_register_imports_back_identically(
    sample_plan: Path, tmp_path: Path, writer: object
) -> None:
    plan = read_plan(sample_plan)
    table = register_table(plan.meta, plan.tasks, [c.value for c in plan.columns], plan.headers)
    suffix = {write_xlsx: ".xlsx", write_docx: ".docx", write_csv: ".csv"}[writer]  # type: ignore[index]
    path = tmp_path / f"register{suffix}"
    writer(table, path)  # type: ignore[operator]
    again = read_plan(path)
    same_register(plan, again)
    if suffix != ".csv":  # a CSV has no room for the title block
        assert again.meta.to_json() == plan.meta.to_json()


SECTIONED = """\
XX县义务教育优质均衡发展重点任务分工方案

一、扩大优质教育资源
(一)新建改扩建学校
1.推进城区学校扩容。新建小学2所。
牵头单位:县教育局
配合单位:各乡镇人民政府
牵头领导:王小明
2.加强师资配备。补充教师200名。
牵头单位:县教育局
配合单位:县财政局、县人社局
二、提升办学质量
3.开展教师培训。每年培训教师1000人次。
牵头单位:县教育局
责任领导:李华
"""


@pytest.mark.parametrize("writer", [write_xlsx, write_docx, write_csv])
def test_sections_and_leaders_come_back(tmp_path: Path, writer: object) -> None:
    source = tmp_path / "plan.txt"
    source.write_text(SECTIONED, encoding="utf-8")
    plan = read_plan(source)
    table = register_table(plan.meta, plan.tasks, [c.value for c in plan.columns], plan.headers)
    assert table.headings == {0: "一、扩大优质教育资源 / (一)新建改扩建学校", 2: "二、提升办学质量"}
    assert "责任领导" in table.header
    suffix = {write_xlsx: ".xlsx", write_docx: ".docx", write_csv: ".csv"}[writer]  # type: ignore[index]
    path = tmp_path / f"register{suffix}"
    writer(table, path)  # type: ignore[operator]
    again = read_plan(path)
    same_register(plan, again)
    assert [t.leader for t in again.tasks] == ["王小明", None, "李华"]
    # a table cell may lose the space before " / "; the register compares sections without spaces
    assert ["".join((t.section or "").split()) for t in again.tasks] == [
        "一、扩大优质教育资源/(一)新建改扩建学校",
        "一、扩大优质教育资源/(一)新建改扩建学校",
        "二、提升办学质量",
    ]
