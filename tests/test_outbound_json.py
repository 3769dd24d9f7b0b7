"""An outbound's outbox form: every field, as ``dataclasses.asdict`` gives it, and back."""

from __future__ import annotations

import json
from dataclasses import asdict, fields

from bot.domain.conversation import Button, Outbound, OutFile


def test_the_outbox_form_has_every_field_and_comes_back_whole() -> None:
    message = Outbound(
        text="请选择",
        title="月度进展",
        buttons=(
            (Button("推进中", "v1:s:1:1"), Button("已完成", "v1:s:1:2")),
            (Button("取消", "v1:x:1"),),
        ),
        files=(OutFile("files/a.pdf", "a.pdf", "application/pdf"),),
        replaces="7:12",
        recipient="telegram:7",
        notice="已保存",
        locale="zh_CN",
        free_input=True,
    )
    form = message.to_json()
    assert set(form) == {f.name for f in fields(Outbound)}  # a new field is not forgotten
    assert json.loads(json.dumps(form)) == json.loads(json.dumps(asdict(message)))
    assert Outbound.from_json(json.loads(json.dumps(form))) == message
