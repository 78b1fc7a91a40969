"""The Model Context Protocol server: pmgen for agents (issue 16)."""
