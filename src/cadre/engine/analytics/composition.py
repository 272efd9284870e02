"""The composition of a body of workers: sex, age band, party status and years at the factory.

Two presentations of the same numbers: :func:`composition` lays them out as the record's table of 1930
(``record/data/composition_1930_ussr.csv``: measure, category, percent), so that a campaign can be set
beside the record row by row; :func:`composition_shares` gives the twin's SHARES (SYSTEM.md §6) as
fractions. Both read the bands from :data:`CATEGORIES`, so that they can never disagree on an edge.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import polars as pl

from cadre.engine.analytics._checks import describe_ids, require_columns
from cadre.engine.schema import PartyStatus, Sex

__all__ = ["CATEGORIES", "Category", "Measure", "composition", "composition_shares"]


class Measure(StrEnum):
    """The measures of the record's composition table, with its labels."""

    SEX = "sex"
    AGE = "age"
    PARTY = "party"
    FACTORY_EXPERIENCE = "factory_experience"


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Category:
    """One row of the composition table: a measure, the record's label, the twin's key, and the test."""

    measure: Measure
    label: str  # exactly as in the record's table
    share: str | None  # the key in the twin's SHARES; None for a category the twin does not report
    test: pl.Expr  # true for the files in the category, null where the measure is unknown


_AGE = pl.col("age")
_YEARS = pl.col("years_at_factory")
_PARTY = pl.col("party_status")
_SEX = pl.col("sex")

CATEGORIES: tuple[Category, ...] = (
    Category(measure=Measure.SEX, label="male", share=None, test=_SEX.eq(Sex.MALE.value)),
    Category(measure=Measure.SEX, label="female", share="female", test=_SEX.eq(Sex.FEMALE.value)),
    Category(measure=Measure.AGE, label="under 23", share="age_lt23", test=_AGE < 23),
    Category(measure=Measure.AGE, label="23-29", share="age_23_29", test=(_AGE >= 23) & (_AGE < 30)),
    Category(measure=Measure.AGE, label="30-39", share="age_30_39", test=(_AGE >= 30) & (_AGE < 40)),
    Category(measure=Measure.AGE, label="40 and over", share="age_40p", test=_AGE >= 40),
    Category(
        measure=Measure.PARTY,
        label="communist party member",
        share="party",
        test=_PARTY.eq(PartyStatus.PARTY.value),
    ),
    Category(
        measure=Measure.PARTY,
        label="komsomol member",
        share="komsomol",
        test=_PARTY.eq(PartyStatus.KOMSOMOL.value),
    ),
    Category(
        measure=Measure.PARTY, label="non-party", share="nonparty", test=_PARTY.eq(PartyStatus.NONPARTY.value)
    ),
    # Years at the bench are fractional; "5-12 years" takes everything from 5 up to and including 12.
    Category(measure=Measure.FACTORY_EXPERIENCE, label="under 5 years", share="exp_lt5", test=_YEARS < 5),
    Category(
        measure=Measure.FACTORY_EXPERIENCE,
        label="5-12 years",
        share="exp_5_12",
        test=(_YEARS >= 5) & (_YEARS <= 12),
    ),
    Category(measure=Measure.FACTORY_EXPERIENCE, label="over 12 years", share="exp_gt12", test=_YEARS > 12),
)

_COLUMNS = ("sex", "age", "party_status", "years_at_factory")
TOTAL = "total"
_GROUP = "__group"


def _check(files: pl.DataFrame, by: str | None) -> None:
    require_columns(files, [*_COLUMNS, by], what="files")
    # A value outside the vocabulary would fall in no category and the percents would not add up to 100;
    # the validation layer keeps such files out, so meeting one here is a caller's mistake.
    for column, allowed in (("sex", list(Sex)), ("party_status", list(PartyStatus))):
        unknown = files.filter(
            pl.col(column).is_not_null() & ~pl.col(column).is_in([str(v) for v in allowed])
        )
        if unknown.height:
            ids = unknown["person_id"] if "person_id" in files.columns else unknown[column]
            raise ValueError(
                f"files: column {column!r} has a value outside {allowed} for {describe_ids(ids)}"
            )
    if by is not None and files[by].null_count():
        raise ValueError(f"files: the grouping column {by!r} has null values")


