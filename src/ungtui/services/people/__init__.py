"""People: the register of individuals, duplicates read together, what is held about a person,
organisations, units and staff, and lists of people brought in."""
