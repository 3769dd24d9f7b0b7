"""Plan files (Markdown/HTML, .docx, .xlsx, .csv, numbered paragraphs) → a :class:`ParsedPlan`."""

from bot.importers.errors import PlanFileError
from bot.importers.reader import load_plan_file, read_plan, read_plan_bytes

__all__ = ["PlanFileError", "load_plan_file", "read_plan", "read_plan_bytes"]
