"""Recommendation: behaviour events in, personal and similar-item feeds out. The pure models live in `model`."""
