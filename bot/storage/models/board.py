"""The status board's access: one-time sign-in links and the sessions they open.

Only hashes of the tokens are stored (a copy of the database opens no board); each row names
the contact it was issued to, whose role and units decide what the board shows.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from bot.storage.models.people import Contact


class BoardLink(Model):
    """A one-time sign-in link sent in chat: single use, short-lived."""

    id = fields.IntField(primary_key=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    contact: fields.ForeignKeyRelation[Contact] = fields.ForeignKeyField(
        "models.Contact", related_name="board_links", on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)
    contact_id: int

    class Meta:
        table = "board_link"


class BoardSession(Model):
    """A browser signed in to the board (its cookie's hash), until ``expires_at``."""

    id = fields.IntField(primary_key=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    contact: fields.ForeignKeyRelation[Contact] = fields.ForeignKeyField(
        "models.Contact", related_name="board_sessions", on_delete=fields.CASCADE
    )
    via = fields.CharField(max_length=8)  # link | wecom: how the browser signed in
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField(db_index=True)
    contact_id: int

    class Meta:
        table = "board_session"
