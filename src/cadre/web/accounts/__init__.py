"""Accounts: the organization tree (org units), memberships (a user's role at a unit) and permissions."""
