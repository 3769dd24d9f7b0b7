"""The register: plans (分工方案), their imports, units, tasks and who does what."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model


class Plan(Model):
    """One task-division plan: a revised file of the same plan raises ``revision``."""

    id = fields.IntField(primary_key=True)
    title = fields.CharField(max_length=300)
    short_name = fields.CharField(max_length=40, null=True, unique=True)  # 教育: how people name it
    doc_number = fields.CharField(max_length=100, null=True)  # 文号
    issuer = fields.CharField(max_length=200, null=True)  # 印发单位
    issued = fields.DateField(null=True)  # 印发日期
    source_name = fields.CharField(max_length=255)
    revision = fields.IntField(default=1)
    columns: fields.JSONField[list[Any]] = fields.JSONField(
        default=list
    )  # the table's own column layout, for exports
    headers: fields.JSONField[dict[str, Any]] = fields.JSONField(
        default=dict
    )  # column → header words as the plan wrote them
    monthly_dispatch = fields.BooleanField(default=True)  # 一月一调度
    quarterly_summary = fields.BooleanField(default=True)  # 一季度一总结
    asks_problems = fields.BooleanField(default=False)  # reports ask 存在问题 too
    asks_next_steps = fields.BooleanField(default=False)  # reports ask 下步打算 too
    cadence: fields.JSONField[dict[str, Any]] = fields.JSONField(
        default=dict
    )  # schedule overrides (dispatch day, due days, …)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    retired_at = fields.DatetimeField(null=True)

    class Meta:
        table = "plan"


class PlanImport(Model):
    """Each import of a plan file: what was read, what changed. Old text is never lost."""

    id = fields.IntField(primary_key=True)
    plan: fields.ForeignKeyRelation[Plan] = fields.ForeignKeyField(
        "models.Plan", related_name="imports", on_delete=fields.CASCADE
    )
    revision = fields.IntField()
    source_name = fields.CharField(max_length=255)
    sha256 = fields.CharField(max_length=64)
    snapshot: fields.JSONField[Any] = (
        fields.JSONField()
    )  # the register as read, in the import JSON shape
    changes: fields.JSONField[dict[str, Any]] = fields.JSONField(
        default=dict
    )  # added / changed / removed / unchanged numbers
    warnings: fields.JSONField[list[Any]] = fields.JSONField(default=list)  # [{"msgid", "params"}]
    imported_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "plan_import"
        unique_together = (("plan", "revision"),)


class Unit(Model):
    """A unit (单位/部门) or a collective such as 各乡镇党委、政府."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=200, unique=True)
    kind = fields.CharField(max_length=20)
    merged_into: fields.ForeignKeyNullableRelation[Unit] = fields.ForeignKeyField(
        "models.Unit", related_name="merged", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    retired_at = fields.DatetimeField(null=True)

    class Meta:
        table = "unit"


class UnitAlias(Model):
    """Another name of a unit (``教育局`` for 县教育局), kept per plan."""

    id = fields.IntField(primary_key=True)
    unit: fields.ForeignKeyRelation[Unit] = fields.ForeignKeyField(
        "models.Unit", related_name="aliases", on_delete=fields.CASCADE
    )
    plan: fields.ForeignKeyNullableRelation[Plan] = fields.ForeignKeyField(
        "models.Plan", related_name="aliases", null=True, on_delete=fields.CASCADE
    )
    alias = fields.CharField(max_length=200)
    unit_id: int
    plan_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "unit_alias"
        unique_together = (("plan", "alias"),)


class UnitMember(Model):
    """Membership of a collective: a township belongs to 各乡镇党委、政府."""

    id = fields.IntField(primary_key=True)
    collective: fields.ForeignKeyRelation[Unit] = fields.ForeignKeyField(
        "models.Unit", related_name="members", on_delete=fields.CASCADE
    )
    member: fields.ForeignKeyRelation[Unit] = fields.ForeignKeyField(
        "models.Unit", related_name="collectives", on_delete=fields.CASCADE
    )

    class Meta:
        table = "unit_member"
        unique_together = (("collective", "member"),)
        indexes = (("member_id",),)  # a unit's collectives, read with its part in a task


class Task(Model):
    """A numbered task (序号) of a plan: removed tasks are retired, never deleted."""

    id = fields.IntField(primary_key=True)
    plan: fields.ForeignKeyRelation[Plan] = fields.ForeignKeyField(
        "models.Plan", related_name="tasks", on_delete=fields.CASCADE
    )
    number = fields.CharField(max_length=20)
    position = fields.IntField()
    title = fields.TextField()
    requirements: fields.JSONField[list[Any]] = fields.JSONField(
        default=list
    )  # ①②③ sub-items, in order
    liaison = fields.CharField(max_length=500, null=True)  # 联络股室
    deadline = fields.DateField(null=True)  # 完成时间, as a date (for lights and warnings)
    deadline_text = fields.CharField(max_length=200, null=True)  # 完成时间 as written: 长期坚持
    section = fields.TextField(null=True)  # the headings above it: 二、主要任务 / (一)开办企业
    leader = fields.CharField(max_length=200, null=True)  # 牵头领导 / 责任领导: a person
    revision = fields.IntField(default=1)  # the plan revision that last changed it
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    retired_at = fields.DatetimeField(null=True)
    plan_id: int

    class Meta:
        table = "task"
        unique_together = (("plan", "number"),)


class Assignment(Model):
    """Task × unit × role (lead 牵头 | responsible 责任 | cooperating 配合)."""

    id = fields.IntField(primary_key=True)
    task: fields.ForeignKeyRelation[Task] = fields.ForeignKeyField(
        "models.Task", related_name="assignments", on_delete=fields.CASCADE
    )
    unit: fields.ForeignKeyRelation[Unit] = fields.ForeignKeyField(
        "models.Unit", related_name="assignments", on_delete=fields.RESTRICT
    )
    role = fields.CharField(max_length=16)
    position = fields.IntField(default=0)
    task_id: int
    unit_id: int
    retired_at = fields.DatetimeField(null=True)

    class Meta:
        table = "assignment"
        unique_together = (("task", "unit", "role"),)
