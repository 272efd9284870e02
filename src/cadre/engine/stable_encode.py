"""Stable placement, the tables: three preference tables checked at once and encoded as integer arrays.

An instance is three frames. ``volunteer_prefs`` (person_id, post_id, rank): each volunteer's list of the
posts they would take, ranks 1..k, 1 best. ``post_prefs`` (post_id, person_id, rank): each post's list of
the candidates it would take, ranks 1..k. ``capacities`` (post_id, capacity): how many volunteers a post
takes, at least 1. Lists may be partial: a volunteer takes only posts they rank, a post only candidates
it ranks, so a pair is acceptable only when both rank each other.

Every problem of the three tables is found in one pass and raised together as a
:class:`PreferencesError`, whose ``problems`` frame names the table, the row (1-based, the header not
counted), the column and the value. The volunteers are those who appear in ``volunteer_prefs``; the posts
are those in ``capacities``. A post may rank a volunteer who does not rank it (that pair is simply not
acceptable), but not a person who ranks no post at all: that id is unknown.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt
import polars as pl

from cadre.engine.stable_kernel import (
    DUPLICATE_PAIR,
    DUPLICATE_RANK,
    RANK_OUT_OF_RANGE,
    Lists,
    group_lists,
    rank_by_post,
)

__all__ = ["PROBLEM_SCHEMA", "Encoded", "PreferencesError", "StableInstance", "StableIssue", "encode"]

I64 = npt.NDArray[np.int64]

PERSON, POST, RANK, CAPACITY = "person_id", "post_id", "rank", "capacity"
VOLUNTEER_PREFS, POST_PREFS, CAPACITIES = "volunteer_prefs", "post_prefs", "capacities"
COLUMNS: dict[str, tuple[str, ...]] = {
    VOLUNTEER_PREFS: (PERSON, POST, RANK),
    POST_PREFS: (POST, PERSON, RANK),
    CAPACITIES: (POST, CAPACITY),
}
_SHOWN = 20  # problems quoted in the exception's message; ``problems`` holds them all


class StableIssue(StrEnum):
    """Why a row or a column of a preference table is not accepted."""

    MISSING_COLUMN = "missing_column"
    MISSING_VALUE = "missing_value"
    NOT_AN_INTEGER = "not_an_integer"
    NOT_POSITIVE = "not_positive"  # a rank or a capacity below 1
    UNKNOWN_POST = "unknown_post"  # not in capacities
    UNKNOWN_PERSON = "unknown_person"  # ranked by a post, but ranks no post
    DUPLICATE_POST = "duplicate_post"  # capacities lists a post twice
    DUPLICATE_PAIR = "duplicate_pair"  # a list names the same post (or person) twice
    DUPLICATE_RANK = "duplicate_rank"  # a list gives the same rank twice
    RANK_OUT_OF_RANGE = "rank_out_of_range"  # a list of k entries must use ranks 1..k


PROBLEM_SCHEMA: dict[str, pl.DataType] = {
    "table": pl.String(),
    "row": pl.Int64(),  # 1-based data row (the header is not counted); null for a problem of a whole column
    "column": pl.String(),
    "value": pl.String(),
    "code": pl.String(),
    "message": pl.String(),
}


class PreferencesError(ValueError):
    """Preference tables that cannot be solved. ``problems`` (see ``PROBLEM_SCHEMA``) lists every problem."""

    def __init__(self, problems: pl.DataFrame) -> None:
        lines = [f"{t} row {r if r is not None else '-'}, column {c}: {m}"
                 for t, r, c, m in problems.head(_SHOWN).select("table", "row", "column", "message").iter_rows()]
        more = f"\n  ... and {problems.height - _SHOWN:,} more" if problems.height > _SHOWN else ""
        super().__init__(f"{problems.height:,} problem(s) in the preference tables:\n  " + "\n  ".join(lines) + more)
        self.problems = problems


@dataclass(frozen=True, slots=True, kw_only=True)
class StableInstance:
    """The three tables of a stable-placement instance (see the module docstring for their columns)."""

    volunteer_prefs: pl.DataFrame
    post_prefs: pl.DataFrame
    capacities: pl.DataFrame


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Encoded:
    """An instance as arrays. Volunteer ``v`` is ``person_ids[v]``, post ``p`` is ``post_ids[p]``.

    Volunteer ``v``'s list is the arcs ``indptr[v]:indptr[v + 1]``, best first (so an arc's volunteer rank
    is its position in the list plus one); ``arc_post`` is the post of each arc and ``arc_prank`` the rank
    that post gives the volunteer, -1 where the post does not rank them.
    """

    person_ids: pl.Series
    post_ids: pl.Series
    capacity: I64
    indptr: I64
    arc_post: I64
    arc_prank: I64

    @property
    def arc_person(self) -> I64:
        return np.repeat(np.arange(self.indptr.shape[0] - 1, dtype=np.int64), np.diff(self.indptr))

    @property
    def arc_vrank(self) -> I64:
        return np.arange(self.arc_post.shape[0], dtype=np.int64) - self.indptr[self.arc_person] + 1


def _problems(table: str, frame: pl.DataFrame, mask: pl.Series, column: str, code: StableIssue,
              message: pl.Expr) -> pl.DataFrame:
    """The rows of ``frame`` under ``mask`` as problems; ``message`` may use the frame's columns."""
    return (
        frame.with_row_index("row", offset=1).filter(mask)
        .select(table=pl.lit(table), row=pl.col("row").cast(pl.Int64), column=pl.lit(column),
                value=pl.col(column).cast(pl.String), code=pl.lit(code.value), message=message)
    )


