"""The options the last step sent to a person offered, for the numbered-choice fallback: kept
apart from the conversation state (``bot.delivery.options`` writes them in one upsert as the
sender sends, while a handler saves the person's flow), so neither write can undo the other."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class OfferedOptions(Model):
    """What the last step sent to a person offered, and whether a bare number picks one."""

    id = fields.IntField(primary_key=True)
    identity = fields.CharField(max_length=128, unique=True)
    # [[label, payload], …] of the last step; empty once a step asks for typed input
    options: fields.JSONField[list[list[str]]] = fields.JSONField(default=list)
    numbered = fields.BooleanField(default=False)  # a pure choice listed as numbered text
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "offered_options"
