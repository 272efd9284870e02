"""imports pages of the workspace."""
