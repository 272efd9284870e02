"""Reads of the analytics pages: rows the user may see -> the bridge -> the engine's analytics.

Every function takes the user and a :class:`Scope` (campaign, source region, destination region, dates);
the files are cut by the files app's selector, so a regional council sees its region and a historian
everything, and every other table is cut to those files.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import polars as pl
from django.db.models import Count, Min, QuerySet

from cadre import record
from cadre.engine.analytics import ExitChannel
from cadre.twin.planning import planned_flows
from cadre.web.accounts.permissions import User
from cadre.web.bridge import analytics as bridge
from cadre.web.campaigns.models import Campaign
from cadre.web.campaigns.selectors import control_figure_list
from cadre.web.field.models import EventKind, FieldEvent
from cadre.web.files.models import PersonalFile, Status
from cadre.web.files.selectors import file_list
from cadre.web.placement.models import Arrival, Dispatch, Placement, PostKind
from cadre.web.placement.selectors import plan_current, plan_flows, post_list

__all__ = ["SELECTED", "Scope", "composition_of", "coverage_of", "flows_of", "overview_of", "plan_of",
           "retention_of", "timeline_of"]

#: A file counts as selected from final selection on, whatever happened to it after (withdrawals excepted).
SELECTED = (Status.SELECTED, Status.TRAINED, Status.DISPATCHED, Status.ARRIVED, Status.PLACED, Status.EXITED)
_FARM = (PostKind.CHAIRMAN, PostKind.BOARD_MEMBER, PostKind.CELL_SECRETARY)


@dataclass(frozen=True, slots=True, kw_only=True)
class Scope:
    """What a dashboard shows: a campaign, optionally one source and one destination region, a period."""

    campaign: Campaign
    region: str = ""
    destination: str = ""
    since: date | None = None
    until: date | None = None


def _files(user: User, scope: Scope) -> QuerySet[PersonalFile]:
    rows = file_list(user=user, campaign=scope.campaign)
    if scope.region:
        rows = rows.filter(source_region=scope.region)
    if scope.destination:
        rows = rows.filter(destination__region_code=scope.destination)
    return rows.order_by()


def _people(files: QuerySet[PersonalFile]) -> pl.DataFrame:
    return bridge.people_frame(list(files.values(*bridge.PEOPLE_COLUMNS)))


def overview_of(*, user: User, scope: Scope) -> dict[str, int]:
    """Headline counts: selected, dispatched, arrived, placed now, exited."""
    people = _people(_files(user, scope))
    counts = dict(people.group_by("status").len().iter_rows()) if people.height else {}
    return {"files": people.height, "selected": sum(counts.get(s, 0) for s in SELECTED),
            "in_training": counts.get(Status.SELECTED, 0) + counts.get(Status.TRAINED, 0),
            "dispatched": sum(counts.get(s, 0) for s in SELECTED[2:]), "arrived": sum(counts.get(s, 0) for s in SELECTED[3:]),
            "placed": counts.get(Status.PLACED, 0), "exited": counts.get(Status.EXITED, 0)}


def composition_of(*, user: User, scope: Scope) -> pl.DataFrame:
    """The composition of the selected workers by source region (the record's table of 1930)."""
    return bridge.composition_table(_people(_files(user, scope).filter(status__in=SELECTED)))


def plan_of(*, user: User, scope: Scope) -> dict[str, pl.DataFrame]:
    """Control figures against the selected, by region, union, and region and union."""
    figures = control_figure_list(campaign=scope.campaign, region_code=scope.region)
    rows = [{"source_region": f.region.code, "union": f.union, "planned": f.quota} for f in figures]
    return bridge.plan_tables(rows, _people(_files(user, scope).filter(status__in=SELECTED)))


def flows_of(*, user: User, scope: Scope) -> dict[str, Any]:
    """Planned and actual origin-destination flows (the plan's pairs; the dispatches made)."""
    files = _files(user, scope)
    plan = plan_current(campaign=scope.campaign)
    if plan is not None:
        planned = [(f.origin.code, f.destination.code, f.n) for f in plan_flows(plan=plan)]
        source = "plan"
    elif scope.campaign.historical:
        selected = files.filter(status__in=SELECTED).count()
        frame = planned_flows(scale=selected / record.quota_total()) if selected else None
        planned = [tuple(r) for r in frame.iter_rows()] if frame is not None else []
        source = "record"
    else:
        planned, source = [], "none"
    if scope.region:
        planned = [p for p in planned if p[0] == scope.region]
    if scope.destination:
        planned = [p for p in planned if p[1] == scope.destination]
    actual = [(r["file__source_region"], r["destination__region_code"], r["n"]) for r in _count(
        Dispatch.objects.filter(file__in=files), "file__source_region", "destination__region_code")]
    return {**bridge.flows_tables([p for p in planned if p[2] > 0], actual), "source": source}


def _count(rows: QuerySet[Any], *keys: str) -> list[dict[str, Any]]:
    return list(rows.values(*keys).annotate(n=Count("id")).order_by(*keys))


def _dates(scope: Scope, first: date | None, last: date | None, points: int = 60) -> list[date]:
    start = scope.since or first or date.today()
    end = scope.until or last or start
    if end < start:
        end = start
    step = max(1, (end - start).days // points)
    out = [start + timedelta(days=i) for i in range(0, (end - start).days + 1, step)]
    return out if out[-1] == end else [*out, end]


def timeline_of(*, user: User, scope: Scope) -> dict[str, Any]:
    """Arrivals over time by destination region, and workers holding each kind of post over time."""
    files = _files(user, scope)
    arrivals = Arrival.objects.filter(file__in=files)
    spells = Placement.objects.filter(file__in=files)
    first = min(d for d in (arrivals.aggregate(d=Min("arrived_on"))["d"], spells.aggregate(d=Min("start"))["d"])
                if d is not None) if arrivals.exists() or spells.exists() else None
    last_event = FieldEvent.objects.filter(file__in=files).order_by("-on").values_list("on", flat=True).first()
    last_arrival = arrivals.order_by("-arrived_on").values_list("arrived_on", flat=True).first()
    last = max((d for d in (last_event, last_arrival, first) if d is not None), default=None)
    at = _dates(scope, first, last)
    return {
        "at": at,
        "arrivals": bridge.arrivals_over_time(list(arrivals.values_list("arrived_on", "unit__region_code")), at),
        "headcount": bridge.headcount_over_time(
            list(spells.values_list("file__person_id", "post__kind", "start", "end")), at, list(PostKind.values)),
    }


def retention_of(*, user: User, scope: Scope) -> dict[str, Any]:
    """Retention in field service from arrival: survival, cumulative incidence by channel, exits by channel."""
    files = _files(user, scope).filter(status__in=(Status.ARRIVED, Status.PLACED, Status.EXITED))
    starts = dict(Arrival.objects.filter(file__in=files).values_list("file__person_id", "arrived_on"))
    for pid, start in Placement.objects.filter(file__in=files).values("file__person_id").annotate(
            s=Min("start")).values_list("file__person_id", "s"):
        starts.setdefault(pid, start)
    exits = {pid: (on, channel) for pid, on, channel in FieldEvent.objects.filter(
        file__in=files, kind=EventKind.EXIT).values_list("file__person_id", "on", "channel")}
    outcomes = []
    for pid, start in starts.items():
        on, channel = exits.get(pid, (None, None))
        if on is not None and on < start:
            on = start  # an exit recorded before the recorded arrival: counted as leaving on the first day
        outcomes.append((pid, start, on, channel or None))
    if not outcomes:
        return {"outcomes": 0, "as_of": scope.until, "days": []}
    last = max([o[2] for o in outcomes if o[2] is not None] + [o[1] for o in outcomes])
    as_of = scope.until or last
    horizon = max(1, (as_of - min(o[1] for o in outcomes)).days)
    days = sorted({0, *range(0, horizon + 1, max(1, horizon // 60)), horizon})
    return {"outcomes": len(outcomes), "as_of": as_of, "days": days,
            **bridge.retention_tables(outcomes, as_of=as_of, days=days),
            "channels": [c.value for c in ExitChannel]}


def coverage_of(*, user: User, scope: Scope) -> pl.DataFrame:
    """Farm posts held now by a worker, by destination region and farm type."""
    posts = post_list(user=user, campaign=scope.campaign).filter(kind__in=_FARM)
    if scope.destination:
        posts = posts.filter(district__region_code=scope.destination)
    return bridge.coverage_table([(p.district.region_code, p.farm_type or "-", p.held > 0) for p in posts])
