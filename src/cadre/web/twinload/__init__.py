"""Filling a fresh workspace database from one replicate of the twin (personal files to exits).

``loader.twin_load`` reads the tables that ``cadre twin run --export DIR`` writes (``EXPORTS`` of
``cadre.twin.replay``), or takes them from an in-process run (``twin_run_and_load``), and writes the org
units, the campaign and its control figures, the files with their whole ladder history, courses, posts,
placements, dispatches, arrivals and field events, plus one demo account per role, in one transaction
with one audit row. The management command is ``python -m cadre.web.manage twin_load``.
"""
