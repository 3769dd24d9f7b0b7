"""Scheduling (APScheduler 3.x): monthly dispatch, reminders, escalation and digests.

The jobs arrive with the cadence work; the package exists so the layer has its place.
"""
