"""Decisions on a task itself: deadline extensions (延期申请) and closing it (销号).

An extension row is the request and, once approved, the history of the task's deadline: the
old and new dates, the reason, who asked, endorsed and decided, and when. A closure row is a
lead unit's request to close the task with its evidence, and the secretariat's answer; a task
is closed while one of its rows is ``closed``.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from bot.storage.models.people import Contact
from bot.storage.models.plans import Task, Unit
from bot.storage.models.reporting import ProgressReport


class DeadlineExtension(Model):
    """A request to move a task's deadline (延期申请), and its decision."""

    id = fields.IntField(primary_key=True)
    task: fields.ForeignKeyRelation[Task] = fields.ForeignKeyField(
        "models.Task", related_name="extensions", on_delete=fields.CASCADE
    )
    unit: fields.ForeignKeyRelation[Unit] = fields.ForeignKeyField(
        "models.Unit", related_name="extensions", on_delete=fields.RESTRICT
    )
    old_deadline = fields.DateField(null=True)
    new_deadline = fields.DateField()
    reason = fields.TextField()
    state = fields.CharField(max_length=16)  # endorsing | pending | approved | refused
    requested_by: fields.ForeignKeyNullableRelation[Contact] = fields.ForeignKeyField(
        "models.Contact", related_name="extensions_asked", null=True, on_delete=fields.SET_NULL
    )
    endorsed_by: fields.ForeignKeyNullableRelation[Contact] = fields.ForeignKeyField(
        "models.Contact", related_name="extensions_endorsed", null=True, on_delete=fields.SET_NULL
    )
    decided_by: fields.ForeignKeyNullableRelation[Contact] = fields.ForeignKeyField(
        "models.Contact", related_name="extensions_decided", null=True, on_delete=fields.SET_NULL
    )
    decider = fields.CharField(max_length=100, default="")  # who decided: an identity, or cli
    comment = fields.TextField(null=True)  # why it was refused
    requested_at = fields.DatetimeField()
    endorsed_at = fields.DatetimeField(null=True)
    decided_at = fields.DatetimeField(null=True)
    task_id: int
    unit_id: int
    requested_by_id: int | None
    endorsed_by_id: int | None

    class Meta:
        table = "deadline_extension"


class TaskClosure(Model):
    """A request to close a task (销号) with its evidence, and the secretariat's answer."""

    id = fields.IntField(primary_key=True)
    task: fields.ForeignKeyRelation[Task] = fields.ForeignKeyField(
        "models.Task", related_name="closures", on_delete=fields.CASCADE
    )
    unit: fields.ForeignKeyNullableRelation[Unit] = fields.ForeignKeyField(
        "models.Unit", related_name="closures", null=True, on_delete=fields.RESTRICT
    )
    report: fields.ForeignKeyNullableRelation[ProgressReport] = fields.ForeignKeyField(
        "models.ProgressReport", related_name="closures", null=True, on_delete=fields.SET_NULL
    )
    evidence = fields.TextField(default="")  # the 已完成 report's text as it was asked on
    state = fields.CharField(max_length=16)  # pending | closed | returned | reopened
    requested_by: fields.ForeignKeyNullableRelation[Contact] = fields.ForeignKeyField(
        "models.Contact", related_name="closures_asked", null=True, on_delete=fields.SET_NULL
    )
    decided_by: fields.ForeignKeyNullableRelation[Contact] = fields.ForeignKeyField(
        "models.Contact", related_name="closures_decided", null=True, on_delete=fields.SET_NULL
    )
    decider = fields.CharField(max_length=100, default="")  # who decided: an identity, or cli
    comment = fields.TextField(null=True)  # why it was sent back
    requested_at = fields.DatetimeField()
    decided_at = fields.DatetimeField(null=True)
    task_id: int
    unit_id: int | None
    report_id: int | None
    requested_by_id: int | None

    class Meta:
        table = "task_closure"
        indexes = (("task_id",),)  # whether a task's 销号 waits, read on a report's submit
