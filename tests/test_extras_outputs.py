"""存在问题 and 下步打算 reach what the secretariat reads: the exported 进展情况 (table and the
unit's sheet), the digest (the lead unit's problems) and the quarterly draft."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from bot.domain.reporting import Month
from bot.i18n import Translator
from bot.oversight.digest import build_digest
from bot.oversight.exports import export_month
from bot.render.digest import digest_text
from bot.reporting.latest import latest_in_periods
from bot.storage.models import Plan, ReportingPeriod, Unit
from bot.summaries.drafts import draft_text
from tests.dialogue import Dialogue
from tests.test_handlers_extras import ALICE, world  # noqa: F401 - the fixture

NOVEMBER = Month(2026, 11)
ZONE = ZoneInfo("Asia/Shanghai")
SAID = "第3项 推进中，完成60%，审批时限压缩\n存在问题：资金不足\n下步打算：月底前完成对接"


async def test_problems_and_next_steps_in_exports_digest_and_draft(
    world: Dialogue,  # noqa: F811 - the fixture imported above
    tmp_path: Path,
) -> None:
    await world.says(ALICE, SAID)
    await world.presses(ALICE, "Submit")
    today = world.clock.now.date()
    out = tmp_path / "progress.xlsx"
    await export_month(NOVEMBER, "xlsx", out, today=today, zone=ZONE, locale="zh_CN")
    cells = [str(c.value) for ws in load_workbook(out) for row in ws.iter_rows() for c in row]
    filled = "审批时限压缩\n存在问题：资金不足\n下步打算：月底前完成对接"
    assert any(filled in cell for cell in cells if cell.startswith("县发改局（")), "the table"
    assert any(cell.startswith("推进中，完成60%") and filled in cell for cell in cells), "sheet"

    digest = await build_digest(NOVEMBER, today=today)
    assert "存在问题：资金不足" in digest_text(Translator("zh_CN"), digest)

    plan = await Plan.get()
    period = await ReportingPeriod.get(plan=plan, kind="month", key=NOVEMBER.key)
    reports = await latest_in_periods([period.id])
    units = {u.id: u.name for u in await Unit.all()}
    text = draft_text(Translator("zh_CN"), reports, units, {period.id: NOVEMBER.key})
    assert "存在问题：资金不足" in text
    assert "下步打算：月底前完成对接" in text
