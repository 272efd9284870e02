"""`cadre engine example` and `cadre engine place`: generate a placement instance, and solve one.

Both are plain functions with typer options, registered by the engine command group. The instance format
is docs/placement-format.md; `place` writes `assignment.parquet` and `certificate.json` (objective, dual
bound, gap, time, and for an infeasible instance the people and posts that prove it).
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import polars as pl
import typer

from cadre.cli.console import console, fail, show_frame
from cadre.engine.certificate import Certificate, Status
from cadre.engine.placement import (
    AssignmentInstance,
    assign_groups,
    example_placement,
    group_costs,
    restrict_arcs,
    solve_assignment,
)
from cadre.io.placement_files import (
    InstanceFileError,
    compile_read,
    read_instance,
    write_instance,
    write_solution,
)
from cadre.io.tables import TableError, write_table

__all__ = ["example", "place"]

KINDS = ("placement",)
EXIT_INFEASIBLE = 2


def example(
    kind: str = typer.Option("placement", "--kind", help=f"What to generate: {', '.join(KINDS)}."),
    people: int = typer.Option(27_500, "--people", min=1, help="People to place."),
    posts: int = typer.Option(100_000, "--posts", min=1, help="Posts (farm chairmen, board seats, stations...)."),
    candidates: int = typer.Option(200, "--candidates", min=1, help="Candidate posts per person."),
    regions: int = typer.Option(17, "--regions", min=1, help="Destination regions (sized like the 1929 plan)."),
    seed: int = typer.Option(1929, "--seed", help="Seed of the random generator."),
    out: Path = typer.Option(..., "--out", "-o", help="Directory to write the instance into."),
    csv: bool = typer.Option(False, "--csv", help="Write CSV files instead of Parquet."),
) -> None:
    """Generate a feasible example instance in the explicit-cost format (arcs, posts, people)."""
    if kind not in KINDS:
        fail(f"--kind {kind!r} is not known; the kinds are: {', '.join(KINDS)}")
    if people < regions or posts < regions:
        fail(f"--people and --posts must be at least --regions ({regions}): one of each per region")
    with console.status(f"generating {people:,} people x {posts:,} posts x {candidates:,} candidates"):
        ex = example_placement(people=people, posts=posts, candidates=candidates, regions=regions,
                               rng=np.random.default_rng(seed))
    try:
        files = write_instance(out, ex.arcs, ex.posts, ex.people, suffix=".csv" if csv else ".parquet")
    except TableError as e:
        fail(str(e))
    console.print(f"wrote {out}: {ex.arcs.height:,} arcs, {ex.posts.height:,} posts "
                  f"({int(ex.posts.get_column('capacity').sum()):,} places), {ex.people.height:,} people "
                  f"in {regions} regions ({', '.join(f.name for f in files)})")


def _selection(instance: AssignmentInstance, region: str | None, component: list[int] | None) -> list[int] | None:
    if region is not None and component:
        fail("give --region or --component, not both")
    if region is not None:
        if "region" not in instance.people.columns:
            fail("--region needs a people file with a region column")
        comps = instance.components_where("region", region)
        if not comps:
            known = sorted({str(r) for r in instance.people.get_column("region").unique().to_list()})
            fail(f"no person in region {region!r}; the regions are: {', '.join(known)}")
        return list(comps)
    if component:
        bad = [c for c in component if not 0 <= c < instance.n_components]
        if bad:
            fail(f"--component {bad[0]} is not a component; they are numbered 0..{instance.n_components - 1}")
        return component
    return None


def _number(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.6g}"


def _summary(cert: Certificate, seconds: float) -> None:
    rows = [("status", cert.status.value), ("objective", _number(cert.objective)),
            ("bound (dual)", _number(cert.bound)), ("gap", "-" if cert.gap is None else f"{cert.gap:.2g}"),
            ("people", _number(cert.stats.get("people", 0))),
            ("components solved", _number(cert.stats.get("components_solved", 0))),
            ("solve seconds", f"{cert.seconds:.3f}"), ("total seconds", f"{seconds:.3f}")]
    show_frame(pl.DataFrame({"": [r[0] for r in rows], "value": [r[1] for r in rows]}), title=cert.solver)


def place(
    instance: Path = typer.Option(..., "--instance", "-i", help="Instance directory (docs/placement-format.md)."),
    out: Path = typer.Option(..., "--out", "-o", help="Directory for assignment.parquet and certificate.json."),
    region: str | None = typer.Option(None, "--region", help="Re-solve only this region (people.region)."),
    component: list[int] | None = typer.Option(None, "--component", help="Re-solve only this component (repeat)."),
    groups: bool = typer.Option(False, "--groups", help="First place factory groups in districts "
                                "(people.group, posts.district); people keep only arcs into their district."),
    show: int = typer.Option(10, "--show", min=0, help="Rows of the assignment to print."),
) -> None:
    """Place people in posts at least total cost; write the assignment and its certificate.

    Exit 0: optimal (proven); 1: bad input (nothing written); 2: infeasible (certificate.json and
    unplaced.csv say who cannot be placed and why; no assignment is written).
    """
    started = time.perf_counter()
    with console.status("reading the instance") as status:
        try:
            arcs, posts, people = read_instance(instance)
        except InstanceFileError as e:
            fail(str(e))
        extra: dict[str, object] = {"instance": str(instance)}
        if groups:
            if people is None or "group" not in people.columns or "district" not in posts.columns:
                fail("--groups needs people.group and posts.district columns")
            status.update("group stage: factory groups to districts (MILP)")
            plan = assign_groups(*group_costs(arcs, people, posts))
            if plan.certificate.status not in (Status.OPTIMAL, Status.FEASIBLE):
                fail("group stage: " + "; ".join(b.explanation for b in plan.certificate.binding)
                     + f" ({plan.certificate.status.value}); nothing was written")
            arcs = restrict_arcs(arcs, people, posts, plan)
            extra["group_stage"] = plan.certificate.as_dict()
            console.print(f"group stage: {plan.plan.height:,} groups placed in "
                          f"{plan.plan.get_column('district').n_unique():,} districts, "
                          f"{plan.certificate.status.value} (objective {_number(plan.certificate.objective)}, "
                          f"gap {plan.certificate.gap or 0:.2g}, {plan.certificate.seconds:.1f} s)")
        status.update("checking and compiling the instance")
        try:
            compiled = compile_read(instance, arcs, posts, people)
        except InstanceFileError as e:
            fail(str(e) + "\nnothing was written")
        chosen = _selection(compiled, region, component)
        status.update(f"solving {compiled.n_components:,} component(s)")
        result = solve_assignment(compiled, components=chosen)
        if result.certificate.status not in (Status.OPTIMAL, Status.INFEASIBLE):
            fail(f"the solver's answer failed its check: {result.certificate.message}; nothing was written")
        status.update("writing")
        try:
            write_solution(out, result.assignment, result.certificate, unplaced=result.unplaced, extra=extra)
            if groups:
                write_table(plan.plan, out / "groups.parquet")
        except TableError as e:
            fail(str(e))
    cert = result.certificate
    _summary(cert, time.perf_counter() - started)
    if cert.status is Status.INFEASIBLE:
        for b in cert.binding:
            console.print(f"[bold red]infeasible:[/] {b.explanation}", highlight=False)
        console.print(f"wrote {out / 'certificate.json'} and {out / 'unplaced.csv'} (no assignment)")
        raise typer.Exit(EXIT_INFEASIBLE)
    if show:
        show_frame(result.assignment.head(show), title="assignment (first rows)", limit=None)
    console.print(f"wrote {out / 'assignment.parquet'} ({result.assignment.height:,} people) "
                  f"and {out / 'certificate.json'}")
