"""Screens for privacy: the audit log, extracts, list export, retention, the idle lock and its
settings."""
