"""The cadence (一月一调度): dispatch, reminders, escalation, deadlines, the working days."""
