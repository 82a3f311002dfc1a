"""trade rules as plain values (being built)."""
