"""Word documents in 公文 format (GB/T 9704-2012), written as WordprocessingML.

A4 with the standard margins (top 37 mm, bottom 35 mm, left 28 mm, right 26 mm: a 156 × 225 mm
text block); the title in 方正小标宋简体 二号, centred; the body in 仿宋_GB2312 三号 at 22 lines a
page; first-level headings (一、) in 黑体, second-level ((一)) in 楷体_GB2312; page numbers
"— 1 —" in 宋体 四号, on the outside edge (odd pages right, even pages left, one character in).
Fonts are named as offices have them installed, the Chinese name in ``w:eastAsia`` (what Word
uses for Chinese text) and Times New Roman for Latin letters and digits; the built-in Title and
Heading styles are redefined (black, no theme fonts, no rule under the title), so the outline
and navigation pane still work.

Paragraphs and tables are XML text streamed into the saved package (:func:`save_streamed`):
python-docx's ``add_heading`` looks its style up by name on every call, ``cell.text`` scans the
row, and its element tree of a large table takes hundreds of MB.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING1_FONT = "黑体"
HEADING2_FONT = "楷体_GB2312"
NUMBER_FONT = "宋体"
LATIN_FONT = "Times New Roman"
# Sizes in half-points (w:sz): 二号 22 pt, 三号 16 pt, 四号 14 pt, 小四 12 pt.
SIZE_2, SIZE_3, SIZE_4, SIZE_SMALL_4 = 44, 32, 28, 24
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
A4_MM = (210, 297)
LINE = 579  # twips: 28.95 pt exactly, 22 lines in the 225 mm text block
TABLE_TEXT, TABLE_HEADER = "TableText", "TableHeader"  # our own paragraph styles
_MARK = "duban-body-block-"
_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def mm(value: float) -> int:
    """Millimetres in twips (twentieths of a point)."""
    return round(value * 1440 / 25.4)


def text(value: str) -> str:
    """``value`` escaped for XML, without the control characters XML cannot hold."""
    return escape(_INVALID.sub("", value))


def fonts(east_asian: str, size: int, *, bold: bool = False) -> str:
    """A run-properties body: the Chinese font in w:eastAsia, black, ``size`` half-points."""
    weight = "<w:b/><w:bCs/>" if bold else '<w:b w:val="0"/><w:bCs w:val="0"/>'
    return (
        f'<w:rFonts w:ascii="{LATIN_FONT}" w:hAnsi="{LATIN_FONT}" w:eastAsia="{east_asian}" '
        f'w:cs="{LATIN_FONT}"/>{weight}<w:color w:val="000000"/>'
        f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/><w:lang w:val="en-US" w:eastAsia="zh-CN"/>'
    )


def paragraph(value: str, style: str | None = None, *, centred: bool = False) -> str:
    """One ``w:p`` with ``value`` in one run, in paragraph style ``style`` (an id)."""
    props = f'<w:pStyle w:val="{style}"/>' if style else ""
    if centred:
        props += '<w:ind w:firstLine="0" w:firstLineChars="0"/><w:jc w:val="center"/>'
    head = f"<w:pPr>{props}</w:pPr>" if props else ""
    body = f'<w:r><w:t xml:space="preserve">{text(value)}</w:t></w:r>' if value else ""
    return f"<w:p>{head}{body}</w:p>"


def mark(document: Any, block: int) -> None:
    """Put the place of body block ``block`` at the end of the body, for :func:`save_streamed`."""
    from docx.oxml import parse_xml  # noqa: PLC0415 - heavy import, documents only

    marker = parse_xml(f'<w:p xmlns:w="{W_NS}"><w:r><w:t>{_MARK}{block}.</w:t></w:r></w:p>')
    document.element.body.sectPr.addprevious(marker)


def save_streamed(document: Any, path: Path, blocks: Sequence[Iterable[str]]) -> None:
    """Save ``document`` with each of ``blocks`` (``w:p``/``w:tbl`` XML text) in place of its
    :func:`mark`, the text streamed into the package as it is made: no element tree of the body
    is ever built (python-docx's grows to hundreds of MB for a table of 8 000 rows)."""
    import zipfile  # noqa: PLC0415

    packed = io.BytesIO()
    document.save(packed)
    with (
        zipfile.ZipFile(packed) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            if info.filename != "word/document.xml":
                target.writestr(info, source.read(info))
                continue
            xml = source.read(info).decode("utf-8")
            with target.open("word/document.xml", "w") as out:
                done = 0
                for block, parts in enumerate(blocks):
                    at = xml.index(f"{_MARK}{block}.")
                    start, end = xml.rindex("<w:p>", done, at), xml.index("</w:p>", at) + 6
                    out.write(xml[done:start].encode("utf-8"))
                    for part in parts:
                        out.write(part.encode("utf-8"))
                    done = end
                out.write(xml[done:].encode("utf-8"))


def _style(styles: Any, style_id: str, name: str, p_pr: str, r_pr: str) -> None:
    """Give the paragraph style ``style_id`` exactly these properties (creating it if new)."""
    from docx.oxml import parse_xml  # noqa: PLC0415

    for old in styles.element.findall(f"{{{W_NS}}}style"):
        if old.get(f"{{{W_NS}}}styleId") == style_id:
            for child in old.findall(f"{{{W_NS}}}pPr") + old.findall(f"{{{W_NS}}}rPr"):
                old.remove(child)
            element = old
            break
    else:
        element = parse_xml(
            f'<w:style xmlns:w="{W_NS}" w:type="paragraph" w:customStyle="1" '
            f'w:styleId="{style_id}"><w:name w:val="{name}"/><w:basedOn w:val="Normal"/>'
            "<w:qFormat/></w:style>"
        )
        styles.element.append(element)
    element.append(parse_xml(f'<w:pPr xmlns:w="{W_NS}">{p_pr}</w:pPr>'))
    element.append(parse_xml(f'<w:rPr xmlns:w="{W_NS}">{r_pr}</w:rPr>'))


def _footer(footer: Any, *, odd: bool) -> None:
    """The page number "— 1 —" in 宋体 四号, on the outside edge one character (14 pt) in."""
    from docx.oxml import parse_xml  # noqa: PLC0415

    footer.is_linked_to_previous = False
    element = footer._element
    for old in list(element):
        element.remove(old)
    side = '<w:ind w:right="280"/><w:jc w:val="right"/>' if odd else '<w:ind w:left="280"/>'
    run = f"<w:rPr>{fonts(NUMBER_FONT, SIZE_4)}</w:rPr>"
    element.append(
        parse_xml(
            f'<w:p xmlns:w="{W_NS}"><w:pPr><w:spacing w:line="240" w:lineRule="auto"/>{side}'
            f'</w:pPr><w:r>{run}<w:t xml:space="preserve">— </w:t></w:r>'
            f'<w:fldSimple w:instr=" PAGE "><w:r>{run}<w:t>1</w:t></w:r></w:fldSimple>'
            f'<w:r>{run}<w:t xml:space="preserve"> —</w:t></w:r></w:p>'
        )
    )


def official_document() -> Any:
    """A new document: 公文 styles, A4 portrait with the standard margins, page numbers."""
    import docx  # noqa: PLC0415 - heavy import, documents only
    from docx.shared import Mm  # noqa: PLC0415

    document: Any = docx.Document()
    styles = document.styles
    no_indent = '<w:ind w:firstLine="0" w:firstLineChars="0"/>'
    exact = f'<w:spacing w:before="0" w:after="0" w:line="{LINE}" w:lineRule="exact"/>'
    single = '<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>'
    _style(
        styles,
        "Normal",
        "Normal",
        f'{exact}<w:ind w:firstLine="640" w:firstLineChars="200"/><w:jc w:val="both"/>',
        fonts(BODY_FONT, SIZE_3),
    )
    _style(
        styles,
        "Title",
        "Title",
        f'<w:keepNext/><w:spacing w:before="0" w:after="0" w:line="700" w:lineRule="exact"/>'
        f'{no_indent}<w:jc w:val="center"/>',
        fonts(TITLE_FONT, SIZE_2),
    )
    for style_id, font, level in (("Heading1", HEADING1_FONT, 0), ("Heading2", HEADING2_FONT, 1)):
        _style(
            styles,
            style_id,
            style_id,
            f'<w:keepNext/>{exact}<w:outlineLvl w:val="{level}"/>',
            fonts(font, SIZE_3),
        )
    _style(styles, TABLE_TEXT, "Table Text", f"{single}{no_indent}", fonts(BODY_FONT, SIZE_SMALL_4))
    _style(
        styles,
        TABLE_HEADER,
        "Table Header",
        f'<w:keepNext/>{single}{no_indent}<w:jc w:val="center"/>',
        fonts(HEADING1_FONT, SIZE_SMALL_4),
    )
    section = document.sections[0]
    section.page_width, section.page_height = Mm(A4_MM[0]), Mm(A4_MM[1])
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    section.footer_distance = Mm(23)  # the number's rule 7 mm under the text block
    document.settings.odd_and_even_pages_header_footer = True
    _footer(section.footer, odd=True)
    _footer(section.even_page_footer, odd=False)
    return document


def landscape_section(document: Any) -> int:
    """Start an A4 landscape section (the same margins, turned with the page, and the same
    page numbers); returns its text width in twips."""
    from docx.enum.section import WD_ORIENT, WD_SECTION  # noqa: PLC0415
    from docx.shared import Mm  # noqa: PLC0415

    section = document.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(A4_MM[1]), Mm(A4_MM[0])
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    return mm(A4_MM[1] - MARGINS_MM["top"] - MARGINS_MM["bottom"])


def portrait_width() -> int:
    """The portrait text block's width in twips (156 mm)."""
    return mm(A4_MM[0] - MARGINS_MM["left"] - MARGINS_MM["right"])
