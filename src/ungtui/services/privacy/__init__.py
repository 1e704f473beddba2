"""Privacy: register extracts, lists taken out, retention, backups, and this install's lock and
screen-share settings."""
