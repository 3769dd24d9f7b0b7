"""WeCom template cards (模板卡片) from an Outbound, and their click events read back.

A step with at most six options becomes a button card (``button_interaction``: one button per
option, the option's payload as its key); up to twenty a single-choice vote card
(``vote_interaction``: the payloads as option ids, one submit button); a step with more is
listed as numbered text by the adapter. Every card carries an unguessable ``task_id`` (WeCom
requires one per interactive card, unique within the app, of ``[0-9A-Za-z_-@]``, at most 128
bytes). A text longer than the card shows well (WeCom recommends 160 characters for
``sub_title_text``, 44 for ``main_title.desc``, 36 for the title) goes before the card as
text, which then keeps the last paragraph (the question) or only the title.

A click arrives as ``Event=template_card_event`` with ``EventKey``, ``TaskId``, ``CardType``,
``ResponseCode`` and, for vote and select cards, ``SelectedItems``; wechatpy does not know the
event, so its fields are read from the parsed XML here. A button's key (an option's id) is the
option's payload, ``|`` and its label (cut to fit the key), so the click itself says what was
chosen and the reply can mark the card 已选择：… without looking the card up.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from bot.domain.conversation import Button, Outbound
from bot.domain.text import shorten
from bot.i18n import Translator

BUTTON_CARD = "button_interaction"
VOTE_CARD = "vote_interaction"
CARD_EVENT = "template_card_event"
MAX_BUTTONS = 6  # button_list: at most 6
MAX_CHOICES = 20  # checkbox.option_list: at most 20
TITLE_CHARS = 36  # main_title.title, as WeCom recommends
SUBTITLE_CHARS = 160  # sub_title_text (button cards)
DESC_CHARS = 44  # main_title.desc (vote cards have no sub_title_text)
QUESTION_KEY = "choice"  # the vote card's one question
SUBMIT_KEY = "submit"
REF_SEPARATOR = "|"  # message_ref = TaskId|ResponseCode|payload|label ("|" is in no task
# id, code or payload token)
KEY_BYTES = 1024  # a button's key
OPTION_ID_BYTES = 128  # a vote card option's id


def new_task_id() -> str:
    """A fresh task id: unguessable, of WeCom's charset, well under its 128 bytes."""
    return "duban-" + secrets.token_hex(16)


def card_type(outbound: Outbound) -> str | None:
    """The card a step is shown as, or None when it has no options or too many."""
    count = len(_options(outbound))
    if count == 0:
        return None
    if count <= MAX_BUTTONS:
        return BUTTON_CARD
    if count <= MAX_CHOICES:
        return VOTE_CARD
    return None


def _options(outbound: Outbound) -> list[Button]:
    """The options in reading order, each payload once (WeCom keys must not repeat)."""
    seen: set[str] = set()
    options = []
    for button in outbound.options():
        if button.payload not in seen:
            seen.add(button.payload)
            options.append(button)
    return options


@dataclass(frozen=True, slots=True)
class CardMessage:
    """What a step is sent as: a text before the card (or ""), then the card."""

    lead: str
    card: dict[str, Any]


def _layout(outbound: Outbound, limit: int) -> tuple[str, str, str]:
    """(lead text, title, description) so that the card shows everything it holds."""
    tr = Translator(outbound.locale or None)
    title, body = outbound.title.strip(), outbound.text.strip()
    if not title:
        first, _, rest = body.partition("\n")
        if first and len(first) <= TITLE_CHARS:
            title, body = first, rest.strip()
        else:
            title = tr.gettext("Please choose")
    heading = f"【{outbound.title.strip()}】\n" if outbound.title.strip() else ""
    if len(body) <= limit:
        return "", shorten(title, TITLE_CHARS), body
    before, cut, question = body.rpartition("\n\n")
    if cut and len(question) <= limit:
        return heading + before, shorten(title, TITLE_CHARS), question
    return heading + body, shorten(title, TITLE_CHARS), ""


