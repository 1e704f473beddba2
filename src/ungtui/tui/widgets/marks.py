"""Words and styles that mark a row or a view the same way on every screen."""

from __future__ import annotations

# An overdue referral: the word, not only the colour, so it shows on any screen.
OVERDUE = "FÖRSENAD"
# Textual's warning colour; the word beside it carries the meaning for those who
# cannot tell the colour.
WARNING_STYLE = "bold #ffa62b"
