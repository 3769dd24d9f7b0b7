"""The WeCom emulator's template cards (模板卡片): checked, delivered, clicked and updated as
WeCom documents them (发送应用消息 · 模板卡片消息, 更新模版卡片消息, 模板卡片事件推送).

Sending checks the interactive card types (``button_interaction``, ``vote_interaction``,
``multiple_interaction``) field by field and refuses with WeCom's errcodes: 40063 a required
field is empty, 40058 a value out of its documented range (more than 6 buttons, 20 vote
options, 3 selectors of 10 options, 6 horizontal lines), 42014 a task_id that is not of
``[0-9A-Za-z_-@]``, longer than 128 bytes or already used in the app, 42018 a key longer than
1024 bytes or repeated, 42019 a callback button without key, 42020 a button without text.
Lengths WeCom only *recommends* (a 36-character title, 160-character sub_title_text) are not
refused: the client cuts them. A click posts the encrypted ``template_card_event`` with a fresh
ResponseCode; ``update_template_card`` takes a code once (42022 when used again), within 72 h
(40058 past it or unknown), and either replaces the buttons with ``replace_name`` (no longer
clickable) or the whole card.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

TASK_ID = re.compile(r"[0-9A-Za-z_\-@]{1,128}")
KEY_BYTES = 1024  # button key, question_key, submit key
OPTION_ID_BYTES = 128
CODE_LIFETIME = 72 * 3600.0  # seconds a ResponseCode can update its card
INTERACTIVE = ("button_interaction", "vote_interaction", "multiple_interaction")

Refusal = tuple[int, str]


@dataclass
class Card:
    """A card as one member has it: the JSON sent, and what an update made of it."""

    userid: str
    card: dict[str, Any]
    replaced: str = ""  # the buttons' replace_name after an update: no longer clickable

    @property
    def task_id(self) -> str:
        """The card's task id."""
        return str(self.card.get("task_id", ""))

    @property
    def kind(self) -> str:
        """Its card_type."""
        return str(self.card.get("card_type", ""))

    def options(self) -> list[tuple[str, str]]:
        """(text, key) of what can be chosen: its buttons, or its vote or select options."""
        if self.kind == "button_interaction":
            return [(str(b.get("text")), str(b.get("key"))) for b in self.card["button_list"]]
        if self.kind == "vote_interaction":
            return [(str(o["text"]), str(o["id"])) for o in self.card["checkbox"]["option_list"]]
        return [
            (str(o["text"]), str(o["id"]))
            for select in self.card.get("select_list", ())
            for o in select["option_list"]
        ]

    def rendered(self) -> str:
        """A readable form for transcripts: title, text, then the buttons or the choice."""
        title = self.card.get("main_title", {})
        lines = [f"[{title.get('title', '')}]"]
        lines += [t for t in (title.get("desc"), self.card.get("sub_title_text")) if t]
        if self.replaced:
            lines.append(f"〔{self.replaced}〕")
        else:
            lines.append(" ".join(f"〔{text}〕" for text, _ in self.options()))
        return "\n".join(lines)


@dataclass
class Code:
    """A ResponseCode: the card it updates, when it was issued, whether it was used."""

    task_id: str
    issued: float
    used: bool = False


def _empty(value: Any) -> bool:
    return value is None or value in ("", [], {})


def _too_long(value: Any, limit: int) -> bool:
    return len(str(value).encode()) > limit


def _buttons(card: dict[str, Any]) -> Refusal | None:
    buttons = card.get("button_list")
    if _empty(buttons) or not isinstance(buttons, list):
        return 40063, "button_list is empty"
    if len(buttons) > 6:
        return 40058, "button_list exceeds 6"
    keys: set[str] = set()
    for button in buttons:
        if _empty(button.get("text")):
            return 42020, "button text missing"
        if int(button.get("type") or 0) == 1:
            if _empty(button.get("url")):
                return 40063, "button url missing"
            continue
        key = button.get("key")
        if _empty(key):
            return 42019, "button key missing"
        if _too_long(key, KEY_BYTES) or key in keys:
            return 42018, "invalid button key"
        keys.add(str(key))
    return None


