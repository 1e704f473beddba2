"""Screens for joint meetings (F3 Möten)."""
