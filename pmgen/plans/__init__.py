"""The repository and its plans, read once: documents, YAML, outline, ids, models."""
