"""Small filters for the screening pages."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def words(value: Any) -> str:
    """A code as words: ``at_party_cell`` -> ``at party cell``."""
    return str(value or "").replace("_", " ")


@register.filter
def status_label(value: Any) -> str:
    """A file status in the reader's language (its translated label); other codes as words."""
    from cadre.web.files.models import Status

    return str(Status(value).label) if value in Status.values else words(value)


@register.filter
def get(mapping: Any, key: Any) -> Any:
    """``mapping[key]`` in a template (``None`` when missing)."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None
