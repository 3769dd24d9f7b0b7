"""Deferred jobs: slow work (an export, a digest) a handler asked for, run outside its
transaction by the job worker (``bot.delivery.jobs``), whose result is queued in the outbox."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model


class DeferredJob(Model):
    """One piece of slow work, committed with the handler's replies and leased while it runs."""

    id = fields.IntField(primary_key=True)
    kind = fields.CharField(max_length=32)  # what to run: "export", "digest"
    args: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    identity = fields.CharField(max_length=128)  # who asked (channel identity)
    chat = fields.CharField(max_length=128)  # where the result goes (their chat or the group)
    locale = fields.CharField(max_length=8)  # the language of the result
    state = fields.CharField(max_length=12, default="pending", db_index=True)  # → done | failed
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField(null=True)  # real time; None: at once (back-off after)
    lease_owner = fields.CharField(max_length=64, null=True)  # host:pid:random of the worker
    lease_until = fields.DatetimeField(null=True)  # past it, any live worker may take it over
    error = fields.TextField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    finished_at = fields.DatetimeField(null=True)

    class Meta:
        table = "deferred_job"
