"""Scenarios: the bundled ones load; a bad one is refused with every problem named."""

from __future__ import annotations

import datetime as dt

import pytest

from cadre.twin.parameters import PARAMETERS
from cadre.twin.scenario import ScenarioError, bundled_scenarios, load_scenario, parse_scenario

HEAD = 'id = "t"\ntitle = "test"\nextends = "ussr-1929"\n[parameters]\n'


def check(body: str, *fragments: str) -> None:
    """``HEAD + body`` must parse when no fragment is given, else fail with one problem per fragment."""
    if not fragments:
        parse_scenario(HEAD + body, source="t.toml")
        return
    with pytest.raises(ScenarioError) as info:
        parse_scenario(HEAD + body, source="t.toml")
    assert len(info.value.problems) == len(fragments), info.value.problems
    for fragment in fragments:
        assert any(fragment in p for p in info.value.problems), (fragment, info.value.problems)


def test_the_replay_sets_every_parameter_with_a_source() -> None:
    scn = load_scenario("ussr-1929")
    assert set(scn.values) == set(PARAMETERS)
    assert all(scn.sources[name] for name in PARAMETERS)
    assert scn["terms_announced"] == dt.date(1929, 12, 29)
    assert scn.sources["farms_1931"] == "observations farms_1931"


@pytest.mark.parametrize("name", bundled_scenarios())
def test_counterfactuals_change_only_what_they_say(name: str) -> None:
    scn, base = load_scenario(name), load_scenario("ussr-1929")
    changed = scn.changed_from(base)
    assert (name == "ussr-1929") == (not changed)
    assert all(scn.sources[k] == "counterfactual" for k in changed)


@pytest.mark.parametrize(
    ("body", "fragments"),
    [
        ('daily_hazard = { value = 0.2, source = "assumption" }\n', ()),
        ('daily_hazzard = { value = 0.2, source = "x" }\n', ("unknown parameter",)),
        ('daily_hazard = { value = 2.0, source = "x" }\n', ("above its upper bound 1",)),
        ('daily_hazard = { value = "high", source = "x" }\n', ("takes a number",)),
        ('daily_hazard = { value = 0.2 }\n', ("needs a 'source'",)),
        ("daily_hazard = 0.2\n", ("write it as",)),
        ('launch = { value = 5, source = "x" }\n', ("takes a date",)),
        ('promoted = { value = 2.5, source = "x" }\n', ("whole number",)),
        ('plans_ready = { value = 1, source = "x" }\n', ("true or false",)),
        ('no_plan_regions = { value = "LVO", source = "x" }\n', ("list of region codes",)),
        ('daily_hazard = { value = 0.2, source = "x", why = "y" }\n', ("unknown key(s) ['why']",)),
        ('daily_hazard = { value = 0.2, source = "calibrated", interval = [0.1, 0.3], prior = [0, 1] }\n', ()),
        ('daily_hazard = { value = 0.2, source = "assumption", interval = [0.1, 0.3] }\n',
         ("belongs to a calibrated value",)),
        ('daily_hazard = { value = 0.5, source = "calibrated", interval = [0.1, 0.3] }\n', ("outside its interval",)),
        ('daily_hazard = { value = 0.2, source = "calibrated", interval = [0.3, 0.1] }\n', ("two numbers",)),
        ('daily_hazard = { value = 0.2, source = "calibrated", prior = "wide" }\n', ("two numbers",)),
    ],
)
def test_problems_are_named(body: str, fragments: tuple[str, ...]) -> None:
    check(body, *fragments)


def test_a_root_scenario_must_be_complete_and_extends_must_exist() -> None:
    with pytest.raises(ScenarioError, match="must set every parameter"):
        parse_scenario('id = "r"\ntitle = "root"\n', source="r.toml")
    with pytest.raises(ScenarioError, match="extends 'nowhere'"):
        parse_scenario('id = "r"\ntitle = "x"\nextends = "nowhere"\n', source="r.toml")
    with pytest.raises(ScenarioError, match="not valid TOML"):
        parse_scenario("id = ", source="r.toml")


def test_a_calibrated_value_carries_its_interval_and_an_override_drops_it() -> None:
    fitted = parse_scenario(HEAD + 'daily_hazard = { value = 0.2, source = "calibrated", interval = [0.1, 0.3] }\n',
                            source="t.toml")
    assert fitted.intervals["daily_hazard"] == (0.1, 0.3)
    again = parse_scenario('id = "u"\ntitle = "u"\nextends = "t"\n[parameters]\n'
                           'daily_hazard = { value = 0.5, source = "counterfactual" }\n',
                           source="u.toml", resolve=lambda _: fitted)
    assert "daily_hazard" not in again.intervals
