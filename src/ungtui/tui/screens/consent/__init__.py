"""The consent form."""