def _fractions(files: pl.DataFrame, by: str | None) -> pl.DataFrame:
    """The fraction of files in each category, one column per category (by index), one row per group.

    The denominator of a measure is the number of files where that measure is known, so that a missing
    age does not count as a worker in no age band.
    """
    columns = [c.test.cast(pl.Float64).mean().alias(str(i)) for i, c in enumerate(CATEGORIES)]
    if by is None:
        return files.select(*columns, pl.len().cast(pl.Int64).alias("n"))
    return files.group_by(by).agg(*columns, pl.len().cast(pl.Int64).alias("n")).sort(by)


def composition(files: pl.DataFrame, *, by: str | None = None) -> pl.DataFrame:
    """The composition of ``files`` in the layout of the record's table of 1930.

    Without ``by``: the columns ``measure``, ``category`` and ``percent``, one row per category in the
    record's order. With ``by`` (e.g. ``"source_region"``): one percent column per group, named by its
    value and sorted, then ``total``, and a last row with ``measure`` ``"n"`` (``category`` null) that
    holds the number of files. Percents are not rounded and add up to 100 per measure; a measure known
    for nobody in a group is null. Raises ``ValueError`` on a missing column, a value of ``sex`` or
    ``party_status`` outside the schema, a null group, or a group named like a fixed column.
    """
    _check(files, by)
    # Row keys "0", "1", ... name the categories (as in _fractions) and "n" the count row.
    labels = pl.DataFrame(
        {
            "row": [*(str(i) for i in range(len(CATEGORIES))), "n"],
            "measure": [*(str(c.measure) for c in CATEGORIES), "n"],
            "category": [*(c.label for c in CATEGORIES), None],
        }
    )
    total = _percents(_fractions(files, None).with_columns(pl.lit(TOTAL).alias(_GROUP)))
    if by is None:
        return (
            labels.head(len(CATEGORIES))
            .join(total, on="row", maintain_order="left")
            .select("measure", "category", pl.col(TOTAL).alias("percent"))
        )
    groups = _fractions(files, by).with_columns(pl.col(by).cast(pl.String).alias(_GROUP)).drop(by)
    clashes = sorted(set(groups[_GROUP]) & {"row", "measure", "category", TOTAL})
    if clashes:
        raise ValueError(f"files: group value(s) {clashes} of {by!r} clash with the table's own columns")
    frame = labels.join(_percents(groups), on="row", how="left", maintain_order="left")
    return frame.join(total, on="row", how="left", maintain_order="left").drop("row")


def _percents(fractions: pl.DataFrame) -> pl.DataFrame:
    """Turn one row of fractions per group into one column of percents per group, keyed by ``row``."""
    return (
        fractions.with_columns(pl.exclude(_GROUP, "n") * 100, pl.col("n").cast(pl.Float64))
        .unpivot(index=_GROUP, variable_name="row")
        .pivot(on=_GROUP, index="row", values="value")
    )


def composition_shares(files: pl.DataFrame, *, by: str | None = None) -> pl.DataFrame:
    """The twin's SHARES of ``files`` (SYSTEM.md §6) as fractions in [0, 1], one row per group.

    Columns: ``by`` (when given; groups sorted), then ``female``, ``age_lt23``, ``age_23_29``,
    ``age_30_39``, ``age_40p``, ``party``, ``komsomol``, ``nonparty``, ``exp_lt5``, ``exp_5_12``,
    ``exp_gt12``. Without ``by``, one row for all files. A share whose measure is known for nobody is null.
    """
    _check(files, by)
    fractions = _fractions(files, by)
    keys = [by] if by else []
    return fractions.select(
        *keys, *(pl.col(str(i)).alias(c.share) for i, c in enumerate(CATEGORIES) if c.share is not None)
    )
