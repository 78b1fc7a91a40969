"""Agent context bundles (parts, budget, formats) and provisioning."""
