"""Campaigns: the campaign, its control figures, its versioned rulebook and its deadlines."""