def _choices(options: Any, most: int) -> Refusal | None:
    if _empty(options) or not isinstance(options, list):
        return 40063, "option_list is empty"
    if len(options) > most:
        return 40058, f"option_list exceeds {most}"
    ids: set[str] = set()
    for option in options:
        if _empty(option.get("id")) or _empty(option.get("text")):
            return 40063, "option id or text missing"
        if _too_long(option["id"], OPTION_ID_BYTES) or option["id"] in ids:
            return 40058, "invalid option id"
        ids.add(str(option["id"]))
    return None


def _question(key: Any) -> Refusal | None:
    if _empty(key):
        return 40063, "question_key missing"
    return (40058, "question_key too long") if _too_long(key, KEY_BYTES) else None


def _submit(card: dict[str, Any]) -> Refusal | None:
    submit = card.get("submit_button")
    if _empty(submit) or not isinstance(submit, dict):
        return 40063, "submit_button missing"
    if _empty(submit.get("key")):
        return 42019, "submit_button key missing"
    return (42018, "submit key too long") if _too_long(submit["key"], KEY_BYTES) else None


def _body(card: dict[str, Any]) -> Refusal | None:
    """The checks of each interactive type's own fields."""
    kind = card["card_type"]
    if kind == "button_interaction":
        lines = card.get("horizontal_content_list") or []
        if len(lines) > 6:
            return 40058, "horizontal_content_list exceeds 6"
        if any(_empty(line.get("keyname")) for line in lines):
            return 40063, "horizontal_content_list keyname missing"
        return _buttons(card)
    if kind == "vote_interaction":
        box = card.get("checkbox")
        if _empty(box) or not isinstance(box, dict):
            return 40063, "checkbox missing"
        if int(box.get("mode") or 0) not in (0, 1):
            return 40058, "invalid checkbox mode"
        return (
            _question(box.get("question_key"))
            or _choices(box.get("option_list"), 20)
            or (_submit(card))
        )
    selects = card.get("select_list")
    if _empty(selects) or not isinstance(selects, list):
        return 40063, "select_list is empty"
    if len(selects) > 3:
        return 40058, "select_list exceeds 3"
    for select in selects:
        if refused := _question(select.get("question_key")) or _choices(
            select.get("option_list"), 10
        ):
            return refused
    if len({s["question_key"] for s in selects}) < len(selects):
        return 40058, "question_key repeated"
    return _submit(card)


def check_card(card: Any, *, used: set[str] | None = None) -> Refusal | None:
    """Why WeCom would refuse ``card`` (errcode, errmsg), or None. ``used``: the app's task ids
    so far (a new card must not reuse one; an update's card is not checked for it)."""
    if _empty(card) or not isinstance(card, dict):
        return 40063, "template_card is empty"
    if card.get("card_type") not in INTERACTIVE:
        return 40058, "invalid card_type (the emulator has the interactive cards only)"
    task_id = card.get("task_id")
    if _empty(task_id):
        return 40063, "task_id is empty"
    if not TASK_ID.fullmatch(str(task_id)) or (used is not None and task_id in used):
        return 42014, "invalid task_id"
    if _empty((card.get("main_title") or {}).get("title")):
        return 40063, "main_title.title is empty"
    return _body(card)


