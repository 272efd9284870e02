"""`cadre engine distribute`: build the origin-destination plan, check the record's, compare the two.

With no files it rebuilds the 1929 plan from the record's control figures (supply = the regional quotas,
demand = the record plan's destination totals as maxima, priority = tempo group), checks the record's own
plan (Ivanovo's over-commitment, the total of 26,680 against 26,380) and sets the two side by side. With
``--supply`` and ``--demand`` it plans a campaign's own figures. Bad files are reported cell by cell
(file, row, column) and nothing is written; a plan that cannot keep the rules is reported with the rules
that bind, and nothing is written either.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import typer

from cadre import record
from cadre.cli.console import console, fail, save, show_frame
from cadre.engine.distribution import (
    MIN_GROUP_1929,
    REGION_CENTERS_1929,
    Distribution,
    DistributionInputError,
    DistributionParams,
    Reproduction,
    check_plan,
    floors_1929,
    inputs_1929,
    region_distances,
    reproduce_1929,
)
from cadre.engine.distribution import distribute as build_plan
from cadre.io import TableError, read_table

__all__ = ["distribute"]


def _read(path: Path) -> pl.DataFrame:
    try:
        return read_table(path)
    except TableError as e:
        fail(str(e))


def _pairs(values: list[str], first: str, option: str) -> pl.DataFrame | None:
    """``FROM:TO`` option values as a frame; a value without exactly one ':' ends the command."""
    if not values:
        return None
    bad = [v for v in values if v.count(":") != 1 or not all(part.strip() for part in v.split(":"))]
    if bad:
        fail(f"{option} takes A:B (e.g. {option} LEN:LVO); not {', '.join(repr(b) for b in bad)}")
    split = [v.split(":") for v in values]
    return pl.DataFrame({first: [a.strip() for a, _ in split], "to_region": [b.strip() for _, b in split]})


def _report_inputs(error: DistributionInputError, sources: dict[str, str]) -> None:
    issues = error.issues.select(
        pl.col("table").replace_strict(sources, default=pl.col("table")).alias("file"),
        pl.col("row").cast(pl.String).fill_null("(column)"), "column", "value", "message")
    console.print(f"[bold red]{issues.height} problem(s) in the inputs[/]")
    show_frame(issues, limit=None)
    fail(f"{issues.height} problem(s) in the inputs; nothing was written")


def _show_plan(result: Distribution, title: str) -> None:
    cert = result.certificate
    gap = "" if cert.gap is None else f", gap {cert.gap:.2%}"
    bound = "unknown" if cert.bound is None else f"{cert.bound:,.1f}"
    console.print(f"{cert.solver}: [bold]{cert.status.value}[/], score {cert.objective or 0:,.1f}, bound "
                  f"{bound}{gap}, {cert.seconds:.2f} s, {int(cert.stats['pairs'])} pairs open to groups "
                  f"of at least {result.params.min_group}", highlight=False)
    pairs = result.pairs.sort("n", descending=True)
    rows = pairs.group_by("from_region", maintain_order=True).agg(
        pl.col("n").sum().alias("sent"),
        pl.col("n").filter(pl.col("from_region") == pl.col("to_region")).sum().alias("kept"),
        pl.format("{} {}", pl.col("to_region"), pl.col("n")).str.join(", ").alias("destinations"),
    ).sort("sent", descending=True)
    show_frame(rows, title=f"{title} by source region (pairs add up to {int(pairs['n'].sum()):,})", limit=None)
    show_frame(result.by_destination.sort("priority", "region"), title="Destinations", limit=None)
    share = result.stay_share
    if share is not None:
        console.print(f"stay in their own region: {share:.1%} of the workers sent")


def _show_check(rep: Reproduction) -> None:
    console.rule("[bold]The record's plan of 1929, checked")
    check = rep.record_check
    if check.ok:
        console.print("[green]the record's plan keeps every rule[/]")
    else:
        show_frame(check.problems.select("code", "from_region", "to_region", "required", "found", "message"),
                   title=f"{check.problems.height} problem(s) of the record's plan", limit=None)


def _show_comparison(rep: Reproduction) -> None:
    console.rule("[bold]The optimizer's plan beside the record's")
    for line in rep.inputs.adjustments:
        console.print(f"  - {line}", highlight=False)
    show_frame(rep.by_origin, title="By source region (record plan, model plan, quota)", limit=None)
    show_frame(rep.by_destination, title="By destination region", limit=None)
    differ = rep.pairs.filter(pl.col("difference") != 0)
    show_frame(differ, title=f"Pairs where the plans differ ({differ.height - 1} of {rep.pairs.height - 1})",
               limit=None)
    overlap = "n/a" if rep.overlap is None else f"{rep.overlap:.1%}"
    model_share = "n/a" if rep.model_stay_share is None else f"{rep.model_stay_share:.1%}"
    console.print(f"stay in their own region: record {rep.record_stay_share:.1%}, model {model_share}; "
                  f"workers on the record's own pairs: {overlap}")


def _check_file(path: Path, supply: pl.DataFrame, demand: pl.DataFrame, params: DistributionParams,
                codes: list[str], sources: dict[str, str], printed_total: int | None) -> None:
    plan = _read(path)
    value = "planned" if "planned" in plan.columns else "n"
    if not {"from_region", "to_region", value} <= set(plan.columns):
        fail(f"{path}: a plan needs columns from_region, to_region and planned (or n); it has {', '.join(plan.columns)}")
    try:
        check = check_plan(plan, supply, demand, value=value, min_group=params.min_group, floors=params.floors,
                           regions=codes, printed_total=printed_total)
    except DistributionInputError as e:
        _report_inputs(e, sources)
    if check.ok:
        console.print(f"[green]{path}: the plan keeps every rule ({check.total:,} workers)[/]")
        return
    show_frame(check.problems.select("code", "from_region", "to_region", "required", "found", "message"),
               title=f"{path}: {check.problems.height} problem(s) ({check.total:,} workers planned)", limit=None)
    fail(f"{path}: {check.problems.height} problem(s)")


def distribute(
    min_group: int = typer.Option(MIN_GROUP_1929, "--min-group", min=1,
                                  help="Smallest group on a used pair: a pair carries 0 or at least this many."),
    stay_bonus: float = typer.Option(5.0, "--stay-bonus", help="Points per worker who stays in the own region."),
    tie: list[str] = typer.Option([], "--tie", help="A patronage tie FROM:TO (repeatable), e.g. --tie LEN:LVO."),
    tie_bonus: float = typer.Option(2.0, "--tie-bonus", help="Points per worker sent along a patronage tie."),
    union_tie: list[str] = typer.Option(
        [], "--union-tie", help="A production tie UNION:REGION (repeatable), e.g. textile:WES; needs supply by union."),
    union_bonus: float = typer.Option(2.0, "--union-bonus", help="Points per worker sent along a union's tie."),
    travel_cost: float = typer.Option(1.0, "--travel-cost", min=0.0, help="Points per worker per 1,000 km."),
    pair_cost: float = typer.Option(0.0, "--pair-cost", min=0.0, help="Points per pair used (fewer, larger groups)."),
    wholesale: int | None = typer.Option(
        None, "--wholesale", min=0,
        help="Floor of workers to priority 1-2 regions (default: the record's 10,000 wholesale target on the "
        "record's figures, none on a campaign's own; 0: none)."),
    supply_file: Path | None = typer.Option(
        None, "--supply", help="Supply table: region, supply [, union]. Default: the 1929 regional quotas."),
    demand_file: Path | None = typer.Option(
        None, "--demand", help="Demand table: region [, minimum, maximum, priority]. Default: the 1929 plan's totals."),
    distances_file: Path | None = typer.Option(
        None, "--distances", help="Routes: from_region, to_region, distance (km); an unlisted pair is no route. "
        "Default: great-circle km between the 1929 regional centres."),
    regions_file: Path | None = typer.Option(
        None, "--regions", help="Known region codes (a table with a code column). Default: the record's regions."),
    plan_out: Path | None = typer.Option(None, "--plan-out", "-o", help="Write the plan (.csv, .parquet, .xlsx)."),
    compare: bool = typer.Option(True, "--compare/--no-compare",
                                 help="Check the record's 1929 plan and compare it with the optimizer's."),
    check_file: Path | None = typer.Option(
        None, "--check", help="Only check this plan (from_region, to_region, planned or n) against the supply and "
        "demand in use; exit 1 if it has problems."),
    time_limit: float = typer.Option(20.0, "--time-limit", min=0.1, help="Seconds the solver may take."),
    gap: float = typer.Option(0.0, "--gap", min=0.0, max=1.0,
                              help="Relative gap accepted as optimal (0: prove the optimum)."),
) -> None:
    """Build the origin-destination plan (a transportation problem with groups), check the record's, compare."""
    regions = record.regions()
    codes = regions.get_column("code").to_list()
    if regions_file is not None:
        known = _read(regions_file)
        if "code" not in known.columns:
            fail(f"{regions_file}: needs a column 'code' (its columns: {', '.join(known.columns)})")
        codes = [c.strip() for c in known.get_column("code").cast(pl.String).drop_nulls().to_list()]
    on_record = supply_file is None and demand_file is None
    # The record's wholesale target belongs to the record's figures; a campaign's own figures get no floor
    # unless it asks for one.
    default_target = int(record.observation("wholesale_districts_target")) if on_record else 0
    target = default_target if wholesale is None else wholesale
    base = inputs_1929(quotas=record.quotas("region"), plan=record.control_plan(), regions=regions,
                       wholesale_target=target)
    supply = base.supply if supply_file is None else _read(supply_file)
    demand = base.demand if demand_file is None else _read(demand_file)
    if distances_file is not None:
        distances: pl.DataFrame | None = _read(distances_file)
    else:
        named = set(supply.get_column("region").cast(pl.String).to_list()) if "region" in supply.columns else set()
        named |= set(demand.get_column("region").cast(pl.String).to_list()) if "region" in demand.columns else set()
        # Regions without a known centre would have no route at all: then travel is simply not priced.
        distances = region_distances() if named <= set(REGION_CENTERS_1929) else None
        if distances is None:
            console.print("[yellow]travel is not priced: some regions have no known centre (pass --distances)[/]")
    params = DistributionParams(min_group=min_group, stay_bonus=stay_bonus, tie_bonus=tie_bonus,
                                union_bonus=union_bonus, travel_cost=travel_cost, pair_cost=pair_cost,
                                floors=floors_1929(target), time_limit=time_limit, gap=gap)
    ties, union_ties = _pairs(tie, "from_region", "--tie"), _pairs(union_tie, "union", "--union-tie")
    sources = {"supply": str(supply_file or "supply (record)"), "demand": str(demand_file or "demand (record)"),
               "ties": "--tie", "union_ties": "--union-tie", "distances": str(distances_file or "distances")}
    if check_file is not None:
        _check_file(check_file, supply, demand, params, codes, sources,
                    record.quota_total() if on_record else None)
        return
    rep: Reproduction | None = None
    try:
        if on_record and compare:
            rep = reproduce_1929(
                quotas=record.quotas("region"), plan=record.control_plan(), regions=regions,
                printed_total=record.quota_total(), wholesale_target=target, params=params, distances=distances,
                ties=ties)
            result = rep.distribution
        else:
            result = build_plan(supply, demand, params=params, ties=ties, union_ties=union_ties,
                                distances=distances, regions=codes)
    except DistributionInputError as e:
        _report_inputs(e, sources)
    console.rule("[bold]Distribution plan" + (" of 1929, rebuilt from the control figures" if on_record else ""))
    if not result.ok:
        cert = result.certificate
        console.print(f"[bold red]no plan keeps the rules[/] ({cert.status.value}; {cert.message})")
        for b in cert.binding:
            console.print(f"  [red]-[/] {b.explanation}", highlight=False)
        if rep is not None:
            _show_check(rep)
        fail("no plan was found; nothing was written")
    _show_plan(result, "Plan")
    if rep is not None:
        _show_check(rep)
        _show_comparison(rep)
    elif not on_record and compare:
        console.print("[dim]the comparison with the record is made for the record's own figures only[/]")
    if plan_out is not None:
        save(result.plan, plan_out)
