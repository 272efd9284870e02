"""exports pages of the workspace."""
