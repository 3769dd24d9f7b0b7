"""The register as a Word table: column widths by content, a header row repeated on every page.

Narrow columns (序号, dates, a leader's name) are as wide as their longest entry within a cap
(a header wraps onto two lines rather than widen its column); unit columns are moderate; the
narrow columns together take at most 45 % of the width when long-text columns are present, and
what is left goes to the long-text columns by weight (进展情况 most, then 目标任务 and 具体要求),
each no wider than its longest text needs.
The table is XML text with fixed widths (``w:tblLayout fixed``): Word neither measures nor
re-flows it, and no cell is inserted through python-docx.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from bot.domain.plan import Column
from bot.render.official import TABLE_HEADER, TABLE_TEXT, mm, text

CHAR_MM = 12 * 25.4 / 72  # one Chinese character at 小四 (12 pt)
PADDING_MM = 2 * 1.9  # Word's default cell margins, left and right
# column → (fewest characters, most characters, share of the spare width)
_LIMITS: dict[Column, tuple[float, float, float]] = {
    Column.NUMBER: (1.5, 3, 0),
    Column.TITLE: (6, 40, 3),
    Column.REQUIREMENTS: (6, 60, 3),
    Column.PROGRESS: (8, 120, 5),
    Column.LEAD: (2, 6, 0),
    Column.RESPONSIBLE: (2, 6, 0),
    Column.COOPERATING: (2, 6, 0),
    Column.LEADER: (2, 4, 0),
    Column.LIAISON: (2, 6, 0),
    Column.DEADLINE: (3, 5, 0),
}
NARROW_SHARE = 0.45


def text_width(value: str) -> float:
    """The longest line of ``value`` in Chinese-character widths (Latin letters count half)."""
    widest = 0.0
    for line in value.split("\n"):
        wide = (len(line.encode()) - len(line)) / 2  # a Chinese character is three bytes
        widest = max(widest, wide + (len(line) - wide) / 2)
    return widest


def _share(spare: float, needs: dict[int, float], weights: dict[int, float]) -> dict[int, float]:
    """Hand ``spare`` out by weight, none beyond its need; what a capped column leaves goes on."""
    given = dict.fromkeys(needs, 0.0)
    open_ = {i for i in needs if weights[i] > 0 and needs[i] > 0}
    while spare > 0.01 and open_:
        total = sum(weights[i] for i in open_)
        handed = 0.0
        for i in sorted(open_):
            part = min(spare * weights[i] / total, needs[i] - given[i])
            given[i] += part
            handed += part
            if needs[i] - given[i] <= 0.01:
                open_.discard(i)
        spare -= handed
        if handed <= 0.01:
            break
    return given


def column_widths(
    columns: Sequence[Column], header: Sequence[str], rows: Sequence[Sequence[str]], total: float
) -> list[float]:
    """Widths in millimetres that add up to ``total``, by each column's role and content."""
    longest = [text_width(h) / 2 for h in header]  # a header may wrap onto two lines
    for row in rows:
        for i, value in enumerate(row):
            if len(value) > longest[i]:  # a text is never wider than its length
                longest[i] = max(longest[i], text_width(value))
    base: list[float] = []
    needs: dict[int, float] = {}
    weights: dict[int, float] = {}
    for i, column in enumerate(columns):
        fewest, most, weight = _LIMITS[column]
        chars = min(max(longest[i], fewest), most)
        if weight:
            base.append(fewest * CHAR_MM + PADDING_MM)
            needs[i], weights[i] = (chars - fewest) * CHAR_MM, weight
        else:
            base.append(chars * CHAR_MM + PADDING_MM)
    narrow = [i for i, c in enumerate(columns) if i not in weights and c is not Column.NUMBER]
    crowded = sum(base[i] for i in narrow) / (NARROW_SHARE * total)
    if weights and narrow and crowded > 1:  # many unit columns: they wrap, the long texts do not
        for i in narrow:
            base[i] /= crowded
    spare = total - sum(base)
    if spare < 0:  # more columns than the page holds: everything in proportion
        return [w * total / sum(base) for w in base]
    given = _share(spare, needs, weights)
    widths = [w + given.get(i, 0.0) for i, w in enumerate(base)]
    left = total - sum(widths)
    wide = list(weights) or list(range(len(widths)))
    for i in wide:  # short texts everywhere: the rest to the long-text columns, by weight
        widths[i] += left * (weights.get(i, 1.0) / sum(weights.get(j, 1.0) for j in wide))
    return widths


def _cell(value: str, width: int, style: str, span: int = 1) -> str:
    grid = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
    align = '<w:jc w:val="left"/>' if span > 1 else ""  # a section row reads from the left
    lines = value.split("\n")
    paragraphs = "".join(
        f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{align}</w:pPr>'
        + (f'<w:r><w:t xml:space="preserve">{text(line)}</w:t></w:r>' if line else "")
        + "</w:p>"
        for line in lines
    )
    return f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{grid}</w:tcPr>{paragraphs}</w:tc>'


def table_parts(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths_mm: Sequence[float],
    headings: dict[int, str] | None = None,
) -> Iterator[str]:
    """A ``w:tbl`` as XML text, a row at a time: ruled, fixed ``widths_mm``, ``header`` repeated
    on every page; ``headings`` puts a full-width section row above a row's index."""
    widths = [mm(w) for w in widths_mm]
    total = sum(widths)
    headings = headings or {}
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    yield "".join(
        [
            f'<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="{total}" w:type="dxa"/>'
            '<w:jc w:val="center"/><w:tblLayout w:type="fixed"/></w:tblPr>'
            f"<w:tblGrid>{grid}</w:tblGrid>",
            "<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>",
            *(_cell(h, w, TABLE_HEADER) for h, w in zip(header, widths, strict=True)),
            "</w:tr>",
        ]
    )
    for index, row in enumerate(rows):
        if index in headings:
            yield f"<w:tr>{_cell(headings[index], total, TABLE_HEADER, len(widths))}</w:tr>"
        yield (
            "<w:tr>"
            + "".join(_cell(v, w, TABLE_TEXT) for v, w in zip(row, widths, strict=True))
            + "</w:tr>"
        )
    yield "</w:tbl>"
