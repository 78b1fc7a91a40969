"""Checks, drift, templates, findings' fixes and reporters."""
