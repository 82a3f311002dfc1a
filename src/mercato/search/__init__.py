"""search: product full-text search in Simplified Chinese and English over SQLite FTS5 or PostgreSQL full text."""
