"""Audit: one row per write, written by services only, in the same transaction as the write."""