def _missing(table: str, frame: pl.DataFrame, column: str) -> list[pl.DataFrame]:
    mask = frame.get_column(column).is_null()
    if not mask.any():
        return []
    return [_problems(table, frame, mask, column, StableIssue.MISSING_VALUE, pl.lit(f"{column} is empty"))]


def _integer(table: str, frame: pl.DataFrame, column: str) -> tuple[I64, list[pl.DataFrame]]:
    """A column as integers, 0 where missing or not an integer; text files give ranks as text."""
    raw = frame.get_column(column)
    if raw.dtype.is_integer():
        parsed = raw.cast(pl.Int64)
    elif raw.dtype.is_float():
        parsed = pl.select(pl.when(raw.is_finite() & (raw == raw.floor())).then(raw).cast(pl.Int64)).to_series()
    elif raw.dtype == pl.String:
        parsed = raw.str.strip_chars().cast(pl.Int64, strict=False)
    else:
        parsed = raw.cast(pl.Int64, strict=False)
    found = _missing(table, frame, column)
    bad = raw.is_not_null() & parsed.is_null()
    if bad.any():
        found.append(_problems(table, frame, bad, column, StableIssue.NOT_AN_INTEGER,
                               pl.format("{} is not an integer", pl.col(column).cast(pl.String))))
    small = parsed.fill_null(1) < 1
    if small.any():
        found.append(_problems(table, frame, small, column, StableIssue.NOT_POSITIVE,
                               pl.format(f"{column} must be at least 1, not {{}}", pl.col(column).cast(pl.String))))
    return parsed.fill_null(0).clip(lower_bound=0).to_numpy().astype(np.int64, copy=False), found


def id_codes(ids: pl.Series, universe: pl.Series) -> I64:
    """Dense integer codes of ``ids`` in ``universe`` (sorted, unique); -1 for unknown or missing ids."""
    if ids.dtype == pl.String and universe.dtype == pl.String:
        # Casting text to an enum of the universe is a plain hash lookup: the fastest path polars offers.
        found = ids.cast(pl.Enum(universe), strict=False).to_physical().cast(pl.Int64)
    else:
        codes = pl.int_range(universe.len(), eager=True, dtype=pl.Int64)
        found = ids.replace_strict(universe, codes, default=None, return_dtype=pl.Int64)
    return found.fill_null(-1).to_numpy()


def _unknown(table: str, frame: pl.DataFrame, column: str, codes: I64, code: StableIssue, why: str
             ) -> list[pl.DataFrame]:
    mask = pl.Series(codes < 0) & frame.get_column(column).is_not_null()
    if not mask.any():
        return []
    return [_problems(table, frame, mask, column, code,
                      pl.format(f"{column} {{}} {why}", pl.col(column).cast(pl.String)))]


def _list_problems(table: str, frame: pl.DataFrame, lists: Lists, owner: I64) -> list[pl.DataFrame]:
    """Duplicate pairs, duplicate ranks and ranks above the list's length, each naming the clashing row."""
    if not lists.flags.any():
        return []
    own, other = COLUMNS[table][0], COLUMNS[table][1]
    who, what = ("person", "post") if table == VOLUNTEER_PREFS else ("post", "person")
    lengths = np.diff(lists.indptr)[np.maximum(owner, 0)]
    extended = frame.with_columns(
        __pair=pl.Series(lists.pair_clash + 1), __rank=pl.Series(lists.rank_clash + 1), __k=pl.Series(lengths)
    )
    flags = pl.Series(lists.flags)
    found = []
    for bit, column, code, message in (
        (DUPLICATE_PAIR, other, StableIssue.DUPLICATE_PAIR,
         pl.format(f"{who} {{}} ranks {what} {{}} more than once (also at row {{}})", own, other, "__pair")),
        (DUPLICATE_RANK, RANK, StableIssue.DUPLICATE_RANK,
         pl.format(f"{who} {{}} gives rank {{}} twice (also at row {{}})", own, RANK, "__rank")),
        (RANK_OUT_OF_RANGE, RANK, StableIssue.RANK_OUT_OF_RANGE,
         pl.format(f"{who} {{}} ranks {{}} {what}(s), so ranks must be 1..{{}}; got {{}}", own, "__k", "__k", RANK)),
    ):
        mask = (flags & bit) != 0
        if mask.any():
            found.append(_problems(table, extended, mask, column, code, message))
    return found


