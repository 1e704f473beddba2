"""Sync between installs as use cases: export and import files, conflicts and their Swedish
names, and the canonical dump."""
