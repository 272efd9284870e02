"""Placement: posts, the distribution plan (origin -> destination flows), placements, dispatch, arrival."""
