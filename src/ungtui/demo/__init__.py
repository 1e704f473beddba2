"""Fictional demo data (`ungtui demo`): people, parties and staff first (fill.fill_demo), then
processes, referrals, the way and meetings."""
