"""Oversight (督办): the secretariat's digest, lights, overdue lists, nudges and exports."""
