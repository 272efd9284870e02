"""Template filters of the analytics tables: a row's cell by column name, a share as a percent."""

from __future__ import annotations

from django import template

from cadre.web.files.templatetags.screening import get, words

register = template.Library()
# The screening pages' filters, under the names the analytics templates use: one definition each.
register.filter("get_item", get)
register.filter("words", words)


@register.filter
def percent(value: float | None, digits: int = 1) -> str:
    """A share in [0, 1] as a percent; a dash for none."""
    return "—" if value is None else f"{100 * value:.{int(digits)}f}%"
