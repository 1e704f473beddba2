"""Referrals (remisser): making them, their states, reading them."""
