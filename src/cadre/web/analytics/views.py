"""The analytics pages: tables and charts of the campaign, filtered by region and period."""

from __future__ import annotations

import hashlib
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import plotly
import polars as pl
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cadre.web.analytics import charts
from cadre.web.analytics.selectors import (
    Scope,
    composition_of,
    coverage_of,
    flows_of,
    overview_of,
    plan_of,
    retention_of,
    timeline_of,
)
from cadre.web.bridge.schema import region_codes
from cadre.web.placement.models import PostKind
from cadre.web.placement.pagekit import campaign_of, refusals


@lru_cache(maxsize=1)
def _plotly_source() -> bytes:
    return (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_bytes()


@require_GET
def plotly_js(request: HttpRequest) -> HttpResponse:
    """plotly.min.js from the installed plotly package (no CDN), cached by the browser for a year."""
    response = HttpResponse(_plotly_source(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _page(request: HttpRequest, template: str, here: str, build: Any) -> HttpResponse:
    campaign = campaign_of(request)
    get = request.GET
    codes = region_codes()
    filters = {"region": get.get("region", "") if get.get("region", "") in codes else "",
               "destination": get.get("destination", "") if get.get("destination", "") in codes else "",
               "since": _day(get.get("since", "")), "until": _day(get.get("until", ""))}
    problems = [_("%(field)s: not a date (YYYY-MM-DD)") % {"field": name} for name in ("since", "until")
                if get.get(name) and filters[name] is None]
    context: dict[str, Any] = {"campaign": campaign, "here": here, "filters": filters, "regions": codes,
                               "problems": problems, "charts": []}
    if campaign is not None:
        context.update(_built(request, here, campaign, filters, build))
    return render(request, template, context)


#: A dashboard is computed at most this often per user, page, campaign and filters (the page says when).
DASHBOARD_SECONDS = 30


def _built(request: HttpRequest, here: str, campaign: Any, filters: dict[str, Any], build: Any) -> dict[str, Any]:
    """The dashboard's figures: from the cache while they are fresh, computed (and kept) otherwise.

    The key holds the user (what a dashboard counts depends on what the user may see), the language (the
    labels are translated when built), the page, the campaign and the filters."""
    parts = (here, campaign.pk, request.user.pk, get_language(), *sorted((k, str(v)) for k, v in filters.items()))
    key = "analytics:" + hashlib.sha256(repr(parts).encode()).hexdigest()
    built = cache.get(key)
    if built is None:
        built = {**build(request, Scope(campaign=campaign, **filters)), "computed_at": timezone.now()}
        cache.set(key, built, DASHBOARD_SECONDS)
    return built


def _rows(frame: pl.DataFrame) -> list[dict[str, Any]]:
    return frame.to_dicts()


def _overview(request: HttpRequest, scope: Scope) -> dict[str, Any]:
    comp = composition_of(user=request.user, scope=scope)
    plan = plan_of(user=request.user, scope=scope)
    groups = [c for c in comp.columns if c not in ("measure", "category")]
    by_region = plan["region"].filter(pl.col("source_region") != "total")
    by_union = plan["union"].filter(pl.col("union") != "total")
    return {
        "counts": overview_of(user=request.user, scope=scope), "composition": _rows(comp), "groups": groups,
        "plan_region": _rows(plan["region"]), "plan_union": _rows(plan["union"]),
        "charts": [
            {"id": "chart-plan-region", "figure": charts.bars(by_region, x="source_region", ys={
                "planned": _("control figure"), "actual": _("selected")}, title=_("Plan versus actual by source region"))},
            {"id": "chart-plan-union", "figure": charts.bars(by_union, x="union", ys={
                "planned": _("control figure"), "actual": _("selected")}, title=_("Plan versus actual by union"))},
        ]}


def _flows(request: HttpRequest, scope: Scope) -> dict[str, Any]:
    flows = flows_of(user=request.user, scope=scope)
    matrix = flows["matrix"]
    out: dict[str, Any] = {"pairs": _rows(flows["pairs"]), "matrix": _rows(matrix), "matrix_columns": matrix.columns,
                           "source": flows["source"]}
    if matrix.height > 1:
        out["charts"] = [{"id": "chart-flows", "figure": charts.stacked(
            matrix, origin="from_region", title=_("Workers dispatched, source region to destination region"))}]
    return out


def _timeline(request: HttpRequest, scope: Scope) -> dict[str, Any]:
    data = timeline_of(user=request.user, scope=scope)
    arrivals, heads = data["arrivals"], data["headcount"]
    total = arrivals.group_by("date").agg(pl.col("n").sum()).sort("date")
    series = {str(r): (part.get_column("date").to_list(), part.get_column("n").to_list())
              for (r,), part in arrivals.partition_by("region", as_dict=True).items()} if arrivals.height else {}
    labels = dict(PostKind.choices)
    kinds = {str(labels[k]): (part.get_column("date").to_list(), part.get_column("n").to_list())
             for (k,), part in heads.partition_by("state", as_dict=True).items() if part.get_column("n").sum() > 0}
    wide = heads.pivot(on="state", index="date", values="n").sort("date") if heads.height else heads
    return {"arrivals_total": _rows(total), "headcount": _rows(wide),
            "kinds": [(k, labels[k]) for k in PostKind.values if k in wide.columns],
            "charts": [
                {"id": "chart-arrivals", "figure": charts.lines(
                    {_("all regions"): (total.get_column("date").to_list(), total.get_column("n").to_list()), **series},
                    title=_("Arrivals over time (cumulative), by destination region"), y_title=_("workers"), step=True)},
                {"id": "chart-headcount", "figure": charts.lines(
                    kinds, title=_("Workers holding each kind of post"), y_title=_("workers"), step=True)},
            ]}


def _retention(request: HttpRequest, scope: Scope) -> dict[str, Any]:
    data = retention_of(user=request.user, scope=scope)
    if not data["outcomes"]:
        return {"outcomes": 0}
    surv, inc, exits = data["survival"], data["incidence"], data["exits"]
    by_channel = {c: part for (c,), part in inc.partition_by("channel", as_dict=True).items()}
    taken = [r["channel"] for r in exits.iter_rows(named=True) if r["n"] > 0]
    return {
        "outcomes": data["outcomes"], "as_of": data["as_of"], "exits": _rows(exits),
        "exits_total": int(exits.get_column("n").sum()),
        "survival": _rows(surv.filter(pl.col("day").is_in(sorted({0, *data["days"][:: max(1, len(data["days"]) // 12)],
                                                                       data["days"][-1]})))),
        "charts": [
            {"id": "chart-survival", "figure": charts.lines(
                {_("still serving"): (surv.get_column("day").to_list(), surv.get_column("survival").to_list()),
                 _("lower bound, 95 percent"): (surv.get_column("day").to_list(), surv.get_column("ci_low").to_list()),
                 _("upper bound, 95 percent"): (surv.get_column("day").to_list(), surv.get_column("ci_high").to_list())},
                title=_("Retention (Kaplan-Meier): share still serving, by days since arrival"),
                x_title=_("days since arrival"), percent=True, step=True,
                faint=(_("lower bound, 95 percent"), _("upper bound, 95 percent")))},
            {"id": "chart-incidence", "figure": charts.lines(
                {c.replace("_", " "): (by_channel[c].get_column("day").to_list(), by_channel[c].get_column("cif").to_list())
                 for c in taken}, title=_("Cumulative incidence of leaving, by exit channel (competing risks)"),
                x_title=_("days since arrival"), percent=True, step=True)},
        ]}


def _coverage(request: HttpRequest, scope: Scope) -> dict[str, Any]:
    table = coverage_of(user=request.user, scope=scope)
    by_region = table.group_by("region").agg(pl.col("posts").sum(), pl.col("held").sum()).with_columns(
        (pl.col("held") / pl.col("posts")).alias("share")).sort("region")
    out: dict[str, Any] = {"coverage": _rows(table), "coverage_region": _rows(by_region)}
    if by_region.height:
        out["charts"] = [{"id": "chart-coverage", "figure": charts.bars(
            by_region, x="region", ys={"posts": _("farm posts"), "held": _("held by a worker now")},
            title=_("Farm posts held by a worker, by destination region"))}]
    return out


@refusals
def overview(request: HttpRequest) -> HttpResponse:
    return _page(request, "analytics/overview.html", "overview", _overview)


@refusals
def flows(request: HttpRequest) -> HttpResponse:
    return _page(request, "analytics/flows.html", "flows", _flows)


@refusals
def timeline(request: HttpRequest) -> HttpResponse:
    return _page(request, "analytics/timeline.html", "timeline", _timeline)


@refusals
def retention(request: HttpRequest) -> HttpResponse:
    return _page(request, "analytics/retention.html", "retention", _retention)


@refusals
def coverage(request: HttpRequest) -> HttpResponse:
    return _page(request, "analytics/coverage.html", "coverage", _coverage)
