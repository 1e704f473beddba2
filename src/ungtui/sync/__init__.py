"""Sync by exported files: clocks, field registers, the file format. No Textual here."""
