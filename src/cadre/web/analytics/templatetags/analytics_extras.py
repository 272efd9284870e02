"""Template filters of the analytics tables: a row's cell by column name, a share as a percent."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(row: dict[str, Any], key: str) -> Any:
    """``row[key]`` (None when absent): table rows are dicts whose columns are data (region codes)."""
    return row.get(key) if isinstance(row, dict) else None


@register.filter
def percent(value: float | None, digits: int = 1) -> str:
    """A share in [0, 1] as a percent; a dash for none."""
    return "—" if value is None else f"{100 * value:.{int(digits)}f}%"


@register.filter
def words(code: str | None) -> str:
    """A code such as ``removed_by_officials`` in words."""
    return (code or "").replace("_", " ")
