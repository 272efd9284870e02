"""Jobs: long operations (selection, placement, a twin run, an import) run outside the request."""
