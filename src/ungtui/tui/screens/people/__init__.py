"""Screens for people (F2 Deltagare): the register, one person, the person form, units and their
nämnd, and importing a list."""
