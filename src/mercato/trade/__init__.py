"""The trade capability."""
