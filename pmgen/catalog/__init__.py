"""Queries over the plans: list, show and what is ready next (issue 16)."""
