"""Retention: Kaplan-Meier survival and the competing cumulative incidences of the exit channels."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cadre.engine.analytics import ExitChannel, cumulative_incidence, kaplan_meier

D = date(1930, 2, 1)
AS_OF = date(1930, 3, 2)  # day 29 for those who started on D


def day(n: int) -> date:
    return D + timedelta(days=n)


def outcomes(rows: list[tuple[str, date, date | None, str | None, str]]) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema={
            "person_id": pl.String,
            "start": pl.Date,
            "end": pl.Date,
            "channel": pl.String,
            "region": pl.String,
        },
        orient="row",
    )


# Seven people: an exit on the first day, two exits of different channels on the same day, a censoring
# between exits (D started late), an exit after as_of (F: censored at as_of), and G who starts after as_of.
TINY = outcomes(
    [
        ("A", D, day(0), "removed_by_officials", "LEN"),
        ("B", D, day(10), "recalled", "LEN"),
        ("C", D, day(10), "deserted", "MOS"),
        ("D", day(20), None, None, "MOS"),
        ("E", D, day(20), "study", "LEN"),
        ("F", D, date(1930, 6, 1), "recalled", "MOS"),
        ("G", date(1930, 4, 1), None, None, "MOS"),
    ]
)


def check(frame: pl.DataFrame, as_of: date, by: str | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Fit both estimators and check what must hold of any outcomes frame.

    Survival lies in [0, 1], never rises and sits inside its interval; every incidence never falls; and on
    every day the incidences of all channels add up to one minus the survival.
    """
    km = kaplan_meier(frame, as_of=as_of, by=by)
    cif = cumulative_incidence(frame, as_of=as_of, by=by)
    for _, curve in km.group_by("group", maintain_order=True):
        survival = curve["survival"].to_numpy()
        assert ((survival >= 0) & (survival <= 1)).all()
        assert (np.diff(survival) <= 1e-12).all()
        assert (curve["ci_low"].fill_null(0) <= curve["survival"] + 1e-12).all()
        assert (curve["survival"] <= curve["ci_high"].fill_null(1) + 1e-12).all()
    for _, curve in cif.group_by("group", "channel", maintain_order=True):
        assert (np.diff(curve["cif"].to_numpy()) >= -1e-12).all()
    sums = cif.group_by("group", "day").agg(pl.col("cif").sum()).join(km, on=["group", "day"], how="full")
    assert sums.height == km.height
    assert sums["cif"].to_numpy() == pytest.approx(1 - sums["survival"].to_numpy(), abs=1e-9)
    return km, cif


def test_kaplan_meier_by_hand() -> None:
    km, _ = check(TINY, AS_OF)
    # Day 0: 6 at risk (G has not started), A leaves. Day 9: D is censored. Day 10: 4 at risk, B and C
    # leave. Day 20: E and F at risk, E leaves. Day 29: F is censored (its exit lies after as_of).
    assert km.columns == ["group", "day", "at_risk", "survival", "ci_low", "ci_high"]
    assert km.select("group", "day", "at_risk").rows() == [
        ("total", 0, 6),
        ("total", 9, 5),
        ("total", 10, 4),
        ("total", 20, 2),
        ("total", 29, 1),
    ]
    assert km["survival"].to_list() == pytest.approx([5 / 6, 5 / 6, 5 / 12, 5 / 24, 5 / 24])


def test_cumulative_incidence_by_hand() -> None:
    _, cif = check(TINY, AS_OF)
    assert cif.columns == ["group", "day", "channel", "cif"]
    assert cif.height == 5 * len(ExitChannel)
    last = dict(cif.filter(pl.col("day") == 29).select("channel", "cif").iter_rows())
    assert list(last) == [c.value for c in ExitChannel]
    # Each exit adds S(t-) / at_risk(t) to its own channel.
    assert last == pytest.approx(
        {c.value: 0.0 for c in ExitChannel}
        | {"removed_by_officials": 1 / 6, "recalled": 5 / 24, "deserted": 5 / 24, "study": 5 / 24}
    )


def test_by_group_and_on_chosen_days() -> None:
    km, _ = check(TINY, AS_OF, by="region")
    assert km.filter(pl.col("group") == "LEN")["survival"].to_list() == pytest.approx([2 / 3, 1 / 3, 0.0])
    chosen = kaplan_meier(TINY, as_of=AS_OF, timeline_days=[365, 5, 0])
    assert chosen.select("day", "at_risk").rows() == [(0, 6), (5, 5), (365, 0)]
    assert chosen["survival"].to_list() == pytest.approx([5 / 6, 5 / 6, 5 / 24])
    incidence = cumulative_incidence(TINY, as_of=AS_OF, timeline_days=[5, 15])
    assert incidence.filter(pl.col("channel") == "recalled")["cif"].to_list() == pytest.approx([0, 5 / 24])


def test_the_result_is_deterministic_and_leaves_numpy_alone() -> None:
    ties = pl.concat([TINY, TINY.with_columns(pl.col("person_id") + "2")])
    state = np.random.get_state()
    first = cumulative_incidence(ties, as_of=AS_OF)
    assert cumulative_incidence(ties, as_of=AS_OF).equals(first)
    after = np.random.get_state()
    assert all(np.array_equal(a, b) for a, b in zip(state, after, strict=True))


def test_nobody_at_risk_gives_empty_frames() -> None:
    km = kaplan_meier(TINY, as_of=date(1929, 1, 1))
    assert km.height == 0
    assert km.columns == ["group", "day", "at_risk", "survival", "ci_low", "ci_high"]
    assert cumulative_incidence(TINY, as_of=date(1929, 1, 1)).height == 0


def test_malformed_outcomes_are_refused() -> None:
    with pytest.raises(ValueError, match=r"'channel'.*person_id.*A"):
        kaplan_meier(
            TINY.with_columns(pl.col("channel").replace("removed_by_officials", "purged")), as_of=AS_OF
        )
    with pytest.raises(ValueError, match="negative"):
        kaplan_meier(TINY, as_of=AS_OF, timeline_days=[-1, 3])


channels = st.sampled_from([c.value for c in ExitChannel])
person = st.tuples(
    st.integers(0, 20), st.integers(0, 40), channels | st.none(), st.sampled_from(["LEN", "MOS"])
)


@settings(max_examples=25)
@given(people=st.lists(person, min_size=1, max_size=25))
def test_curves_are_proper_for_any_outcomes(people: list[tuple[int, int, str | None, str]]) -> None:
    frame = outcomes(
        [
            (f"p{i}", day(start), None if channel is None else day(start + length), channel, region)
            for i, (start, length, channel, region) in enumerate(people)
        ]
    )
    check(frame, day(45), by="region")
