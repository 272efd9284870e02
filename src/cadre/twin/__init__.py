"""cadre.twin."""
