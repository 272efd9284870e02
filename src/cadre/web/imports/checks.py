"""Checking an uploaded table before anything is written: every problem, each at its row and column.

Volunteer lists are checked by the engine (``cadre.engine.validation.validate``: types, vocabularies,
ranges, duplicates, contradictions), then against the workspace: the factory must be a factory unit of
the file's region and union, the file number new to the campaign, and the importer allowed to add
files for that factory. Post lists are checked here column by column. Rows are numbered from the first
row under the header.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.utils.translation import gettext as _

from cadre.engine.validation import validate
from cadre.web.accounts.models import OrgUnit, UnitKind
from cadre.web.accounts.permissions import Action, may
from cadre.web.bridge import schema as bridge_schema
from cadre.web.bridge.files import file_rows
from cadre.web.campaigns.models import Campaign
from cadre.web.files.models import PersonalFile
from cadre.web.placement.models import FarmType, Post, PostKind

__all__ = ["POST_COLUMNS", "Checked", "check_files", "check_posts"]

POST_COLUMNS = ("district", "kind", "name", "capacity", "farm_type")
SAMPLE = 10


@dataclass
class Checked:
    """A checked table: the rows ready to write (with their unit) and every problem found."""

    rows_in: int
    columns: list[str]
    problems: list[dict[str, Any]] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)

    def problem(self, row: int | None, column: str | None, value: Any, message: str) -> None:
        # A NUL cannot be stored (PostgreSQL's text and JSON refuse it): show it as the two characters \0.
        shown = None if value is None else str(value)[:200].replace("\x00", "\\0")
        self.problems.append({"row": row, "column": column, "value": shown, "message": message})

    @property
    def sample(self) -> list[dict[str, Any]]:
        return [{k: _shown(v) for k, v in row.items() if not k.startswith("_")} for row in self.rows[:SAMPLE]]


def _shown(value: Any) -> Any:
    if isinstance(value, list):
        return "; ".join(map(str, value))
    return value if value is None or isinstance(value, int | float | bool) else str(value)


#: The largest whole number the database's integer columns hold (PostgreSQL's integer).
MAX_INT = 2**31 - 1


def _cells(frame: pl.DataFrame, out: Checked, lengths: dict[str, int]) -> None:
    """Cells no database can store as they are: a NUL anywhere, a text longer than its column."""
    for column in frame.columns:
        values = frame.get_column(column).cast(pl.String, strict=False).to_list()
        limit = lengths.get(column)
        for i, value in enumerate(values, start=1):
            if value is None:
                continue
            if "\x00" in value:
                out.problem(i, column, value, _("contains a NUL character"))
            elif limit is not None and len(value) > limit:
                out.problem(i, column, value, _("longer than %(n)s characters") % {"n": limit})


def _text_lengths(model: Any) -> dict[str, int]:
    return {f.name: f.max_length for f in model._meta.get_fields()
            if getattr(f, "max_length", None) and f.get_internal_type() == "CharField"}


def check_files(frame: pl.DataFrame, *, campaign: Campaign, actor: Any) -> Checked:
    """Check a volunteer list (the engine's personal-file columns)."""
    out = Checked(rows_in=frame.height, columns=list(frame.columns))
    _cells(frame, out, _text_lengths(PersonalFile))
    if out.problems:
        return out
    if "opposition_past" in frame.columns and not campaign.historical:
        out.problem(None, "opposition_past", None, _("the workspace does not take political past: remove this column "
                                                     "(it is historical data of the 1929 replay only)"))
    validation = validate(frame, bridge_schema.schema())
    for row, column, value, message in validation.issues.select("row", "column", "value", "message").iter_rows():
        out.problem(row, column, value, message)
    if validation.clean.is_empty():
        return out
    rows_of = {pid: i + 1 for i, pid in enumerate(frame.get_column("person_id").to_list()) if pid is not None}
    clean = file_rows(validation.clean)
    factories = {u.code: u for u in OrgUnit.objects.filter(
        kind=UnitKind.FACTORY, code__in={r["factory_id"] for r in clean})}
    taken = set(PersonalFile.objects.filter(campaign=campaign, person_id__in=[r["person_id"] for r in clean])
                .values_list("person_id", flat=True))
    for values in clean:
        row, before = rows_of.get(values["person_id"]), len(out.problems)
        unit = factories.get(values["factory_id"])
        if unit is None:
            out.problem(row, "factory_id", values["factory_id"], _("no factory with this code in the organization tree"))
        else:
            if (unit.region_code, unit.union) != (values["source_region"], values["union"]):
                out.problem(row, "factory_id", values["factory_id"],
                            _("this factory belongs to %(region)s / %(union)s, not %(r)s / %(u)s") % {
                                "region": unit.region_code, "union": unit.union, "r": values["source_region"],
                                "u": values["union"]})
            if not may(actor, Action.CAMPAIGN_MANAGE, unit):
                out.problem(row, "factory_id", values["factory_id"],
                            _("you may not add files for this factory"))
        if values["person_id"] in taken:
            out.problem(row, "person_id", values["person_id"], _("this file number is already in the campaign"))
        if len(out.problems) == before:
            out.rows.append({**values, "_unit": unit, "_row": row})
    return out


def _int(text: Any) -> int | None:
    try:
        return int(str(text).strip())
    except ValueError:
        return None


def check_posts(frame: pl.DataFrame, *, campaign: Campaign, actor: Any) -> Checked:
    """Check a list of posts: district (code), kind, name, and optionally capacity and farm_type."""
    out = Checked(rows_in=frame.height, columns=list(frame.columns))
    for column in frame.columns:
        if column not in POST_COLUMNS:
            out.problem(None, column, None, _("unknown column; a post list has: %(cols)s") % {"cols": ", ".join(POST_COLUMNS)})
    for column in ("district", "kind", "name"):
        if column not in frame.columns:
            out.problem(None, column, None, _("required column %(c)s is missing") % {"c": column})
    if out.problems:
        return out
    _cells(frame, out, {"district": OrgUnit._meta.get_field("code").max_length,
                        **{k: v for k, v in _text_lengths(Post).items() if k in POST_COLUMNS}})
    if out.problems:
        return out
    rows = frame.select([c for c in POST_COLUMNS if c in frame.columns]).to_dicts()
    districts = {u.code: u for u in OrgUnit.objects.filter(kind=UnitKind.DISTRICT,
                                                           code__in={r["district"] for r in rows if r["district"]})}
    existing = set(Post.objects.filter(campaign=campaign).values_list("district__code", "name"))
    seen: set[tuple[str, str]] = set()
    for i, r in enumerate(rows, start=1):
        before = len(out.problems)
        district = districts.get((r["district"] or "").strip())
        name = (r["name"] or "").strip()
        capacity = _int(r.get("capacity") or "1")
        farm_type = (r.get("farm_type") or "").strip()
        if district is None:
            out.problem(i, "district", r["district"], _("no district with this code in the organization tree"))
        elif not may(actor, Action.PLACEMENT_RUN, district):
            out.problem(i, "district", r["district"], _("you may not add posts in this district"))
        if r["kind"] not in PostKind.values:
            out.problem(i, "kind", r["kind"], _("not one of %(v)s") % {"v": ", ".join(PostKind.values)})
        if not name or len(name) > 200:
            out.problem(i, "name", r["name"], _("a post needs a name of at most 200 characters"))
        if capacity is None or not 1 <= capacity <= MAX_INT:
            out.problem(i, "capacity", r.get("capacity"),
                        _("places must be a whole number from 1 to %(max)s") % {"max": MAX_INT})
        if farm_type and farm_type not in FarmType.values:
            out.problem(i, "farm_type", farm_type, _("not one of %(v)s") % {"v": ", ".join(FarmType.values)})
        key = ((r["district"] or "").strip(), name)
        if key in existing or key in seen:
            out.problem(i, "name", name, _("this district already has a post of this name"))
        seen.add(key)
        if len(out.problems) == before:
            out.rows.append({"district": key[0], "kind": r["kind"], "name": name, "capacity": capacity,
                             "farm_type": farm_type, "_unit": district, "_row": i})
    return out
