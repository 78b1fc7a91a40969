"""Edits, new documents from templates, migrations, ids."""
