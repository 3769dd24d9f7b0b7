"""The printable invitation sheet: an xlsx list of the codes, and cards to cut out (PDF/PNG);
and the contacts sheet offered by a WeCom sync, in the layout the import reads.

Each card names the unit, the person and their role, the code in large type, how to send it
in WeCom (``绑定 CODE``) and in Telegram (``/start CODE``), when it expires and, when the bot's
username is known, a QR code of the Telegram link. Drawn with matplotlib's object API (no
pyplot: safe in a worker thread) and the bundled WenQuanYi font, so Chinese prints anywhere.
Both writers block: call them from a thread.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.render.cells import append_text
from bot.render.chart import font_path
from bot.render.page import landscape_a4

COLUMNS, ROWS = 2, 4  # cards per A4 page (portrait): 2 × 4
PAGE = (8.27, 11.69)  # A4 in inches
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 0.045, 0.035, 0.05  # of the page
CODE_FONT = "DejaVu Sans Mono"  # matplotlib's own: every code symbol unmistakable


@dataclass(frozen=True, slots=True)
class Card:
    """One person's invitation."""

    unit: str
    role: str  # in the reader's language
    name: str
    phone: str
    telegram: str  # "@name", a user id, or ""
    code: str
    expires: str  # local time, as the reader reads it
    link: str | None  # https://t.me/BOT?start=CODE, None while the bot's username is unknown


@dataclass(frozen=True, slots=True)
class Labels:
    """The sheet's words in the reader's language (the caller translates)."""

    title: str  # the cards' heading, e.g. 督办 · 绑定邀请
    headers: tuple[str, ...]  # the xlsx columns, in the order of :func:`xlsx_row`
    code: str  # 绑定码
    wecom: str  # "WeCom: send to the app" (followed by the words to send)
    telegram: str  # "Telegram: send to the bot"
    scan: str  # under the QR code
    valid: str  # "Valid until {expires}"
    footer: str  # "page {page}/{pages} · these codes are live: keep the sheet safe"


def wecom_words(code: str) -> str:
    """What to send in WeCom."""
    return f"绑定 {code}"


def telegram_words(code: str) -> str:
    """What to send in Telegram."""
    return f"/start {code}"


def xlsx_row(card: Card) -> list[str]:
    """One card as a row of the list."""
    return [
        card.unit,
        card.role,
        card.name,
        card.phone,
        card.telegram,
        card.code,
        wecom_words(card.code),
        telegram_words(card.code),
        card.link or "",
        card.expires,
    ]


