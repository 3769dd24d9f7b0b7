"""Delivery and records: the outbox and inbox, the audit log, and the admin holiday table."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model


class OutboxMessage(Model):
    """A message to send, committed before any network call: ``key`` makes it idempotent."""

    id = fields.IntField(primary_key=True)
    key = fields.CharField(max_length=200, unique=True)  # dispatch:2026-11:unit:17:contact:5
    channel = fields.CharField(max_length=16)
    recipient = fields.CharField(max_length=128)  # channel identity of a person or chat
    contact_id = fields.IntField(null=True)
    payload: fields.JSONField[Any] = fields.JSONField()  # the neutral Outbound, serialised
    state = fields.CharField(max_length=12, default="pending", db_index=True)
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField(db_index=True)
    claimed_at = fields.DatetimeField(null=True)
    lease_owner = fields.CharField(max_length=64, null=True)  # host:pid:random of the sender
    lease_until = fields.DatetimeField(null=True)  # past it, any live sender may take it over
    sent_at = fields.DatetimeField(null=True)
    external_id = fields.CharField(max_length=64, null=True)
    last_error = fields.TextField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    parts_sent = fields.IntField(default=0)  # text, then each file: a retry sends the rest

    class Meta:
        table = "outbox_message"


class InboxUpdate(Model):
    """An incoming update, stored before it is acknowledged, unique per channel and its id."""

    id = fields.IntField(primary_key=True)
    channel = fields.CharField(max_length=16)
    external_key = fields.CharField(max_length=128)  # update_id / MsgId / sender+CreateTime
    payload: fields.JSONField[Any] = fields.JSONField()
    received_at = fields.DatetimeField(auto_now_add=True)
    processed_at = fields.DatetimeField(null=True)
    attempts = fields.IntField(default=0)
    error = fields.TextField(null=True)
    person = fields.CharField(max_length=128, default="", db_index=True)  # handled in order
    lease_owner = fields.CharField(max_length=64, null=True)  # host:pid:random of the worker
    lease_until = fields.DatetimeField(null=True)  # past it, any live worker may take it over

    class Meta:
        table = "inbox_update"
        unique_together = (("channel", "external_key"),)


class AuditLog(Model):
    """Who did what, when: imports, binds, approvals, merges."""

    id = fields.IntField(primary_key=True)
    at = fields.DatetimeField(auto_now_add=True, db_index=True)
    actor = fields.CharField(max_length=128)
    action = fields.CharField(max_length=64)
    subject = fields.CharField(max_length=200, default="")
    detail: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)

    class Meta:
        table = "audit_log"


class CalendarDay(Model):
    """An admin-entered day for years the working-day calendar does not know."""

    id = fields.IntField(primary_key=True)
    day = fields.DateField(unique=True)
    kind = fields.CharField(max_length=8)  # holiday | workday
    note = fields.CharField(max_length=200, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "calendar_day"
