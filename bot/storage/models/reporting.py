"""The reporting cycle: periods (月/季), report requests, progress reports, quarterly summaries."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from bot.storage.models.people import Contact
from bot.storage.models.plans import Plan, Task, Unit


class ReportingPeriod(Model):
    """A month (``2026-11``) or quarter (``2026-Q4``) of the cadence of a plan."""

    id = fields.IntField(primary_key=True)
    plan: fields.ForeignKeyRelation[Plan] = fields.ForeignKeyField(
        "models.Plan", related_name="periods", on_delete=fields.CASCADE
    )
    kind = fields.CharField(max_length=8)  # month | quarter
    key = fields.CharField(max_length=10)
    starts = fields.DateField()
    ends = fields.DateField()
    dispatch_on = fields.DateField(null=True)
    due_on = fields.DateField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    plan_id: int

    class Meta:
        table = "reporting_period"
        unique_together = (("plan", "kind", "key"),)


class ReportRequest(Model):
    """A unit is asked to report on a task for a period (one prompt line)."""

    id = fields.IntField(primary_key=True)
    period: fields.ForeignKeyRelation[ReportingPeriod] = fields.ForeignKeyField(
        "models.ReportingPeriod", related_name="requests", on_delete=fields.CASCADE
    )
    task: fields.ForeignKeyRelation[Task] = fields.ForeignKeyField(
        "models.Task", related_name="requests", on_delete=fields.RESTRICT
    )
    unit: fields.ForeignKeyRelation[Unit] = fields.ForeignKeyField(
        "models.Unit", related_name="requests", on_delete=fields.RESTRICT
    )
    state = fields.CharField(max_length=16, default="open")  # open | answered | closed
    created_at = fields.DatetimeField(auto_now_add=True)
    closed_at = fields.DatetimeField(null=True)
    period_id: int
    task_id: int
    unit_id: int

    class Meta:
        table = "report_request"
        unique_together = (("period", "task", "unit"),)
        indexes = (("unit_id", "state"),)  # a unit's open requests, read on every report step


class ProgressReport(Model):
    """One version of the report of a unit on a task: a revision is a new row, never an update."""

    id = fields.IntField(primary_key=True)
    request: fields.ForeignKeyRelation[ReportRequest] = fields.ForeignKeyField(
        "models.ReportRequest", related_name="reports", on_delete=fields.RESTRICT
    )
    task: fields.ForeignKeyRelation[Task] = fields.ForeignKeyField(
        "models.Task", related_name="reports", on_delete=fields.RESTRICT
    )
    unit: fields.ForeignKeyRelation[Unit] = fields.ForeignKeyField(
        "models.Unit", related_name="reports", on_delete=fields.RESTRICT
    )
    contact: fields.ForeignKeyNullableRelation[Contact] = fields.ForeignKeyField(
        "models.Contact", related_name="reports", null=True, on_delete=fields.SET_NULL
    )
    version = fields.IntField()
    status = fields.CharField(max_length=16)  # not_started | in_progress | behind | done
    percent = fields.IntField(null=True)
    text = fields.TextField()
    late = fields.BooleanField(default=False)
    carried = fields.BooleanField(default=False)  # 本月无新进展: the last status carried forward
    source_ref = fields.CharField(max_length=64, null=True)  # the chat message it was read from
    problems = fields.TextField(null=True)  # 存在问题: None when not asked, "" for 无
    next_steps = fields.TextField(null=True)  # 下步打算: None when not asked, "" for 无
    submitted_at = fields.DatetimeField()
    attachments: fields.ReverseRelation[Attachment]
    request_id: int
    task_id: int
    unit_id: int
    contact_id: int | None

    class Meta:
        table = "progress_report"
        unique_together = (("request", "version"),)


class Attachment(Model):
    """A photo or file sent with a report, stored under the data folder by content hash."""

    id = fields.IntField(primary_key=True)
    report: fields.ForeignKeyNullableRelation[ProgressReport] = fields.ForeignKeyField(
        "models.ProgressReport", related_name="attachments", null=True, on_delete=fields.SET_NULL
    )
    contact: fields.ForeignKeyNullableRelation[Contact] = fields.ForeignKeyField(
        "models.Contact", related_name="attachments", null=True, on_delete=fields.SET_NULL
    )
    kind = fields.CharField(max_length=16)  # photo | document
    path = fields.CharField(max_length=500)
    sha256 = fields.CharField(max_length=64)
    size = fields.IntField()
    mime = fields.CharField(max_length=100, default="application/octet-stream")
    original_name = fields.CharField(max_length=255, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    report_id: int | None

    class Meta:
        table = "attachment"


class QuarterlySummary(Model):
    """One version of the quarterly summary of a lead unit (季总结) and its approval (审定)."""

    id = fields.IntField(primary_key=True)
    period: fields.ForeignKeyRelation[ReportingPeriod] = fields.ForeignKeyField(
        "models.ReportingPeriod", related_name="summaries", on_delete=fields.CASCADE
    )
    task: fields.ForeignKeyRelation[Task] = fields.ForeignKeyField(
        "models.Task", related_name="summaries", on_delete=fields.RESTRICT
    )
    unit: fields.ForeignKeyRelation[Unit] = fields.ForeignKeyField(
        "models.Unit", related_name="summaries", on_delete=fields.RESTRICT
    )
    version = fields.IntField()
    text = fields.TextField()
    state = fields.CharField(max_length=16)  # draft | pending | approved | returned
    author: fields.ForeignKeyNullableRelation[Contact] = fields.ForeignKeyField(
        "models.Contact", related_name="authored_summaries", null=True, on_delete=fields.SET_NULL
    )
    reviewer: fields.ForeignKeyNullableRelation[Contact] = fields.ForeignKeyField(
        "models.Contact", related_name="reviewed_summaries", null=True, on_delete=fields.SET_NULL
    )
    comment = fields.TextField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    decided_at = fields.DatetimeField(null=True)
    period_id: int
    task_id: int
    unit_id: int

    class Meta:
        table = "quarterly_summary"
        unique_together = (("period", "task", "unit", "version"),)
