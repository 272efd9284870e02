"""The JSON API of the workspace (django-ninja), versioned under /api/v1/."""
