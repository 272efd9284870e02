"""analytics pages of the workspace."""
