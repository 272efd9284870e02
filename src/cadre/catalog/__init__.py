"""cadre.catalog."""
