"""Text clean-up for plan cells: stray spaces inside Chinese words, HTML remnants, widths."""

from __future__ import annotations

import html
import re
import unicodedata

# CJK ideographs plus full-width punctuation and the circled numbers used for sub-items.
_CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef\u2460-\u2473"
_SPACE_NEAR_CJK = re.compile(rf"(?<=[{_CJK}])[ \t\u00a0\u3000]+|[ \t\u00a0\u3000]+(?=[{_CJK}])")
_TAG_BREAK = re.compile(r"<\s*(br|/p|p|/div|div|/li|li)\b[^>]*>", re.IGNORECASE)
_TAG_ANY = re.compile(r"<[^<>]{0,200}>")
_BLANKS = re.compile(r"[ \t\u00a0]+")
_MANY_NEWLINES = re.compile(r"\n\s*\n+")


def strip_tags(value: str) -> str:
    """Turn cell HTML (``<p>…</p>``, ``<br>``) into plain text, block tags becoming newlines."""
    value = _TAG_BREAK.sub("\n", value)
    value = _TAG_ANY.sub("", value)
    return html.unescape(value)


def is_cjk(char: str) -> bool:
    """True for a Chinese character or full-width punctuation mark."""
    return bool(re.match(rf"[{_CJK}]", char))


def squeeze(value: str, *, keep_newlines: bool = False) -> str:
    """Remove spaces next to Chinese characters (``县 教 育 局`` → ``县教育局``), fold the rest.

    Spaces between Latin words or digits are kept, single; surrounding space is stripped.
    """
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    lines = value.split("\n")
    cleaned = [_BLANKS.sub(" ", _SPACE_NEAR_CJK.sub("", line)).strip() for line in lines]
    if keep_newlines:
        return _MANY_NEWLINES.sub("\n", "\n".join(cleaned)).strip()
    # A line break inside a cell is a wrap, not a word gap: join without a space next to CJK.
    out = ""
    for line in cleaned:
        if not line:
            continue
        if out and not (is_cjk(out[-1]) or is_cjk(line[0])):
            out += " "
        out += line
    return out


def clean_cell(value: object) -> str:
    """A table cell as one line of plain text: tags removed, spaces squeezed."""
    if value is None:
        return ""
    return squeeze(strip_tags(str(value)))


def to_halfwidth_digits(value: str) -> str:
    """Full-width digits and Latin letters to ASCII (``１２`` → ``12``); other text unchanged."""
    return "".join(
        unicodedata.normalize("NFKC", ch) if "\uff10" <= ch <= "\uff5a" else ch for ch in value
    )


_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}


def chinese_numeral(value: str) -> int | None:
    """Value of a Chinese numeral up to 999 (``十二`` → 12, ``二十三`` → 23), else None."""
    if not value or any(ch not in _CN_DIGITS and ch not in "十百" for ch in value):
        return None
    total, current = 0, 0
    for ch in value:
        if ch == "百":
            total += (current or 1) * 100
            current = 0
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = current * 10 + _CN_DIGITS[ch]
    return total + current


_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
# 區(qū)教育局, 發(fā)展: a reading in brackets right after a character, as mirror sites insert.
# At least one toned vowel (or ü), so a Latin word in brackets after Chinese text stays.
_PINYIN = re.compile(
    rf"(?<=[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])\s?[(（]\s*"
    rf"(?=[a-z{_TONED}]{{0,6}}[{_TONED}])[a-z{_TONED}]{{1,7}}\s*[)）]"
)


def strip_pinyin(value: str) -> str:
    """Remove pinyin readings inserted after characters: ``發(fā)展`` → ``發展``."""
    return _PINYIN.sub("", value)


def shorten(value: str, limit: int) -> str:
    """``value`` on one line, cut to ``limit`` characters with an ellipsis when longer."""
    flat = " ".join(value.split())
    return flat if len(flat) <= limit else flat[: max(limit - 1, 0)] + "…"