@dataclass
class Cards:
    """The app's cards: every task id used, each member's copy, the ResponseCodes issued."""

    clock: Callable[[], float]
    task_ids: set[str] = field(default_factory=set)
    held: dict[tuple[str, str], Card] = field(default_factory=dict)  # (userid, task_id)
    codes: dict[str, Code] = field(default_factory=dict)

    def deliver(self, userid: str, card: dict[str, Any], *, dropped: bool) -> str:
        """Take a checked card for ``userid`` (kept unless over the cap); its send's code."""
        task_id = str(card["task_id"])
        self.task_ids.add(task_id)
        if not dropped:
            self.held[(userid, task_id)] = Card(userid, card)
        return self._code(task_id)

    def _code(self, task_id: str) -> str:
        code = secrets.token_urlsafe(24)
        self.codes[code] = Code(task_id, self.clock())
        return code

    def of(self, userid: str) -> list[Card]:
        """A member's cards, oldest first."""
        return [c for (u, _), c in self.held.items() if u == userid]

    def click(self, userid: str, task_id: str, key: str, *, force: bool = False) -> dict[str, str]:
        """The event fields of ``userid`` clicking ``key`` (a button key, or the option id a
        vote card submits). WeCom lets only a live button be clicked; ``force`` posts any key
        on any card anyway (a forged key, a double tap that crossed the card's update)."""
        card = self.held.get((userid, task_id))
        if not force:
            if card is None:
                raise ValueError(f"{userid} has no card {task_id}")
            if card.replaced:
                raise ValueError(f"card {task_id} was answered: its buttons are gone")
            if key not in [k for _, k in card.options()]:
                raise ValueError(f"card {task_id} has no option {key}")
        kind = card.kind if card else "button_interaction"
        fields = {"TaskId": task_id, "CardType": kind, "ResponseCode": self._code(task_id)}
        if kind == "button_interaction":
            return fields | {"EventKey": key}
        assert card is not None
        question = card.card.get("checkbox", {}).get("question_key") or next(
            iter(s["question_key"] for s in card.card.get("select_list", ()))
        )
        submit = str(card.card["submit_button"]["key"])
        return fields | {"EventKey": submit, "Question": str(question), "Option": key}

    def update(self, body: dict[str, Any], members: dict[str, str]) -> Refusal | None:
        """message/update_template_card: why it is refused, or None once applied."""
        code = self.codes.get(str(body.get("response_code") or ""))
        if _empty(body.get("response_code")):
            return 40063, "response_code is empty"
        if code is None or self.clock() - code.issued > CODE_LIFETIME:
            return 40058, "invalid response_code"
        if code.used:
            return 42022, "response_code has been used"
        userids = [str(u) for u in body.get("userids") or []]
        if not userids and int(body.get("atall") or 0) != 1:
            return 40063, "userids is empty"
        if any(u not in members for u in userids):
            return 81013, "user & party & tag all invalid"
        targets = [
            c
            for (u, t), c in self.held.items()
            if t == code.task_id and (not userids or u in userids)
        ]
        button: dict[str, Any] = body.get("button") or {}
        new: dict[str, Any] = body.get("template_card") or {}
        if new:
            if refused := check_card(new):
                return refused
        elif _empty(button.get("replace_name")):
            return 40063, "button.replace_name is empty"
        code.used = True
        for card in targets:
            if new:
                card.card, card.replaced = dict(new), ""
            else:
                card.replaced = str(button["replace_name"])
        return None


def event_xml(corp_id: str, agent_id: int, userid: str, fields: dict[str, str], now: int) -> str:
    """The plaintext XML of a template_card_event, as WeCom builds it before encrypting."""

    def cdata(value: str) -> str:
        return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"

    selected = ""
    if "Option" in fields:
        selected = (
            f"<SelectedItems><SelectedItem><QuestionKey>{cdata(fields['Question'])}"
            f"</QuestionKey><OptionIds><OptionId>{cdata(fields['Option'])}</OptionId>"
            "</OptionIds></SelectedItem></SelectedItems>"
        )
    return (
        f"<xml><ToUserName>{cdata(corp_id)}</ToUserName>"
        f"<FromUserName>{cdata(userid)}</FromUserName><CreateTime>{now}</CreateTime>"
        f"<MsgType>{cdata('event')}</MsgType><Event>{cdata('template_card_event')}</Event>"
        f"<EventKey>{cdata(fields['EventKey'])}</EventKey><TaskId>{cdata(fields['TaskId'])}"
        f"</TaskId><CardType>{cdata(fields['CardType'])}</CardType>"
        f"<ResponseCode>{cdata(fields['ResponseCode'])}</ResponseCode>"
        f"<AgentID>{agent_id}</AgentID>{selected}</xml>"
    )
