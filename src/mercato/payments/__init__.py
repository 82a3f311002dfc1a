"""The payments capability."""
