"""Duban (督办): runs the reporting cycle of a task-division plan (分工方案) in chat."""

__version__ = "0.1.0"
