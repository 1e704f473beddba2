"""Consent: recording and withdrawing consents, and the one question others ask (may this party
give that party this data, for this purpose, today?)."""