def _unify_ids(frames: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """One dtype per id across the tables: text wherever two tables disagree (CSV beside Parquet)."""
    for column in (PERSON, POST):
        dtypes = {f.schema[column] for f in frames.values() if column in f.columns}
        if len(dtypes) > 1:
            frames = {t: f.with_columns(pl.col(column).cast(pl.String)) if column in f.columns else f
                      for t, f in frames.items()}
    return frames


def encode(instance: StableInstance) -> Encoded:
    """Check the three tables and encode them as arrays; raise :class:`PreferencesError` listing every problem."""
    given = {VOLUNTEER_PREFS: instance.volunteer_prefs, POST_PREFS: instance.post_prefs,
             CAPACITIES: instance.capacities}
    absent = [
        {"table": t, "row": None, "column": c, "value": None, "code": StableIssue.MISSING_COLUMN.value,
         "message": f"no column {c!r} (the table has: {', '.join(f.columns) or 'no columns'})"}
        for t, f in given.items() for c in COLUMNS[t] if c not in f.columns
    ]
    if absent:
        raise PreferencesError(pl.DataFrame(absent, schema=PROBLEM_SCHEMA))
    frames = _unify_ids({t: f.select(COLUMNS[t]) for t, f in given.items()})
    vp, pp, cp = frames[VOLUNTEER_PREFS], frames[POST_PREFS], frames[CAPACITIES]

    found = [*_missing(VOLUNTEER_PREFS, vp, PERSON), *_missing(VOLUNTEER_PREFS, vp, POST),
             *_missing(POST_PREFS, pp, POST), *_missing(POST_PREFS, pp, PERSON), *_missing(CAPACITIES, cp, POST)]
    vrank, bad = _integer(VOLUNTEER_PREFS, vp, RANK)
    found += bad
    prank, bad = _integer(POST_PREFS, pp, RANK)
    found += bad
    capacity, bad = _integer(CAPACITIES, cp, CAPACITY)
    found += bad
    twice = cp.get_column(POST).is_duplicated() & cp.get_column(POST).is_not_null()
    if twice.any():
        found.append(_problems(CAPACITIES, cp, twice, POST, StableIssue.DUPLICATE_POST,
                               pl.format("post {} has more than one capacity row", POST)))

    persons = vp.get_column(PERSON).drop_nulls().unique().sort()
    posts = cp.get_column(POST).drop_nulls().unique().sort()
    v_person, v_post = id_codes(vp.get_column(PERSON), persons), id_codes(vp.get_column(POST), posts)
    p_post, p_person = id_codes(pp.get_column(POST), posts), id_codes(pp.get_column(PERSON), persons)
    found += _unknown(VOLUNTEER_PREFS, vp, POST, v_post, StableIssue.UNKNOWN_POST, "is not in capacities")
    found += _unknown(POST_PREFS, pp, POST, p_post, StableIssue.UNKNOWN_POST, "is not in capacities")
    found += _unknown(POST_PREFS, pp, PERSON, p_person, StableIssue.UNKNOWN_PERSON,
                      "ranks no post in volunteer_prefs")

    volunteer_lists = group_lists(v_person, v_post, vrank, n_owner=persons.len(), n_other=posts.len())
    post_lists = group_lists(p_post, p_person, prank, n_owner=posts.len(), n_other=persons.len())
    found += _list_problems(VOLUNTEER_PREFS, vp, volunteer_lists, v_person)
    found += _list_problems(POST_PREFS, pp, post_lists, p_post)
    if found:
        raise PreferencesError(pl.concat(found).sort("table", "row", "column", nulls_last=False))

    # Capacities in the order of ``posts``: with no problem left, the capacity ids are unique and present,
    # so sorting them gives ``posts`` itself (cheaper than looking each one up).
    by_post = capacity[cp.get_column(POST).arg_sort().to_numpy()]
    arc_post = v_post[volunteer_lists.slot]
    arc_prank = rank_by_post(volunteer_lists.indptr, arc_post, post_lists.indptr, p_person[post_lists.slot],
                             n_person=persons.len())
    return Encoded(person_ids=persons, post_ids=posts, capacity=by_post, indptr=volunteer_lists.indptr,
                   arc_post=arc_post, arc_prank=arc_prank)