def write_invitations_xlsx(cards: list[Card], labels: Labels, path: Path) -> None:
    """The list of codes: one row per person, ready to print (A4 landscape) or mail-merge."""
    import openpyxl  # noqa: PLC0415 - heavy import, only this export needs it
    from openpyxl.styles import Alignment, Font, PatternFill  # noqa: PLC0415
    from openpyxl.utils import get_column_letter  # noqa: PLC0415

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = labels.title[:31].replace("/", " ")
    append_text(sheet, list(labels.headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for card in cards:
        append_text(sheet, xlsx_row(card))
        sheet.cell(sheet.max_row, 6).font = Font(name="Consolas", bold=True)
        if card.link:
            sheet.cell(sheet.max_row, 9).hyperlink = card.link
    widths = (18, 8, 10, 15, 16, 14, 18, 20, 44, 17)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(vertical="center", wrap_text=True)
    sheet.freeze_panes = "A2"
    sheet.print_title_rows = "1:1"
    landscape_a4(sheet)
    book.save(path)


def write_invitation_cards(
    cards: list[Card], labels: Labels, pdf: Path, *, png_dir: Path | None = None
) -> list[Path]:
    """Cards to cut out, eight per A4 page, into ``pdf``; also one PNG per page in ``png_dir``.

    Returns the files written (the PDF first).
    """
    from matplotlib.backends.backend_pdf import PdfPages  # noqa: PLC0415 - heavy import
    from matplotlib.figure import Figure  # noqa: PLC0415

    logging.getLogger("matplotlib").setLevel(logging.WARNING)
    per_page = COLUMNS * ROWS
    pages = [cards[i : i + per_page] for i in range(0, len(cards), per_page)] or [[]]
    written = [pdf]
    with PdfPages(pdf) as document:
        for number, page in enumerate(pages, start=1):
            figure = Figure(figsize=PAGE)
            _draw_page(figure, page, labels, number, len(pages))
            document.savefig(figure)
            if png_dir is not None:
                png = png_dir / f"{pdf.stem}-{number}.png"
                figure.savefig(png, dpi=150)
                written.append(png)
    return written


def _fonts() -> dict[str, Any]:
    from matplotlib.font_manager import FontProperties  # noqa: PLC0415

    path = str(font_path())
    return {
        "title": FontProperties(fname=path, size=8),
        "unit": FontProperties(fname=path, size=12, weight="bold"),
        "name": FontProperties(fname=path, size=11),
        "text": FontProperties(fname=path, size=8.5),
        "small": FontProperties(fname=path, size=7),
        "code": FontProperties(family=CODE_FONT, size=20, weight="bold"),
    }


def _draw_page(figure: Any, cards: list[Card], labels: Labels, page: int, pages: int) -> None:
    fonts = _fonts()
    width = (1 - 2 * MARGIN_X) / COLUMNS
    height = (1 - MARGIN_TOP - MARGIN_BOTTOM) / ROWS
    for index, card in enumerate(cards):
        column, row = index % COLUMNS, index // COLUMNS
        left = MARGIN_X + column * width
        top = 1 - MARGIN_TOP - row * height
        _draw_card(figure, card, labels, fonts, (left, top, width, height))
    figure.text(
        0.5,
        MARGIN_BOTTOM / 2,
        labels.footer.format(page=page, pages=pages),
        ha="center",
        va="center",
        fontproperties=fonts["small"],
        color="#555555",
    )


def _draw_card(
    figure: Any,
    card: Card,
    labels: Labels,
    fonts: dict[str, Any],
    box: tuple[float, float, float, float],
) -> None:
    from matplotlib.patches import Rectangle  # noqa: PLC0415

    left, top, width, height = box
    figure.add_artist(
        Rectangle(
            (left, top - height),
            width,
            height,
            transform=figure.transFigure,
            fill=False,
            linestyle=(0, (4, 3)),
            linewidth=0.6,
            edgecolor="#888888",
        )
    )
    pad = 0.018
    x = left + pad
    chars = int((width - 2 * pad) * PAGE[0] * 72 / 12.5)  # CJK characters at 12 pt per line

    def line(y: float, text: str, font: str, **style: Any) -> None:
        figure.text(x, y, text, fontproperties=fonts[font], va="top", **style)

    line(top - 0.012, labels.title, "title", color="#666666")
    unit = card.unit or "—"
    limit = chars - (9 if card.link else 0)  # the QR code stands to the right
    if len(unit) <= limit:
        line(top - 0.028, unit, "unit")
    else:  # a long name in smaller type, cut only if even that does not fit
        small = int(limit * 12 / 8.5)
        line(top - 0.030, unit if len(unit) <= small else unit[: small - 1] + "…", "text")
    line(top - 0.050, f"{card.name or '—'} · {card.role}", "name")
    line(top - 0.072, labels.code, "small", color="#666666")
    line(top - 0.083, _grouped(card.code), "code")
    y = top - (0.144 if card.link else 0.122)  # below the QR code, or right below the code
    line(y, labels.wecom, "text")
    line(y - 0.014, f"  {wecom_words(card.code)}", "text", weight="bold")
    line(y - 0.030, labels.telegram, "text")
    line(y - 0.044, f"  {telegram_words(card.code)}", "text", weight="bold")
    line(top - height + 0.014, labels.valid.format(expires=card.expires), "small", color="#444444")
    if card.link:
        side = 0.15
        _draw_qr(figure, card.link, (left + width - pad - side, top - 0.128, side, side * 0.707))
        figure.text(
            left + width - pad - side / 2,
            top - 0.129,
            labels.scan,
            ha="center",
            va="top",
            fontproperties=fonts["small"],
            color="#444444",
        )


def _grouped(code: str) -> str:
    """ABCDE 23456: easier to read out and type (spaces are ignored when it is sent)."""
    return f"{code[:5]} {code[5:]}" if len(code) == 10 else code


def _draw_qr(figure: Any, link: str, rect: tuple[float, float, float, float]) -> None:
    import segno  # noqa: PLC0415 - only the cards need it

    qr = segno.make(link, error="m", micro=False)
    matrix = [list(row) for row in qr.matrix_iter(scale=1, border=2)]
    axes = figure.add_axes(rect)
    axes.imshow(matrix, cmap="gray_r", interpolation="nearest", aspect="equal")
    axes.set_axis_off()


def write_contacts_sheet(headers: list[str], rows: list[list[str]], path: Path) -> None:
    """A contacts sheet in the layout ``duban contacts import`` reads (offers to fill in)."""
    import openpyxl  # noqa: PLC0415 - heavy import
    from openpyxl.styles import Font  # noqa: PLC0415
    from openpyxl.utils import get_column_letter  # noqa: PLC0415

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    append_text(sheet, headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        append_text(sheet, row)
    for index, width in enumerate((18, 8, 10, 15, 18, 14, 30), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    book.save(path)
