"""Joint meetings: planning them, the agenda, notes, decisions and actions inside one, open
actions across all, and the minutes."""
