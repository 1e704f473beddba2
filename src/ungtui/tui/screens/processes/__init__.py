"""Screens for work processes and agreements (F5 Arbetsprocesser)."""