def render_card(outbound: Outbound, task_id: str) -> CardMessage:
    """The card for a step with options (``card_type`` must not be None)."""
    kind = card_type(outbound)
    options = _options(outbound)
    if kind == BUTTON_CARD:
        lead, title, text = _layout(outbound, SUBTITLE_CHARS)
        card: dict[str, Any] = {
            "card_type": BUTTON_CARD,
            "main_title": {"title": title},
            "task_id": task_id,
            "button_list": [
                {"type": 0, "text": b.label, "style": 1, "key": option_key(b, KEY_BYTES)}
                for b in options
            ],
        }
        if text:
            card["sub_title_text"] = text
        return CardMessage(lead, card)
    if kind != VOTE_CARD:
        raise ValueError("no card for this outbound")
    lead, title, text = _layout(outbound, DESC_CHARS)
    tr = Translator(outbound.locale or None)
    main_title = {"title": title} | ({"desc": text} if text else {})
    card = {
        "card_type": VOTE_CARD,
        "main_title": main_title,
        "task_id": task_id,
        "checkbox": {
            "question_key": QUESTION_KEY,
            "mode": 0,
            "option_list": [
                {"id": option_key(b, OPTION_ID_BYTES), "text": b.label, "is_checked": False}
                for b in options
            ],
        },
        "submit_button": {"text": tr.gettext("Choose this"), "key": SUBMIT_KEY},
    }
    return CardMessage(lead, card)


def option_key(button: Button, limit: int) -> str:
    """A button's key (or a vote option's id): its payload, then its label as far as it fits
    in ``limit`` bytes (the payload alone if none of it does)."""
    key = button.payload + REF_SEPARATOR + button.label
    while len(key.encode()) > limit and len(key) > len(button.payload) + 1:
        key = key[:-1]
    return key if len(key) > len(button.payload) + 1 else button.payload


def read_key(key: str) -> tuple[str, str]:
    """(payload, label) of a key made by :func:`option_key`; no label in a key of an older
    card (the payload alone)."""
    payload, _, label = key.partition(REF_SEPARATOR)
    return payload, label


@dataclass(frozen=True, slots=True)
class Click:
    """A template_card_event: which card, what was chosen, the code to update the card with."""

    task_id: str
    payload: str
    response_code: str
    label: str = ""  # the option's label, as its key carried it ("" from an older card)

    @property
    def ref(self) -> str:
        """The Inbound's ``message_ref``: the card, its single-use update code, the choice and
        its label (so the reply that replaces the card can mark it as answered with it)."""
        return REF_SEPARATOR.join((self.task_id, self.response_code, self.payload, self.label))


def _listed(value: Any) -> list[Any]:
    """xmltodict gives one child as a value and several as a list."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def read_click(data: dict[str, Any]) -> Click | None:
    """The click in a parsed callback (wechatpy's ``_data``); None for any other message."""
    if data.get("MsgType") != "event" or data.get("Event") != CARD_EVENT:
        return None
    payload = str(data.get("EventKey") or "")
    if data.get("CardType") in (VOTE_CARD, "multiple_interaction"):
        selected = (data.get("SelectedItems") or {}).get("SelectedItem")
        ids = [
            str(option)
            for item in _listed(selected)
            if isinstance(item, dict)
            for option in _listed((item.get("OptionIds") or {}).get("OptionId"))
        ]
        payload = ids[0] if ids else ""
    payload, label = read_key(payload)
    code = str(data.get("ResponseCode") or "")
    return Click(str(data.get("TaskId") or ""), payload, code, label)


def split_ref(ref: str | None) -> Click | None:
    """The click a ``message_ref`` made by :attr:`Click.ref` stands for, else None."""
    task_id, _, rest = (ref or "").partition(REF_SEPARATOR)
    code, _, key = rest.partition(REF_SEPARATOR)
    payload, label = read_key(key)
    return Click(task_id, payload, code, label) if task_id and code else None
