"""The exported documents read back: 公文 page setup and fonts in the docx, column widths by
content, printable xlsx sheets, 未报送 in words, a legend, deadlines as the plan wrote them."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Pt
from openpyxl import load_workbook

from bot.domain.plan import Assignment, Column, PlanMeta, PlanTask, Role
from bot.render.progress import (
    ProgressDocument,
    UnitRecord,
    write_progress_docx,
    write_progress_xlsx,
)
from bot.render.register import register_table, write_docx, write_xlsx

COLUMNS = ["number", "title", "requirements", "progress", "lead", "responsible", "deadline"]
GOAL = "深入推进政务服务“一网通办”，提升企业和群众办事便利度，实现高频事项全程网办"


def tasks() -> list[PlanTask]:
    return [
        PlanTask(
            number="1",
            title=GOAL,
            requirements=["优化线上办事流程。", "推广电子证照应用。"],
            assignments=[
                Assignment("县政务服务中心", Role.LEAD),
                Assignment("县数据局", Role.RESPONSIBLE),
            ],
            deadline=date(2026, 12, 31),
            section="一、提升政务服务效能",
        ),
        PlanTask(
            number="2",
            title="优化营商环境常态化监测",
            assignments=[Assignment("县发改局", Role.LEAD)],
            section="一、提升政务服务效能",
        ),
        PlanTask(
            number="3",
            title="推进工程建设项目审批改革",
            assignments=[Assignment("县住建局", Role.LEAD)],
            deadline=date(2026, 6, 30),
            section="二、深化审批制度改革",
        ),
    ]


WRITTEN = {"1": "2026年12月", "2": "长期坚持", "3": "持续推进"}


def document() -> ProgressDocument:
    progress = {
        "1": "县政务服务中心（推进中 60%）：已上线高频事项120项。\n县数据局（已完成）：完成。"
    }
    table = register_table(
        PlanMeta(
            title="青溪县2026年优化营商环境重点任务分工方案", doc_number="青政办发〔2026〕3号"
        ),
        tasks(),
        COLUMNS,
        {},
        progress,
        deadlines=WRITTEN,
    )
    record = UnitRecord(
        "县政务服务中心",
        [
            [
                "1",
                GOAL,
                "推进中",
                "60%",
                "已上线高频事项120项。",
                "张三",
                "2026-11-20 10:00",
                "1",
                "",
            ],
            ["3", "推进工程建设项目审批改革", "", "", "", "", "", "", ""],  # asked, not answered
        ],
    )
    return ProgressDocument(
        table=table,
        lights={"1": "green", "2": "yellow", "3": "red"},
        records=[record],
        heading="2026-11 进展情况",
        sections=[(f"{t.number}. {t.title}", progress.get(t.number, "未报送")) for t in tasks()],
        missing={"1": ["县财政局"]},
    )


def east_asian(style: Any) -> str:
    fonts = style.element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:asciiTheme")) is None  # no theme font overrides the name
    return str(fonts.get(qn("w:eastAsia")))


def test_the_written_material_is_in_official_format(tmp_path: Path) -> None:
    path = tmp_path / "material.docx"
    write_progress_docx(document(), path)
    word = docx.Document(str(path))
    portrait, landscape = word.sections
    assert [round(portrait.page_width.mm), round(portrait.page_height.mm)] == [210, 297]
    margins = [portrait.top_margin, portrait.bottom_margin, portrait.left_margin]
    assert [round(m.mm) for m in [*margins, portrait.right_margin]] == [37, 35, 28, 26]
    assert landscape.page_width > landscape.page_height
    styles = word.styles
    assert east_asian(styles["Title"]) == "方正小标宋简体"
    assert styles["Title"].font.size == Pt(22)  # 二号
    assert east_asian(styles["Normal"]) == "仿宋_GB2312"
    assert styles["Normal"].font.size == Pt(16)  # 三号
    assert east_asian(styles["Heading 1"]) == "黑体"
    assert east_asian(styles["Heading 2"]) == "楷体_GB2312"
    for name in ("Title", "Heading 1", "Heading 2"):
        assert str(styles[name].font.color.rgb) == "000000"  # not Word's blue
        assert styles[name].font.color.theme_color is None
        assert styles[name].element.pPr.find(qn("w:pBdr")) is None  # no rule under the title
    paragraphs = [(p.style.name, p.text) for p in word.paragraphs]
    assert ("Title", "青溪县2026年优化营商环境重点任务分工方案") in paragraphs
    assert ("Heading 1", "一、提升政务服务效能") in paragraphs
    assert ("Heading 1", "二、深化审批制度改革") in paragraphs
    assert ("Heading 2", f"1. {GOAL}") in paragraphs
    assert any(text.startswith("注：") and "〔红〕" in text for _, text in paragraphs)  # legend


def test_page_numbers_stand_outside_between_dashes(tmp_path: Path) -> None:
    path = tmp_path / "material.docx"
    write_progress_docx(document(), path)
    word = docx.Document(str(path))
    assert word.settings.odd_and_even_pages_header_footer
    odd, even = word.sections[0].footer, word.sections[0].even_page_footer
    for footer, side in ((odd, "right"), (even, None)):
        (line,) = footer.paragraphs
        shown = "".join(t.text for t in line._p.iter(qn("w:t")))
        assert shown == "— 1 —"  # the PAGE field's placeholder between 一字线
        assert (line.alignment is not None and line.alignment.name.lower()) == (side or False)
        fonts = line.runs[0].element.rPr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")) == "宋体"
        assert line.runs[0].font.size == Pt(14)  # 四号
    assert b'w:instr=" PAGE "' in odd.part.blob
    assert word.sections[1].footer.is_linked_to_previous  # the table's pages are numbered too


def test_the_table_columns_are_sized_by_content(tmp_path: Path) -> None:
    path = tmp_path / "material.docx"
    write_progress_docx(document(), path)
    table = docx.Document(str(path)).tables[0]
    header = [c.text for c in table.rows[0].cells]
    assert header == [
        "序号",
        "目标任务",
        "具体要求",
        "进展情况",
        "牵头部门",
        "责任部门",
        "完成时间",
    ]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # repeated on every page
    widths = dict(zip(header, [c.width.mm for c in table.columns], strict=True))
    assert widths["进展情况"] > widths["目标任务"] > widths["牵头部门"] > widths["序号"]
    assert widths["进展情况"] == max(widths.values())
    assert widths["序号"] < 20
    assert sum(widths.values()) == pytest.approx(297 - 37 - 35, abs=1)  # the landscape block
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in table.rows[1:]}
    assert rows["1"][3].startswith("〔绿〕县政务服务中心（推进中 60%）")
    assert rows["1"][3].endswith("县财政局：未报送")
    assert rows["2"][3] == "〔黄〕未报送"
    assert [rows[n][6] for n in "123"] == ["2026年12月", "长期坚持", "持续推进"]
    sections = [r.cells[0].text for r in table.rows[1:] if len(set(r.cells)) == 1]
    assert sections == ["一、提升政务服务效能", "二、深化审批制度改革"]


def test_the_workbook_prints_one_page_wide_and_says_what_is_missing(tmp_path: Path) -> None:
    path = tmp_path / "progress.xlsx"
    write_progress_xlsx(document(), path)
    book = load_workbook(path)
    assert book.sheetnames == ["进展情况", "县政务服务中心"]
    for sheet in book.worksheets:
        assert sheet.page_setup.orientation == "landscape"
        assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4
        # one page wide (fitToWidth: 1, the default when left out), as many pages long as need be
        assert (sheet.page_setup.fitToWidth or 1, sheet.page_setup.fitToHeight) == (1, 0)
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.print_title_rows
    main = book["进展情况"]
    values = [[c.value for c in row] for row in main.iter_rows()]
    header = next(i for i, row in enumerate(values) if row[0] == "序号")
    rows = {row[0]: row for row in values[header + 1 :] if row[0] in {"1", "2", "3"}}
    assert rows["2"][3] == rows["3"][3] == "未报送"
    assert rows["1"][3].endswith("县财政局：未报送")
    assert [rows[n][6] for n in "123"] == ["2026年12月", "长期坚持", "持续推进"]
    fills = {
        row[0].value: row[3].fill.fgColor.rgb[-6:]
        for row in main.iter_rows(min_row=header + 2)
        if row[0].value in {"1", "2", "3"}
    }
    assert fills == {"1": "C6EFCE", "2": "FFEB9C", "3": "FFC7CE"}
    legend = [row[0] for row in values if row[0] and str(row[0]).startswith("图例")]
    assert len(legend) == 1
    assert "红色底纹" in legend[0]
    assert any(row[0] and "未报送" in str(row[0]) and row[0].startswith("“") for row in values)
    unit = book["县政务服务中心"]
    assert unit.print_title_rows == "$2:$2"
    assert [c.value for c in unit[4]][:3] == ["3", "推进工程建设项目审批改革", "未报送"]


def test_the_register_keeps_full_dates_without_the_wording(tmp_path: Path) -> None:
    table = register_table(PlanMeta(title="方案"), tasks(), COLUMNS, {})
    assert [row[6] for row in table.rows] == ["2026年12月31日", "", "2026年6月30日"]
    write_xlsx(table, tmp_path / "register.xlsx")
    write_docx(table, tmp_path / "register.docx")
    word = docx.Document(str(tmp_path / "register.docx"))
    assert word.tables[0].rows[1].cells[0].text == "一、提升政务服务效能"
    assert [p.text for p in word.paragraphs if p.style.name == "Title"] == ["方案"]


def test_control_characters_do_not_break_the_document(tmp_path: Path) -> None:
    made = document()
    made.table.rows[0][3] = "进展\x01\x0b正常\x00"
    made.sections[0] = ("1. 标题\x1f", "文字\x08")
    write_progress_docx(made, tmp_path / "odd.docx")
    word = docx.Document(str(tmp_path / "odd.docx"))
    assert "1. 标题" in [p.text for p in word.paragraphs]
    assert word.tables[0].rows[2].cells[3].text.startswith("〔绿〕进展正常")
    assert Column.PROGRESS in made.table.columns
