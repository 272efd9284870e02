"""Control figures by source region x union, built from the two marginal quotas that a record gives.

The Central Council of Trade Unions published quotas by region and by union (SYSTEM.md §3.1); the cells of
region x union were set by the regions when they pushed the figures down to their factories, and the record
does not keep them. :func:`fit_quotas` builds such a table: iterative proportional fitting (raking) of a seed
pattern to both marginals, then *controlled rounding*, so that every cell is a whole number and every row and
column adds up exactly to its marginal.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import polars as pl
from scipy.optimize import linprog

from cadre.engine.selection_input import (
    SelectionInputError,
    count_column,
    duplicates,
    missing_columns,
    numbered,
    row_list,
)

__all__ = ["fit_quotas"]

_MAX_ITERATIONS = 10_000


def _marginal(frame: pl.DataFrame, key: str, what: str) -> tuple[list[str], npt.NDArray[np.float64]]:
    problems = missing_columns(frame, (key, "quota"))
    if problems:
        raise SelectionInputError(what, problems)
    table = count_column(numbered(frame.select(pl.col(key).cast(pl.String), "quota")), "quota", problems)
    nulls = table.filter(pl.col(key).is_null() | pl.col("quota").is_null()).get_column("__row").to_list()
    if nulls:
        problems.append(f"{row_list(nulls)}: a key or a quota is missing")
    problems += duplicates(table, (key,), f"the {key} {{!r}}")
    if problems:
        raise SelectionInputError(what, problems)
    return table.get_column(key).to_list(), table.get_column("quota").to_numpy().astype(np.float64)


def _seed(seed: pl.DataFrame | None, regions: list[str], unions: list[str]) -> npt.NDArray[np.float64]:
    if seed is None:
        return np.ones((len(regions), len(unions)))
    problems = missing_columns(seed, ("source_region", "union", "weight"))
    if problems:
        raise SelectionInputError("seed", problems)
    frame = numbered(seed.select(pl.col("source_region", "union").cast(pl.String), pl.col("weight").cast(pl.Float64)))
    bad = frame.filter(pl.col("weight").is_null() | pl.col("weight").is_nan() | (pl.col("weight") < 0)
                       | ~pl.col("source_region").is_in(regions) | ~pl.col("union").is_in(unions))
    if bad.height:
        problems.append(f"{row_list(bad.get_column('__row').to_list())}: each row needs a region and a union "
                        "of the marginals and a weight >= 0")
    problems += duplicates(frame, ("source_region", "union"), "the cell {} × {}")
    if problems:
        raise SelectionInputError("seed", problems)
    matrix = np.zeros((len(regions), len(unions)))
    r = np.array([regions.index(x) for x in frame.get_column("source_region").to_list()], dtype=np.int64)
    u = np.array([unions.index(x) for x in frame.get_column("union").to_list()], dtype=np.int64)
    matrix[r, u] = frame.get_column("weight").to_numpy()
    return matrix


def _rake(seed: npt.NDArray[np.float64], rows: npt.NDArray[np.float64], cols: npt.NDArray[np.float64]
          ) -> npt.NDArray[np.float64]:
    """Iterative proportional fitting: scale rows and columns in turn until both marginals hold."""
    m = seed.copy()
    for _ in range(_MAX_ITERATIONS):
        have = m.sum(axis=1)
        m *= np.divide(rows, have, out=np.zeros_like(rows), where=have > 0)[:, None]
        have = m.sum(axis=0)
        m *= np.divide(cols, have, out=np.zeros_like(cols), where=have > 0)[None, :]
        if np.abs(m.sum(axis=1) - rows).max(initial=0.0) < 1e-9 * max(1.0, rows.sum()):
            break
    return m


def _round(fitted: npt.NDArray[np.float64], rows: npt.NDArray[np.float64], cols: npt.NDArray[np.float64]
           ) -> npt.NDArray[np.int64] | None:
    """Round every cell down or up so that rows and columns add up exactly; None if no rounding does.

    Which cells go up is a transportation problem with unit capacities (a totally unimodular matrix, so its
    basic solutions are whole numbers), maximizing the fractional parts rounded up: the rounding closest to
    the fit. Only cells with a positive fitted value may go up, so the seed's zero cells stay zero.
    """
    floor = np.floor(fitted + 1e-9)
    frac = np.clip(fitted - floor, 0.0, 1.0)
    need_r = np.rint(rows - floor.sum(axis=1))
    need_c = np.rint(cols - floor.sum(axis=0))
    open_r, open_c = np.nonzero(fitted > 1e-12)
    if need_r.min(initial=0) < 0 or need_c.min(initial=0) < 0 or need_r.sum() != need_c.sum():
        return None
    k = open_r.size
    if need_r.sum() == 0:
        return floor.astype(np.int64)
    if k == 0:
        return None
    n_r, n_c = fitted.shape
    a_eq = np.zeros((n_r + n_c, k))
    a_eq[open_r, np.arange(k)] = 1.0
    a_eq[n_r + open_c, np.arange(k)] = 1.0
    res = linprog(-frac[open_r, open_c], A_eq=a_eq, b_eq=np.concatenate([need_r, need_c]), bounds=(0, 1),
                  method="highs-ds")
    if res.status != 0:
        return None
    out = floor.copy()
    out[open_r, open_c] += np.rint(res.x)
    return out.astype(np.int64)


def fit_quotas(by_region: pl.DataFrame, by_union: pl.DataFrame, *, seed: pl.DataFrame | None = None) -> pl.DataFrame:
    """A region x union table of whole quotas whose rows and columns add up exactly to the marginals.

    ``by_region`` has columns source_region, quota; ``by_union`` has union, quota; both must add up to the
    same total. ``seed`` (source_region, union, weight >= 0) is the pattern the cells follow, e.g. the number
    of candidates per cell, so that quotas go where the volunteers are; without it every cell weighs the
    same and a cell's quota is about region quota x union quota / total. A cell the seed leaves out (or
    gives weight 0) gets no quota. Returns source_region, union, quota (Int64): every cell, in the order of
    the marginals. Raises :class:`SelectionInputError` for bad marginals, or when the seed's zero cells
    leave no way to meet both marginals.
    """
    regions, rows = _marginal(by_region, "source_region", "region quotas")
    unions, cols = _marginal(by_union, "union", "union quotas")
    if rows.sum() != cols.sum():
        raise SelectionInputError("quotas", [
            f"the region quotas add up to {rows.sum():,.0f} and the union quotas to {cols.sum():,.0f}; "
            "both marginals must have the same total"])
    weights = _seed(seed, regions, unions)
    empty_r = [regions[i] for i in np.nonzero((rows > 0) & (weights.sum(axis=1) == 0))[0]]
    empty_c = [unions[j] for j in np.nonzero((cols > 0) & (weights.sum(axis=0) == 0))[0]]
    if empty_r or empty_c:
        raise SelectionInputError("seed", [
            f"{', '.join(empty_r + empty_c)} {'has' if len(empty_r + empty_c) == 1 else 'have'} a quota but no "
            "weight in any cell of the seed, so no table can follow the seed"])
    rounded = _round(_rake(weights, rows, cols), rows, cols)
    if rounded is None:
        raise SelectionInputError("seed", [
            "the seed's empty cells leave no table that meets both marginals; give those cells some weight"])
    return pl.DataFrame({
        "source_region": np.repeat(np.array(regions, dtype=object), len(unions)).tolist(),
        "union": np.tile(np.array(unions, dtype=object), len(regions)).tolist(),
        "quota": rounded.ravel(),
    }, schema={"source_region": pl.String, "union": pl.String, "quota": pl.Int64})
