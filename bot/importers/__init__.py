"""Plan files (Markdown/HTML, .docx, .xlsx, .csv, numbered paragraphs) → a :class:`ParsedPlan`."""

from bot.importers.errors import PlanFileError
from bot.importers.reader import read_plan, read_plan_bytes

__all__ = ["PlanFileError", "read_plan", "read_plan_bytes"]
