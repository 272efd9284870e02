"""cadre.web."""
