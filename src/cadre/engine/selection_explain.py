"""What a selection reached, and why it fell short: fill and target tables, binding constraints in words.

Every explanation is computed from the data: how many candidates the cells with a quota hold, how many of
them meet a target, and the most (or fewest) of them that any cohort filling the places could contain.
Those bounds ignore quality and the other targets, so when a target misses although its bound allows it, the
sentence says the target lost to quality or to other targets rather than to a lack of candidates.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from cadre.engine.certificate import Binding
from cadre.engine.selection_model import Bools, Ints, Problem, Side, factory_cap

__all__ = ["available", "cell_bindings", "factory_binding", "reachable", "target_bindings", "target_table"]

_CELL = " × "


def _units(problem: Problem, mask: Bools) -> Ints:
    """Per cell, how many of the ``mask`` candidates the factory sub-quotas let go."""
    cells = problem.cell_quota.size
    width = problem.factory_quota.size + 1
    key = (problem.cell * width + problem.factory + 1)[mask]
    units, counts = np.unique(key, return_counts=True)
    u_cell, u_fac = units // width, units % width - 1
    cap = np.minimum(counts, factory_cap(problem, u_fac))
    return np.bincount(u_cell, weights=cap, minlength=cells).astype(np.int64)


def available(problem: Problem) -> Ints:
    """Per cell, how many candidates the factory sub-quotas let go (before the cell's quota)."""
    return _units(problem, np.ones(problem.size, dtype=np.bool_))


def reachable(problem: Problem, side: Side, cell_places: Ints) -> int:
    """The best count of a target any cohort with ``cell_places`` per cell can have, ignoring quality.

    For a minimum, the most people meeting the target; for a maximum, the fewest (the places minus the most
    people not meeting it). With nested factories it is exact (a laminar family: take the best within each
    factory's sub-quota, then within the cell's places); otherwise factory sub-quotas are left out, which
    only loosens the bound.
    """
    good = problem.side_meets(side) if side.at_least else ~problem.side_meets(side)
    if problem.nested():
        offered = _units(problem, good)
    else:
        offered = np.bincount(problem.cell[good], minlength=problem.cell_quota.size).astype(np.int64)
    most = int(np.minimum(offered, cell_places).sum())
    return most if side.at_least else int(cell_places.sum()) - most


def _count(problem: Problem, side: Side, chosen: Bools | None) -> int | None:
    return None if chosen is None else int((problem.side_meets(side) & chosen).sum())


def _short(side: Side, count: int, places: int) -> int:
    need = side.required(places)
    return max(0, need - count) if side.at_least else max(0, count - need)


def target_table(problem: Problem, chosen: Bools | None, places: int) -> pl.DataFrame:
    """One row per bound of a target: required share and count, reached count and share, shortfall."""
    rows = []
    for s in problem.sides:
        count = _count(problem, s, chosen)
        short = None if count is None else _short(s, count, places)
        rows.append({
            "code": s.code, "label": s.label, "hard": s.hard, "bound": "at least" if s.at_least else "at most",
            "share": s.share, "required": s.required(places), "count": count,
            "reached": None if count is None else count / places if places else 0.0,
            "shortfall": short, "met": None if short is None else short == 0,
            "penalty": None if short is None else (0.0 if s.hard else s.penalty * short),
        })
    schema = {"code": pl.String, "label": pl.String, "hard": pl.Boolean, "bound": pl.String, "share": pl.Float64,
              "required": pl.Int64, "count": pl.Int64, "reached": pl.Float64, "shortfall": pl.Int64,
              "met": pl.Boolean, "penalty": pl.Float64}
    return pl.DataFrame(rows, schema=schema)


def _supply(problem: Problem, side: Side) -> str:
    meeting = int(problem.side_meets(side).sum())
    if side.at_least:
        return (f"only {meeting:,} of the {problem.size:,} candidates in the cells with a quota meet it "
                f"({side.describe})")
    return (f"only {problem.size - meeting:,} of the {problem.size:,} candidates in the cells with a quota do not "
            f"meet it ({side.describe})")


def target_bindings(problem: Problem, chosen: Bools | None, places: int, cell_places: Ints) -> list[Binding]:
    """Targets that were missed (soft) or cannot be met (hard, with no answer), each with the reason."""
    out: list[Binding] = []
    hard_ok: list[str] = []
    for s in problem.sides:
        need = s.required(places)
        best = reachable(problem, s, cell_places)
        count = _count(problem, s, chosen)
        out_of_reach = best < need if s.at_least else best > need
        bound_words = (f"at most {best:,} of the {places:,} places ({best / max(places, 1):.1%}) can go to them"
                       if s.at_least else
                       f"at least {best:,} of the {places:,} places ({best / max(places, 1):.1%}) must go to them")
        if count is None:
            if not s.hard:
                continue
            if not out_of_reach:
                hard_ok.append(s.code)
                continue
            out.append(Binding(
                constraint=s.code, kind="hard", required=s.share, reached=best / max(places, 1),
                shortfall=float(abs(need - best)),
                explanation=f"{s.code} (hard, {s.words}) cannot be met with the {places:,} places filled: "
                            f"{_supply(problem, s)}, so {bound_words}"))
            continue
        short = _short(s, count, places)
        if short == 0:
            continue
        share = count / max(places, 1)
        gap_words = f"{short:,} people short" if s.at_least else f"{short:,} people too many"
        head = f"{s.code}: {share:.1%} reached of {s.words} ({gap_words})"
        if out_of_reach:
            why = f"{_supply(problem, s)}, so {bound_words}"
        else:
            best_share = best / max(places, 1)
            why = (f"{'up to' if s.at_least else 'as little as'} {best_share:.1%} could be reached with the places "
                   f"filled, but not at a cost in quality and other targets below the penalty of {s.penalty:g} per "
                   "person; raise the penalty or make the target hard")
        out.append(Binding(constraint=s.code, kind="hard" if s.hard else "soft", required=s.share, reached=share,
                           shortfall=float(short), explanation=f"{head}: {why}"))
    if chosen is None and hard_ok and not any(b.kind == "hard" for b in out):
        # A conflict between targets: counted in targets (all of them required, not all reachable together).
        out.append(Binding(
            constraint=", ".join(hard_ok), kind="hard", required=float(len(hard_ok)), reached=0.0,
            shortfall=float(len(hard_ok)),
            explanation=f"hard targets {', '.join(hard_ok)}: each can be met alone with the {places:,} places "
                        "filled, but not all of them together"))
    return out


def cell_bindings(cells: pl.DataFrame) -> list[Binding]:
    """Quota cells that could not be filled for want of candidates (``cells`` is the fill table)."""
    out = []
    short = cells.filter(pl.col("available") < pl.col("quota")).sort(
        pl.col("quota") - pl.col("available"), "source_region", "union", descending=[True, False, False])
    for row in short.iter_rows(named=True):
        name = f"{row['source_region']}{_CELL}{row['union']}"
        text = f"{name}: {row['candidates']:,} candidates for a quota of {row['quota']:,}"
        if row["available"] < row["candidates"]:
            text += f"; factory sub-quotas let only {row['available']:,} of them go"
        out.append(Binding(constraint=f"quota {name}", kind="hard", required=float(row["quota"]),
                           reached=float(row["selected"]), shortfall=float(row["quota"] - row["selected"]),
                           explanation=text))
    return out


def factory_binding(problem: Problem, chosen: Bools, factory_ids: list[str]) -> Binding | None:
    """One summary of the factory sub-quotas that kept better candidates out, if any did."""
    capped = problem.factory >= 0
    if not capped.any() or not chosen.any():
        return None
    fac = np.maximum(problem.factory, 0)
    taken = np.bincount(problem.factory[capped & chosen], minlength=problem.factory_quota.size)
    full = capped & (taken[fac] >= problem.factory_quota[fac])
    worst = np.full(problem.cell_quota.size, np.inf)
    np.minimum.at(worst, problem.cell[chosen], problem.quality[chosen])
    filled = np.bincount(problem.cell[chosen], minlength=problem.cell_quota.size)
    cell_short = filled[problem.cell] < problem.cell_quota[problem.cell]
    kept_out = full & ~chosen & ((problem.quality > worst[problem.cell]) | cell_short)
    if not kept_out.any():
        return None
    factories = np.unique(problem.factory[kept_out])
    per = np.bincount(problem.factory[kept_out], minlength=problem.factory_quota.size)
    top = int(factories[np.argmax(per[factories])])
    example = (f"e.g. {factory_ids[top]}: sub-quota {int(problem.factory_quota[top]):,}, "
               f"{int(per[top]):,} such candidates left out")
    return Binding(
        constraint="factory sub-quotas", kind="hard", required=float(problem.factory_quota[factories].sum()),
        reached=float(taken[factories].sum()), shortfall=float(kept_out.sum()),
        explanation=f"factory sub-quotas: {factories.size:,} factories are at their sub-quota while "
                    f"{int(kept_out.sum()):,} of their candidates, better than someone selected in the same cell "
                    f"(or in a cell left short), are left out ({example})")
