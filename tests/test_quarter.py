"""A quarter of reports: the draft summaries, the approval and return flow in chat, the
quarterly digest, the monthly digest's figures against the records, and the exports."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import struct
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import docx
import pytest
from openpyxl import load_workbook

from bot.cadence.dispatch import dispatch
from bot.domain.payloads import payload
from bot.domain.reporting import Month, Quarter, Status
from bot.importers import read_plan
from bot.oversight.digest import build_digest
from bot.oversight.exports import export_month
from bot.people.binding import ContactRole, create_invite
from bot.plans.importing import import_plan
from bot.reporting.reports import Draft, submit_report
from bot.storage.models import (
    Contact,
    OutboxMessage,
    ProgressReport,
    QuarterlySummary,
    ReportRequest,
    Task,
)
from bot.summaries.cycle import run_quarter
from bot.summaries.quarterly import quarter_rows, stored_quarter_period, write_materials
from tests.dialogue import Dialogue, Person, reply, run_table

TZ = ZoneInfo("Asia/Shanghai")
REPORTER = Person("telegram:11", "发改局联络员")
LEADER = Person("telegram:12", "发改局局长")
OTHER = Person("telegram:13", "财政局联络员")
OTHER_LEADER = Person("telegram:14", "财政局局长")
SEC = Person("telegram:15", "秘书组")
MARGIN = 60  # points: a word this close to a page's right edge is in its margin (26 mm = 74 pt)
DOCS = Path(__file__).resolve().parent.parent / "docs"


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=TZ).astimezone(UTC)


@pytest.fixture
async def quarter(db: str, sample_plan: Path, tmp_path: Path) -> Dialogue:
    """Three months of reports from 县发改局 (on time, then late, then not at all in December)."""
    await import_plan(
        read_plan(sample_plan), source_name="sample.md", sha256="0" * 64, now=datetime.now(UTC)
    )
    d = Dialogue(tmp_path / "data")
    for who, unit, role in (
        (REPORTER, "县发改局", ContactRole.REPORTER),
        (LEADER, "县发改局", ContactRole.LEADER),
        (OTHER, "县财政局", ContactRole.REPORTER),
        (OTHER_LEADER, "县财政局", ContactRole.LEADER),
        (SEC, None, ContactRole.SECRETARIAT),
    ):
        code = (await create_invite(unit, role, now=d.clock(), locale="en")).code
        await d.says(who, f"/start {code}")
    reporter = await Contact.get(identity=REPORTER.identity, active=True)
    for key, day, status, late in (
        ("2026-10", "2026-10-27", Status.IN_PROGRESS, False),
        ("2026-11", "2026-12-04", Status.BEHIND, True),
    ):
        month = Month.parse(key)
        assert month is not None
        outcome = await dispatch(
            month,
            now=at("2026-10-26" if key == "2026-10" else "2026-11-25"),
            today=(at("2026-10-26") if key == "2026-10" else at("2026-11-25")).date(),
        )
        assert outcome.requests > 0
        for request in await ReportRequest.filter(unit_id=reporter.unit_id, period__key=key):
            await submit_report(
                reporter,
                request.id,
                Draft(status, 40, f"{key} 发改局进展"),
                now=at(day),
                today=at(day).date(),
            )
        assert await ProgressReport.filter(late=late, request__period__key=key).exists()
    await dispatch(Month(2026, 12), now=at("2026-12-25", 9), today=at("2026-12-25").date())
    d.clock.now = at("2026-12-25", 11).astimezone(TZ)
    return d


async def test_drafts_approval_and_return(quarter: Dialogue) -> None:
    d = quarter
    # before the December dispatch: the 18th, 5 working days before the plan's 25th
    assert await run_quarter(at("2026-12-17"), TZ) == 0
    # a draft card for each task led by a unit with a reporter: 县发改局 3, 县财政局 1
    assert await run_quarter(at("2026-12-25"), TZ) == 4
    assert await run_quarter(at("2026-12-25", 11), TZ) == 0  # once
    task = (
        await Task.filter(assignments__unit__name="县发改局", assignments__role="lead")
        .order_by("id")
        .first()
    )
    assert task is not None
    draft = await QuarterlySummary.get(task=task, unit__name="县发改局")
    assert draft.state == "draft"
    # newest first, statuses noted in the reporter's locale
    assert draft.text == (
        "【县发改局】\n"
        "2026-11（Behind schedule 40%）：2026-11 发改局进展\n"
        "2026-10（In progress 40%）：2026-10 发改局进展"
    )
    card = await OutboxMessage.get(
        key__startswith=f"summary:{draft.id}:draft:", recipient=REPORTER.identity
    )
    assert [b["payload"] for row in card.payload["buttons"] for b in row] == [
        payload("a", draft.id),
        payload("w", draft.id),
    ]
    _, period = await stored_quarter_period(Quarter(2026, 4))
    assert period.due_on is not None
    assert period.due_on.isoformat() == "2026-12-31"

    # refusals: other units, wrong roles, forged ids
    another_unit = reply("That summary belongs to another unit.")
    for who, token, expected in (
        (OTHER, payload("a", draft.id), another_unit),
        (OTHER_LEADER, payload("y", draft.id), another_unit),
        (LEADER, payload("a", draft.id), reply("Only your unit’s reporter can report progress.")),
        (
            REPORTER,
            payload("y", draft.id),
            reply("Only the unit’s leader can approve or return a summary."),
        ),
        (REPORTER, payload("a", 999999), reply("That summary does not exist.")),
        (LEADER, payload("y", draft.id), reply("This summary is still a draft; nothing to do.")),
    ):
        assert await d.sends_payload(who, token) == expected, (who, token)

    rewrite = reply("Send the whole summary as one message; it replaces the draft.")
    assert await d.sends_payload(REPORTER, payload("w", draft.id)) == rewrite
    text = "本季度完成项目储备，推进滞后环节。"
    card = reply(
        f"{text}\n\nSubmit it to your leader for approval by 2026-12-31, or send a rewritten text.",
        title=f"Quarterly summary 2026-Q4 · task {task.number} {task.title} · version 2",
    )
    await run_table(
        d,
        [
            (REPORTER, text, card),
            (
                REPORTER,
                "[Submit for approval]",
                reply("Submitted to your leader for approval (version 2)."),
            ),
        ],
    )
    review = await OutboxMessage.get(key__contains=":review:", recipient=LEADER.identity)
    pending = review.payload["buttons"][0][0]["payload"]
    ask = reply("Write what should change; the reporter will see it.")
    assert await d.sends_payload(LEADER, review.payload["buttons"][1][0]["payload"]) == ask
    await run_table(
        d, [(LEADER, "请补充具体数据。", reply("Returned to the reporter with your comment."))]
    )
    returned = await OutboxMessage.get(
        key__contains=":decided-returned:", recipient=REPORTER.identity
    )
    assert returned.payload["text"] == (
        f"Your leader returned the summary: 请补充具体数据。\n\n{text}\n\n"
        "Submit it to your leader for approval by 2026-12-31, or send a rewritten text."
    )
    # the first review's approve button: no longer pending, so nothing is approved
    stale = await d.sends_payload(LEADER, pending)
    assert stale == reply("This summary was returned for changes; nothing to do.")
    again = returned.payload["buttons"][0][0]["payload"]
    answer = await d.sends_payload(REPORTER, again)
    assert answer == reply("Submitted to your leader for approval (version 3).")
    review = (
        await OutboxMessage.filter(key__contains=":review:", recipient=LEADER.identity)
        .order_by("-id")
        .first()
    )
    assert review is not None
    answer = await d.sends_payload(LEADER, review.payload["buttons"][0][0]["payload"])
    assert answer == reply("Approved (version 3); it has gone to the secretariat.")
    versions = await QuarterlySummary.filter(task=task, unit__name="县发改局").order_by("version")
    assert [(v.version, v.state) for v in versions] == [
        (1, "draft"),
        (2, "returned"),
        (3, "approved"),
    ]
    assert versions[1].comment == "请补充具体数据。"
    assert versions[2].text == versions[1].text == "本季度完成项目储备，推进滞后环节。"
    assert (
        await OutboxMessage.filter(key__contains=":approved:", recipient=SEC.identity).count() == 1
    )

    _, found = await stored_quarter_period(Quarter(2026, 4))
    rows = await quarter_rows(found)
    states = {(r.number, r.unit): r.state for r in rows}
    assert states[(task.number, "县发改局")] == "approved"
    assert list(states.values()).count("approved") == 1
    assert "missing" in states.values()


async def test_digest_figures_match_the_records(quarter: Dialogue) -> None:
    digest = await build_digest(Month(2026, 11), today=at("2026-12-05").date())
    requests = await ReportRequest.filter(period__key="2026-11").select_related("unit")
    for line in digest.units:
        mine = [r for r in requests if r.unit.name == line.unit]
        answered = [r for r in mine if await ProgressReport.filter(request_id=r.id).exists()]
        late = [
            r
            for r in answered
            if await ProgressReport.filter(request_id=r.id, version=1, late=True).exists()
        ]
        assert (line.asked, line.reported, line.late, line.missing) == (
            len(mine),
            len(answered),
            len(late),
            len(mine) - len(answered),
        )
        assert line.on_time == line.reported - line.late
    fagai = next(u for u in digest.units if u.unit == "县发改局")
    assert fagai.missing == 0
    assert fagai.late == fagai.reported > 0
    assert digest.units_reported == 1
    # every unit asked, but a collective nobody answered for (no silent unit: completion.py)
    assert {line.unit for line in digest.units} == {
        r.unit.name for r in requests if r.unit.kind != "collective"
    }
    by_number = {t.number: t for t in digest.tasks}
    behind = [t for t in digest.tasks if t.status is Status.BEHIND]
    assert [t.number for t in behind] == ["1", "3", "4", "12", "18", "19", "20"]  # 县发改局's
    for task in behind:
        assert task.light.value in ("yellow", "red")  # behind is never green
    lead_task = await Task.filter(
        assignments__unit__name="县发改局", assignments__role="lead"
    ).first()
    assert lead_task is not None
    assert by_number[lead_task.number].latest.startswith("2026-11 发改局进展")
    assert by_number[lead_task.number].previous is Status.IN_PROGRESS  # changed since October
    assert lead_task.number in [t.number for t in digest.changes]
    # unreported two months in a row is red
    silent = next(t for t in digest.tasks if t.status is None)
    assert silent.light.value == "red"
    shape = digest.to_json()
    assert set(shape) == {"period", "units", "tasks", "overdue"}
    assert {"number", "title", "lead", "light", "status", "latest"} <= set(shape["tasks"][0])


async def test_exports_read_back(quarter: Dialogue, tmp_path: Path) -> None:
    month, today = Month(2026, 11), at("2026-12-05").date()
    xlsx, docx_path, png = tmp_path / "t.xlsx", tmp_path / "t.docx", tmp_path / "t.png"
    for fmt, out in (("xlsx", xlsx), ("docx", docx_path), ("png", png)):
        await export_month(month, fmt, out, today=today, zone=TZ, locale="zh_CN")
    book = load_workbook(xlsx)
    sheet = book["进展情况"]
    header = [c.value for c in next(r for r in sheet.iter_rows() if r[0].value == "序号")]
    progress = header.index("进展情况")
    rows = [
        r
        for r in sheet.iter_rows(min_row=sheet.min_row)
        if r[0].value and str(r[0].value).isdigit()
    ]
    filled = [r for r in rows if "）：" in str(r[progress].value)]  # a unit's report
    assert filled
    assert len(filled) < len(rows)
    assert all("县发改局（滞后 40%）：2026-11 发改局进展" in str(r[progress].value) for r in filled)
    # a unit that did not report says so in words, on its own line (collectives are no units)
    assert all("：未报送" in str(r[progress].value) for r in rows if r not in filled)
    assert not any("县直各单位：未报送" in str(r[progress].value) for r in rows)
    assert [r[0].value for r in filled] == ["1", "3", "4", "12", "18", "19", "20"]
    assert {r[progress].fill.fgColor.rgb[-6:] for r in filled} == {"FFC7CE"}  # all red
    # a record sheet per unit asked, reported or not (a collective nobody answers for is none)
    digest = await build_digest(month, today=today)
    assert book.sheetnames[0] == "进展情况"
    assert sorted(book.sheetnames[1:]) == sorted(u.unit for u in digest.units)
    assert "县直各单位" not in book.sheetnames
    record = book["县发改局"]
    assert [c.value for c in record[2]][:3] == ["序号", "目标任务", "状态"]
    assert [row[0].value for row in record.iter_rows(min_row=3)] == [
        "1", "3", "4", "12", "18", "19", "20"
    ]  # fmt: skip
    silent = book["县财政局"]  # asked, never answered: each request says 未报送
    assert {row[2].value for row in silent.iter_rows(min_row=3)} == {"未报送"}
    assert sheet.freeze_panes is not None
    assert sheet.page_setup.orientation == "landscape"
    written = docx.Document(str(docx_path))
    headings = [p.text for p in written.paragraphs if p.style.name.startswith("Heading")]
    assert any(h.startswith("1. ") for h in headings)
    assert written.tables
    assert written.tables[0].rows[0].cells[0].text == "序号"
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert width >= 1500
    assert height >= 700

    await run_quarter(at("2026-12-25"), TZ)
    materials = tmp_path / "q4.docx"
    await write_materials(Quarter(2026, 4), materials, locale="zh_CN")
    assert "2026-Q4" in "\n".join(p.text for p in docx.Document(str(materials)).paragraphs)


async def _render(files: list[Path], outdir: Path) -> list[Path]:
    """The files converted to PDF by LibreOffice in one headless run, with a profile of its own
    (another soffice running on the machine does not block it); skipped where it is absent."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None or shutil.which("pdfinfo") is None:
        pytest.skip("LibreOffice or poppler-utils is not installed: the files are not rendered")
    process = await asyncio.create_subprocess_exec(
        soffice, f"-env:UserInstallation=file://{outdir / 'profile'}", "--headless",
        "--convert-to", "pdf", "--outdir", str(outdir), *map(str, files),
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, err = await asyncio.wait_for(process.communicate(), 300)
    assert process.returncode == 0, err
    pdfs = [outdir / f"{path.stem}.pdf" for path in files]
    assert all(pdf.exists() for pdf in pdfs), err
    return pdfs


async def _poppler(*args: str) -> str:
    process = await asyncio.create_subprocess_exec(
        *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode == 0, err
    return out.decode()


async def _pages(pdf: Path) -> tuple[int, tuple[float, float]]:
    """The page count and the first page's size in points."""
    info = dict(
        line.split(":", 1)
        for line in (await _poppler("pdfinfo", str(pdf))).splitlines()
        if ":" in line
    )
    size = re.match(r"\s*([\d.]+) x ([\d.]+)", info["Page size"])
    assert size is not None
    return int(info["Pages"]), (float(size[1]), float(size[2]))


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


async def _overflow(pdf: Path) -> list[tuple[int, float, float]]:
    """(page, its width, the right edge of its rightmost word) of each page where a word
    reaches within ``MARGIN`` points of the page's right edge, or past it."""
    boxes = await _poppler("pdftotext", "-bbox", str(pdf), "-")
    found = []
    for number, page in enumerate(boxes.split("<page ")[1:], start=1):
        width = float(re.search(r'width="([\d.]+)"', page)[1])  # type: ignore[index]
        edge = max((float(x) for x in re.findall(r'xMax="([\d.]+)"', page)), default=0.0)
        if edge > width - MARGIN:
            found.append((number, width, edge))
    return found


async def _page_text(pdf: Path, page: int) -> str:
    return await _poppler("pdftotext", "-layout", "-f", str(page), "-l", str(page), str(pdf), "-")


async def test_exports_render_in_libreoffice(
    quarter: Dialogue, database_url: str, tmp_path: Path
) -> None:
    """The month's xlsx and docx as LibreOffice prints them: A4, the table's every column on
    the page (its header whole on one page), the expected number of pages; with
    DUBAN_WRITE_SCREENSHOTS=1 the docx's first table page becomes docs/export-page.png."""
    if not database_url.startswith("sqlite"):
        pytest.skip("rendering does not depend on the database: once, on SQLite")
    month, today = Month(2026, 11), at("2026-12-05").date()
    files = [tmp_path / "month-table.xlsx", tmp_path / "month-material.docx"]
    for out in files:
        await export_month(month, out.suffix[1:], out, today=today, zone=TZ, locale="zh_CN")
    await run_quarter(at("2026-12-25"), TZ)
    files.append(tmp_path / "quarter-materials.docx")
    await write_materials(Quarter(2026, 4), files[-1], locale="zh_CN")
    table, material, quarterly = await _render(files, tmp_path / "pdf")
    book = load_workbook(files[0])
    header = [
        c.value for c in next(r for r in book["进展情况"].iter_rows() if r[0].value == "序号")
    ]

    # the xlsx: A4 landscape; the table's header whole on its first page (fit to width: no
    # column pushed onto a page of its own); each unit's sheet one page with its whole header
    pages, (width, height) = await _pages(table)
    assert (round(width), round(height)) == (842, 595)
    first = _squeezed(await _page_text(table, 1))
    assert all(str(h) in first for h in header), first
    units = book.sheetnames[1:]
    assert len(units) > 30  # every unit asked, reported or not
    texts = [_squeezed(await _page_text(table, n)) for n in range(1, pages + 1)]
    starts = [n for n, text in enumerate(texts) if any(text.startswith(u) for u in units)]
    assert len(starts) == len(units)  # one page each, in order after the table and legend
    assert starts == list(range(pages - len(units), pages))
    assert all("序号目标任务状态进度进展情况报送人报送时间版本逾期" in texts[n] for n in starts)
    assert pages - len(units) <= 3  # twenty tasks and the legend

    # the docx: A4 in 公文 format (the table's section landscape); nothing runs into the right
    # margin on any page, the table included; the written sections then the table
    pages, (width, height) = await _pages(material)
    assert (round(width), round(height)) == (595, 842)
    assert 4 <= pages <= 12
    assert await _overflow(material) == []
    texts = [_squeezed(await _page_text(material, n)) for n in range(1, pages + 1)]
    table_page = next(n for n, text in enumerate(texts, start=1) if "重点任务工作目标" in text)
    assert table_page > 1  # the written sections come first
    assert all(h in texts[table_page - 1] for h in ("工作目标", "进展情况", "牵头单位"))
    # the quarter's written materials: A4, nothing in the margin
    pages, (width, height) = await _pages(quarterly)
    assert (round(width), round(height)) == (595, 842)
    assert pages >= 1
    assert await _overflow(quarterly) == []
    if os.environ.get("DUBAN_WRITE_SCREENSHOTS") == "1":
        await _poppler(
            "pdftoppm", "-png", "-r", "60", "-singlefile", "-f", str(table_page),
            "-l", str(table_page), str(material), str(DOCS / "export-page"),
        )  # fmt: skip
