"""All tortoise models of Duban, one app (``models``); see the submodules for each area."""

from bot.storage.models.board import BoardLink, BoardSession
from bot.storage.models.choices import OfferedOptions
from bot.storage.models.decisions import DeadlineExtension, TaskClosure
from bot.storage.models.delivery import AuditLog, CalendarDay, InboxUpdate, OutboxMessage
from bot.storage.models.jobs import DeferredJob
from bot.storage.models.people import ChatBinding, Contact, ConversationState, Invite
from bot.storage.models.plans import (
    Assignment,
    Plan,
    PlanImport,
    Task,
    Unit,
    UnitAlias,
    UnitMember,
)
from bot.storage.models.reporting import (
    Attachment,
    ProgressReport,
    QuarterlySummary,
    ReportingPeriod,
    ReportRequest,
)
from bot.storage.models.supervision import SupervisionNotice

__all__ = [
    "Assignment",
    "Attachment",
    "AuditLog",
    "BoardLink",
    "BoardSession",
    "CalendarDay",
    "ChatBinding",
    "Contact",
    "ConversationState",
    "DeadlineExtension",
    "DeferredJob",
    "InboxUpdate",
    "Invite",
    "OfferedOptions",
    "OutboxMessage",
    "Plan",
    "PlanImport",
    "ProgressReport",
    "QuarterlySummary",
    "ReportRequest",
    "ReportingPeriod",
    "SupervisionNotice",
    "Task",
    "TaskClosure",
    "Unit",
    "UnitAlias",
    "UnitMember",
]
