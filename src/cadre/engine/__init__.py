"""cadre.engine."""
