"""督办单: numbered supervision notices to a unit on a task, and the unit's reply (整改措施)."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model

from bot.storage.models.people import Contact
from bot.storage.models.plans import Plan, Task, Unit


class SupervisionNotice(Model):
    """One 督办单: issued once per (task, unit, grade), numbered per plan and year, never reused."""

    id = fields.IntField(primary_key=True)
    plan: fields.ForeignKeyRelation[Plan] = fields.ForeignKeyField(
        "models.Plan", related_name="notices", on_delete=fields.CASCADE
    )
    prefix = fields.CharField(max_length=20, default="")  # of the 编号, as issued: 青营商督
    year = fields.IntField()
    number = fields.IntField()
    task: fields.ForeignKeyRelation[Task] = fields.ForeignKeyField(
        "models.Task", related_name="notices", on_delete=fields.RESTRICT
    )
    unit: fields.ForeignKeyRelation[Unit] = fields.ForeignKeyField(
        "models.Unit", related_name="notices", on_delete=fields.RESTRICT
    )
    grade = fields.CharField(max_length=8)  # yellow | red
    reasons: fields.JSONField[list[Any]] = fields.JSONField(default=list)  # [{reason, params}]
    period_key = fields.CharField(max_length=10, default="")
    issued_on = fields.DateField()
    reply_by = fields.DateField()  # 整改措施 asked by this date
    path = fields.CharField(max_length=500, default="")  # the docx under the data folder
    measures = fields.TextField(null=True)  # 整改措施, as replied
    promised_on = fields.DateField(null=True)  # the date the unit commits to
    replied_at = fields.DatetimeField(null=True)
    replied_by: fields.ForeignKeyNullableRelation[Contact] = fields.ForeignKeyField(
        "models.Contact", related_name="notice_replies", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    plan_id: int
    task_id: int
    unit_id: int
    replied_by_id: int | None

    class Meta:
        table = "supervision_notice"
        unique_together = (("plan", "year", "number"), ("task", "unit", "grade"))
