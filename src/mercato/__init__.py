"""Mercato: one marketplace where brand flagship stores and independent stores sell side by side."""

__version__ = "0.1.0"
