"""Thin click commands; each returns an exit code and calls the library."""
