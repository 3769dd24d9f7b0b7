"""The 督办单 (supervision notice) as a Word document in 公文 format (:mod:`bot.render.official`).

A4 portrait: the title 督办单, the 编号 (青营商督〔2026〕3号) centred under it, then the unit
addressed, the task, the problem found, what is asked (整改措施 and a date, by a day), and the
issuing office and date at the right, as a 督办 office files it. A unit's notices issued
together are one document, a notice a page.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.render import official
from bot.render.official import official_document, paragraph, text

TITLE = "督办单"


@dataclass(frozen=True, slots=True)
class NoticeDocument:
    """What a 督办单 says."""

    number: str  # 青营商督〔2026〕3号
    unit: str
    task: str  # 3. 推行企业开办"一网通办"
    grade: str  # 黄色督办 | 红色督办
    problems: list[str]
    reply_by: str  # 2026年11月30日
    office: str
    issued: str  # 2026年11月25日


def _flush(value: str, side: str = "left") -> str:
    """A paragraph without the first-line indent: the unit addressed (主送, at the left margin),
    or the office and date (落款, at the right margin, two characters in)."""
    place = '<w:jc w:val="right"/>' if side == "right" else ""
    inset = ' w:right="640"' if side == "right" else ""
    return (
        f'<w:p><w:pPr><w:ind w:firstLine="0" w:firstLineChars="0"{inset}/>{place}</w:pPr>'
        f'<w:r><w:t xml:space="preserve">{text(value)}</w:t></w:r></w:p>'
    )


def notice_paragraphs(notice: NoticeDocument) -> list[str]:
    """The 督办单's paragraphs, in order; several problems are numbered 1． 2．."""
    if len(notice.problems) == 1:
        problems = [paragraph(f"存在问题：{notice.problems[0]}")]
    else:
        numbered = (paragraph(f"{i}．{p}") for i, p in enumerate(notice.problems, 1))
        problems = [paragraph("存在问题："), *numbered]
    return [
        paragraph(TITLE, "Title"),
        paragraph(notice.number, centred=True),
        paragraph(""),
        _flush(f"{notice.unit}："),
        paragraph(f"督办等级：{notice.grade}"),
        paragraph(f"督办事项：{notice.task}"),
        *problems,
        paragraph(
            f"办理要求：请于{notice.reply_by}前，通过督办平台回复整改措施及完成时限，"
            "并按时限完成整改。逾期未反馈的，将在调度汇总中予以通报。"
        ),
        paragraph(""),
        _flush(notice.office, "right"),
        _flush(notice.issued, "right"),
    ]


PAGE_BREAK = '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'


def write_notice_docx(notices: list[NoticeDocument], path: Path) -> None:
    """Write the 督办单 to ``path`` (A4 portrait, 公文 fonts and margins, page numbers); several
    (one unit's, issued together) each start on a new page."""
    word = official_document()
    official.mark(word, 0)
    parts: list[str] = []
    for index, notice in enumerate(notices):
        parts += ([PAGE_BREAK] if index else []) + notice_paragraphs(notice)
    official.save_streamed(word, path, [parts])
