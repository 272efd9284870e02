"""Calibration: errors against the record, the scenario it writes, and (slow) a small ABC-SMC run."""

from __future__ import annotations

import copy

import numpy as np
import polars as pl
import pytest
from test_targets import document

from cadre.twin.calibration import (
    PRIORS,
    STAGES,
    Calibration,
    calibrate,
    calibration_targets,
    fitted_scenario,
    target_errors,
)
from cadre.twin.contract import build_document
from cadre.twin.parameters import PARAMETERS
from cadre.twin.replay import run_replicate
from cadre.twin.scenario import ScenarioError, load_scenario, parse_scenario
from cadre.twin.scenario_text import overlay_text, update_text


def test_priors_are_never_figures_of_the_record_and_stay_inside_their_bounds() -> None:
    scn = load_scenario("ussr-1929")
    for prior in PRIORS:
        param = PARAMETERS[prior.name]
        # An assumption, a direction the spec gives without a figure, or an earlier calibration; never a
        # figure or a date of the record (observations, calendar), which a scenario takes as given.
        assert not scn.sources[prior.name].startswith(("observations", "calendar")), prior.name
        assert prior.low < prior.high
        assert param.low is None or param.low <= prior.low, prior.name
        assert param.high is None or prior.high <= param.high, prior.name


def test_every_target_and_every_assumption_belongs_to_exactly_one_stage() -> None:
    for target_id in calibration_targets(1.0).get_column("target_id"):
        assert sum(stage.selects(target_id) for stage in STAGES) == 1, target_id
    names = [p.name for p in PRIORS]
    assert len(names) == len(set(names))


def test_errors_are_relative_and_zero_where_the_record_allows_the_value() -> None:
    doc = document()
    doc["selected"]["total"] = 27519 * 1.1
    doc["volunteers"]["total"] = 90000  # "more than 70000": above the bound is no error
    doc["selected"]["mobilized_share"] = 0.2  # inside the range 0.10-0.25
    errors = target_errors(doc, scale=1.0)
    assert errors["selected_total"] == pytest.approx(0.1)
    assert errors["volunteers_total"] == 0.0
    assert errors["mobilized_share"] == 0.0
    assert errors["cut_tier_factory_len"] == 1.0  # not measured: a full miss, never a free pass
    low = copy.deepcopy(doc)
    low["volunteers"]["total"] = 35000
    assert target_errors(low, scale=1.0)["volunteers_total"] == pytest.approx(-0.5)
    # At a tenth of the work force the record's counts are a tenth as large.
    assert target_errors(doc, scale=0.1)["selected_total"] == pytest.approx(27519 * 1.1 / 2751.9 - 1)
    assert not any(k.startswith("plan_") for k in errors)  # inputs are not fitted


def _calibration() -> Calibration:
    rows = [{"parameter": "daily_hazard", "prior_low": 0.02, "prior_high": 0.3, "median": 0.1234567,
             "p5": 0.08, "p95": 0.2},
            {"parameter": "factory_size", "prior_low": 100.0, "prior_high": 2000.0, "median": 812.4,
             "p5": 500.0, "p95": 1200.0}]
    return Calibration(particles=pl.DataFrame({"daily_hazard": [0.1], "weight": [1.0]}), summary=pl.DataFrame(rows),
                       generations=3, simulations=300, epsilons=[0.5, 0.3, 0.2], scale=0.05, base="ussr-1929")


