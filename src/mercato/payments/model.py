"""payments rules as plain values (being built)."""
