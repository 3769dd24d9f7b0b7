"""People and chats: contacts bound to units, invite codes, bound chats, conversation state."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model

from bot.storage.models.plans import Plan, Unit


class Contact(Model):
    """A person bound to a unit in a role (reporter 联络员 | leader 领导 | secretariat 秘书组)."""

    id = fields.IntField(primary_key=True)
    unit: fields.ForeignKeyNullableRelation[Unit] = fields.ForeignKeyField(
        "models.Unit", related_name="contacts", null=True, on_delete=fields.RESTRICT
    )
    role = fields.CharField(max_length=16)
    identity = fields.CharField(max_length=128, db_index=True)  # telegram:123 / wecom:zhangsan
    channel = fields.CharField(max_length=16)
    display_name = fields.CharField(max_length=200, default="")
    phone = fields.CharField(max_length=32, default="")  # from the contacts sheet, for calls
    locale = fields.CharField(max_length=8, default="zh_CN")
    active = fields.BooleanField(default=True)
    unreachable_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    left_at = fields.DatetimeField(null=True)
    plan: fields.ForeignKeyNullableRelation[Plan] = fields.ForeignKeyField(
        "models.Plan", related_name="secretariat_contacts", null=True, on_delete=fields.CASCADE
    )  # a secretariat of this plan only; none: of every plan (the deployment's admin)
    unit_id: int | None
    plan_id: int | None

    class Meta:
        table = "contact"


class ChatBinding(Model):
    """A group chat bound in a role, e.g. the group of the secretariat (秘书组群)."""

    id = fields.IntField(primary_key=True)
    identity = fields.CharField(max_length=128, unique=True)  # telegram:-100123 / wecom:chatid
    channel = fields.CharField(max_length=16)
    title = fields.CharField(max_length=200, default="")
    role = fields.CharField(max_length=16, default="secretariat")
    locale = fields.CharField(max_length=8, default="zh_CN")
    active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    plan: fields.ForeignKeyNullableRelation[Plan] = fields.ForeignKeyField(
        "models.Plan", related_name="secretariat_chats", null=True, on_delete=fields.CASCADE
    )  # the group of this plan's secretariat only; none: of every plan
    plan_id: int | None

    class Meta:
        table = "chat_binding"


class Invite(Model):
    """A single-use bind code: only its hash is stored."""

    id = fields.IntField(primary_key=True)
    code_hash = fields.CharField(max_length=64, unique=True)
    unit: fields.ForeignKeyNullableRelation[Unit] = fields.ForeignKeyField(
        "models.Unit", related_name="invites", null=True, on_delete=fields.CASCADE
    )
    role = fields.CharField(max_length=16)
    name = fields.CharField(max_length=200, default="")  # who it is for (contacts sheet)
    phone = fields.CharField(max_length=32, default="")
    locale = fields.CharField(max_length=8, default="zh_CN")
    created_by = fields.CharField(max_length=128, default="cli")
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)
    used_by = fields.CharField(max_length=128, null=True)
    revoked_at = fields.DatetimeField(null=True)
    plan: fields.ForeignKeyNullableRelation[Plan] = fields.ForeignKeyField(
        "models.Plan", related_name="invites", null=True, on_delete=fields.CASCADE
    )  # a secretariat code for this plan only
    plan_id: int | None

    class Meta:
        table = "invite"


class ConversationState(Model):
    """Where a person is in a multi-step flow: in the database so restarts lose nothing."""

    id = fields.IntField(primary_key=True)
    identity = fields.CharField(max_length=128, unique=True)
    flow = fields.CharField(max_length=32)
    data: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    updated_at = fields.DatetimeField(auto_now=True)
    expires_at = fields.DatetimeField(null=True)

    class Meta:
        table = "conversation_state"