def test_fitted_values_round_trip_through_an_overlay_scenario() -> None:
    base = load_scenario("ussr-1929")
    entries = fitted_scenario([_calibration()], base)
    assert "ABC-SMC posterior" in entries["daily_hazard"]["note"]
    again = parse_scenario(overlay_text(entries, base="ussr-1929", scenario_id="a", title="a", description=""),
                           source="a")
    refit = fitted_scenario(_calibration(), again)
    assert refit["daily_hazard"]["note"].count("ABC-SMC posterior") == 1  # notes do not grow with each fit
    assert entries["daily_hazard"]["value"] == 0.1235
    assert entries["factory_size"]["value"] == 812  # an integer parameter stays whole
    text = overlay_text(entries, base="ussr-1929", scenario_id="fit", title="fit", description="d")
    fitted = parse_scenario(text, source="fit.toml")
    assert fitted["daily_hazard"] == 0.1235
    assert fitted.sources["daily_hazard"] == "calibrated"
    assert fitted.intervals["daily_hazard"] == (0.08, 0.2)
    assert fitted.changed_from(base).keys() <= {"daily_hazard", "factory_size"}


def test_updating_a_scenario_file_replaces_only_the_fitted_lines() -> None:
    from importlib import resources

    text = (resources.files("cadre.twin") / "scenarios" / "ussr-1929.toml").read_text(encoding="utf-8")
    new = update_text(text, fitted_scenario(_calibration(), load_scenario("ussr-1929")), source="ussr-1929.toml")
    changed = [(a, b) for a, b in zip(text.splitlines(), new.splitlines(), strict=True) if a != b]
    assert [a.split(" =")[0] for a, _ in changed] == ["factory_size", "daily_hazard"]
    assert parse_scenario(new, source="new").intervals["factory_size"] == (500.0, 1200.0)
    with pytest.raises(ScenarioError, match="no one-line entry"):
        update_text("id = 'x'\n", {"daily_hazard": {"value": 0.1, "source": "calibrated"}}, source="x.toml")


@pytest.mark.slow
def test_counts_of_the_contract_scale_with_the_work_force() -> None:
    """Calibration runs at a fraction of the work force; its counts must scale (about) linearly."""
    scn = load_scenario("ussr-1929")
    per_place, lost, where = [], [], []
    for scale in (0.05, 0.3):
        replicate = run_replicate(scn, seed=np.random.SeedSequence(3), scale=scale)
        doc = build_document(replicate.tables, scenario="s", seed=3)
        per_place.append([doc["volunteers"]["total"] / scale, doc["selected"]["total"] / scale,
                          doc["arrivals"]["1930-02-15"] / scale, doc["headcount"]["1930-07-01"]["rural_work"] / scale])
        lost.append(replicate.diagnostics["unaccounted_spring_1930"] / scale)
        flows = replicate.tables.actual_flows
        assert flows is not None
        where.append(flows.group_by("to_region").agg(pl.col("n").sum()).with_columns(pl.col("n") / pl.col("n").sum()))
    assert np.allclose(per_place[0], per_place[1], rtol=0.08), per_place
    assert np.isclose(lost[0], lost[1], rtol=0.15), lost
    # A small run sends its workers where the full run sends them (the destinations' limits shrink with it).
    shares = where[0].join(where[1], on="to_region", how="full", coalesce=True).fill_null(0.0)
    assert (shares.get_column("n") - shares.get_column("n_right")).abs().max() < 0.05, shares


@pytest.mark.slow
def test_a_small_abc_smc_run_narrows_the_threshold_and_writes_a_loadable_scenario() -> None:
    scn = load_scenario("ussr-1929")
    result = calibrate(scn, population=6, generations=2, scale=0.02, workers=1, priors=PRIORS[:3])
    assert result.generations == 2
    assert result.epsilons[1] <= result.epsilons[0]
    assert result.simulations >= 12
    assert result.particles.height == 6
    assert result.particles.get_column("weight").sum() == pytest.approx(1.0)
    for row in result.summary.iter_rows(named=True):
        assert row["prior_low"] <= row["p5"] <= row["median"] <= row["p95"] <= row["prior_high"]
    entries = fitted_scenario(result, scn)
    text = overlay_text(entries, base="ussr-1929", scenario_id="f", title="f", description="")
    intervals = parse_scenario(text, source="f").intervals
    for prior in PRIORS[:3]:
        assert intervals[prior.name] == tuple(entries[prior.name]["interval"])
