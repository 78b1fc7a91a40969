"""git log -> events: build, cache, queries, formats, SQLite mirror."""
