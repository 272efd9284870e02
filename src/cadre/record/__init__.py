"""cadre.record."""
