"""The WSGI entry point of the workspace (``cadre.web.wsgi:application``).

Building the application imports Django, the engine and their libraries: a few hundred thousand objects
that live as long as the process. :func:`settle` moves them out of the garbage collector's sight, so its
full collections stop walking them again and again under load (and, with a pre-loading server such as
``gunicorn --preload``, forked workers keep sharing those pages instead of copying them).
"""

from __future__ import annotations

import gc
import os

from django.core.wsgi import get_wsgi_application

__all__ = ["application", "settle"]


def settle() -> None:
    """Collect once, then freeze everything alive now into the collector's permanent generation."""
    gc.collect()
    gc.freeze()


os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cadre.web.settings")
application = get_wsgi_application()
settle()
