"""The quota board: plan (control figures, factory quotas) against volunteers, approved and selected.

Rows are region x union cells, and the factories below one regional union. The plan of a cell is shown
where the cell lies in the user's units (a factory committee sees its own region x union cell and its
factory); the counts come from ``file_list``, so they hold only files the user may see.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count

from cadre.web.accounts.models import OrgUnit, UnitKind
from cadre.web.accounts.permissions import Action, User, scope_units
from cadre.web.campaigns.models import Campaign, ControlFigure, FactoryQuota
from cadre.web.files.models import Status
from cadre.web.files.selectors import file_list

__all__ = ["BoardRow", "board_cells", "board_factories"]

#: Statuses that count as "approved" (passed every tier) and "selected" on the board.
SELECTED = {Status.SELECTED, Status.TRAINED, Status.DISPATCHED, Status.ARRIVED, Status.PLACED, Status.EXITED}
APPROVED = {Status.APPROVED, *SELECTED}


@dataclass(slots=True)
class BoardRow:
    """One line of the board: a cell (region x union) or a factory."""

    key: str
    label: str
    plan: int | None = None
    volunteers: int = 0
    approved: int = 0
    selected: int = 0
    link: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def shortfall(self) -> int:
        """Places of the plan not yet filled by selected people."""
        return max(0, (self.plan or 0) - self.selected)

    @property
    def level(self) -> str:
        """How worrying the row is: ``bad`` (fewer volunteers than places), ``warn`` (fewer approved), ``ok``."""
        if not self.plan:
            return ""
        if self.volunteers < self.plan:
            return "bad"
        if self.approved < self.plan:
            return "warn"
        return "ok" if self.selected >= self.plan else ""

    @property
    def fill(self) -> int:
        """Selected as a percentage of the plan (capped at 100), for the bar."""
        return min(100, round(100 * self.selected / self.plan)) if self.plan else 0


def _in_scope(units: list[OrgUnit] | None, path: str) -> bool:
    """Whether the unit at ``path`` lies in the user's units, or holds one of them (a factory sees its
    region's cell)."""
    return units is None or any(path.startswith(u.path) or u.path.startswith(path) for u in units)


def _counts(user: User, campaign: Campaign, key: tuple[str, ...]) -> dict[tuple[Any, ...], dict[str, int]]:
    out: dict[tuple[Any, ...], dict[str, int]] = defaultdict(lambda: {"volunteers": 0, "approved": 0, "selected": 0})
    rows = file_list(user=user, campaign=campaign).order_by().values(*key, "status").annotate(n=Count("id"))
    for row in rows:
        cell = out[tuple(row[k] for k in key)]
        cell["volunteers"] += row["n"]
        cell["approved"] += row["n"] if row["status"] in APPROVED else 0
        cell["selected"] += row["n"] if row["status"] in SELECTED else 0
    return out


def board_cells(*, user: User, campaign: Campaign) -> list[BoardRow]:
    """Region x union rows: the control figure of each cell in the user's units, and the cell's counts."""
    units = scope_units(user, Action.FILE_VIEW)
    counts = _counts(user, campaign, ("source_region", "union"))
    # Plain values, not model objects: the board reads a few columns of a few hundred units on every poll.
    unions = {f"{region}:{union}": path for region, union, path in
              OrgUnit.objects.filter(kind=UnitKind.UNION_REGION).values_list("region_code", "union", "path")}
    rows: dict[tuple[str, str], BoardRow] = {}
    figures = ControlFigure.objects.filter(campaign=campaign).values_list(
        "region__code", "region__name", "region__path", "union", "quota")
    for code, name, region_path, union, quota in figures:
        union_path = unions.get(f"{code}:{union}")
        shown = (_in_scope(units, union_path) if union_path is not None
                 else units is None or any(region_path.startswith(u.path) for u in units))
        if shown:
            rows[(code, union)] = BoardRow(key=f"{code}:{union}", label=name, plan=quota)
    for (region, union), cell in counts.items():
        row = rows.setdefault((region, union), BoardRow(key=f"{region}:{union}", label=region))
        row.volunteers, row.approved, row.selected = cell["volunteers"], cell["approved"], cell["selected"]
    for (region, union), row in rows.items():
        row.extra = {"region": region, "union": union}
        row.link = row.key if row.key in unions else ""
    return sorted(rows.values(), key=lambda r: (-(r.plan or 0), r.key))


def board_factories(*, user: User, campaign: Campaign, union_region: OrgUnit) -> list[BoardRow]:
    """The factories below one regional union that the user may see: quota and counts per factory."""
    units = scope_units(user, Action.FILE_VIEW)
    factories = [(code, name) for code, name, path in OrgUnit.objects.filter(
        kind=UnitKind.FACTORY, path__startswith=union_region.path).values_list("code", "name", "path")
        if _in_scope(units, path)]
    quotas = dict(FactoryQuota.objects.filter(campaign=campaign, factory__code__in=[c for c, _n in factories])
                  .values_list("factory__code", "quota"))
    counts = _counts(user, campaign, ("factory_id",))
    rows = []
    for code, name in factories:
        cell = counts.get((code,), {"volunteers": 0, "approved": 0, "selected": 0})
        rows.append(BoardRow(key=code, label=name, plan=quotas.get(code), **cell))
    return sorted(rows, key=lambda r: (-(r.plan or 0), r.key))


def board_totals(rows: list[BoardRow]) -> BoardRow:
    """The sum of the rows."""
    total = BoardRow(key="total", label="", plan=sum(r.plan or 0 for r in rows) or None)
    total.volunteers = sum(r.volunteers for r in rows)
    total.approved = sum(r.approved for r in rows)
    total.selected = sum(r.selected for r in rows)
    return total


__all__ += ["board_totals"]
