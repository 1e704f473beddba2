"""The sync screen (F7 Synk)."""
