"""Screens for referrals (F4 Remisser)."""
