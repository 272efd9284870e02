"""cadre.web: the campaign workspace (Django).

Apps, one per area, each with ``models.py``, ``services.py`` (writes) and ``selectors.py`` (reads):
``accounts`` (org units, memberships, permissions), ``campaigns``, ``files`` (personal files and the
screening decisions), ``courses``, ``placement``, ``field``, ``audit``, ``jobs``. ``bridge/`` alone
converts ORM rows to engine frames and back; ``twinload`` fills a fresh database from a twin replicate.
See docs/decisions/0008-workspace.md.
"""
