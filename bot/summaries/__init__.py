"""Quarterly summaries (一季度一总结): drafts, the reporter's submission, the leader's approval."""
