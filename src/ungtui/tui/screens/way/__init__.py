"""Screens for the way and the guarantee: the way, its forms, the guarantee watch list, follow-
ups due, job tracks, the measure catalogue."""
