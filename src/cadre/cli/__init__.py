"""cadre.cli."""
