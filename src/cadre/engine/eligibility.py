"""Eligibility: a rulebook evaluated over a table of personal files in one vectorized pass.

Every criterion compiles to one polars expression; the reasons of a person are the codes of the criteria
they fail, in rulebook order, so they are stable for the same rulebook and file. The rulebook's reference is
stored with every result, so any decision can be recomputed and explained later.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from cadre.engine.rulebook import Rulebook

__all__ = ["Eligibility", "TargetCheck", "check_targets", "evaluate"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Eligibility:
    """Per person: ``eligible`` and the ``reasons`` (failed criterion codes); plus the rulebook used."""

    frame: pl.DataFrame  # person_id, eligible, reasons (list of codes), rulebook
    rulebook: Rulebook

    @property
    def eligible_count(self) -> int:
        return int(self.frame.get_column("eligible").sum())

    def reason_counts(self) -> pl.DataFrame:
        """For every criterion: how many failed it, how many failed it alone, and the share failing it.

        Criteria nobody failed are listed too (with zeros), so a table of reasons always has every rule.
        """
        n = max(self.frame.height, 1)
        exploded = self.frame.select(
            pl.col("reasons"), pl.col("reasons").list.len().alias("k")
        ).explode("reasons").drop_nulls("reasons")
        counts = exploded.group_by("reasons").agg(
            pl.len().alias("failed"), (pl.col("k") == 1).sum().alias("failed_alone")
        )
        rules = pl.DataFrame(
            {
                "code": [c.code for c in self.rulebook.criteria],
                "label": [c.label for c in self.rulebook.criteria],
                "historical": [c.historical for c in self.rulebook.criteria],
            }
        )
        return (
            rules.join(counts.rename({"reasons": "code"}), on="code", how="left", maintain_order="left")
            .with_columns(pl.col("failed", "failed_alone").fill_null(0).cast(pl.Int64))
            .with_columns((pl.col("failed") / n).alias("share"))
        )


def evaluate(files: pl.DataFrame, rulebook: Rulebook) -> Eligibility:
    """Evaluate every criterion of ``rulebook`` over validated personal files.

    ``files`` must hold the columns the rulebook refers to, typed as :func:`cadre.engine.validation.validate`
    returns them. A missing value fails a criterion unless the criterion says ``missing = "pass"``.
    """
    codes = [c.code for c in rulebook.criteria]
    # Failures are packed into one integer per person (bit i = criterion i failed); the few distinct
    # patterns are then turned into lists of codes once each and joined back. Building a list per row
    # directly is an order of magnitude slower at campaign scale.
    bits = [pl.when(c.passes()).then(0).otherwise(1 << i).cast(pl.Int64) for i, c in enumerate(rulebook.criteria)]
    masks = files.select(pl.col("person_id"), pl.sum_horizontal(bits).alias("_mask") if bits else pl.lit(0).alias("_mask"))
    patterns = masks.get_column("_mask").unique().to_list()
    lookup = pl.DataFrame(
        {
            "_mask": patterns,
            "reasons": [[code for i, code in enumerate(codes) if m >> i & 1] for m in patterns],
        },
        schema={"_mask": pl.Int64, "reasons": pl.List(pl.String)},
    )
    frame = (
        masks.join(lookup, on="_mask", how="left", maintain_order="left")
        .select(
            "person_id",
            (pl.col("_mask") == 0).alias("eligible"),
            "reasons",
            pl.lit(rulebook.ref).alias("rulebook"),
        )
    )
    return Eligibility(frame=frame, rulebook=rulebook)


@dataclass(frozen=True, slots=True, kw_only=True)
class TargetCheck:
    """How a cohort stands against the rulebook's targets: one row per target."""

    frame: pl.DataFrame  # code, label, hard, count, share, min_share, max_share, met, shortfall

    @property
    def all_met(self) -> bool:
        return bool(self.frame.get_column("met").all())


def check_targets(cohort: pl.DataFrame, rulebook: Rulebook) -> TargetCheck:
    """Measure a cohort (the selected) against every cohort-level target of the rulebook.

    ``shortfall`` is the number of people by which the cohort misses a bound: for a minimum, how many more
    people meeting the condition it would need at its size; for a maximum, how many fewer.
    """
    n = cohort.height
    counts = cohort.select(
        [t.condition.expr().fill_null(False).sum().alias(t.code) for t in rulebook.targets]
    ) if rulebook.targets else pl.DataFrame()
    rows = []
    for t in rulebook.targets:
        count = int(counts.get_column(t.code)[0]) if n else 0
        share = count / n if n else 0.0
        short = 0
        if t.min_share is not None and share < t.min_share:
            short = max(short, _ceil(t.min_share * n - count))
        if t.max_share is not None and share > t.max_share:
            short = max(short, _ceil(count - t.max_share * n))
        rows.append({
            "code": t.code, "label": t.label, "hard": t.hard, "count": count, "share": share,
            "min_share": t.min_share, "max_share": t.max_share, "met": short == 0, "shortfall": short,
        })
    schema = {"code": pl.String, "label": pl.String, "hard": pl.Boolean, "count": pl.Int64, "share": pl.Float64,
              "min_share": pl.Float64, "max_share": pl.Float64, "met": pl.Boolean, "shortfall": pl.Int64}
    return TargetCheck(frame=pl.DataFrame(rows, schema=schema))


def _ceil(x: float) -> int:
    # Shares are computed in floating point; a cohort exactly at its bound must not read as one short.
    return max(0, int(-(-round(x, 9) // 1)))
