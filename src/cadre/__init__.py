"""cadre: run a volunteer mobilization campaign end to end, and replay the 25,000ers as a digital twin."""

__version__ = "0.1.0"
