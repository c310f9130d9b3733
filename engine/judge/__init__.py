"""Fired rules → one status per item (classify), escalation across periods (history), why (explain)."""
