"""Work processes and the agreements they serve: saving with versions, Markdown in and out, and
the shipped starting content."""
