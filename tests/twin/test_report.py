"""The twin's HTML report: rendered from hand-made contract documents, checked as a page and for gaps."""

from __future__ import annotations

import copy
import re
from html.parser import HTMLParser
from typing import Any

import polars as pl
import pytest
from test_report_fixtures import comparison, contract_document, retention, weekly_volunteers

from cadre.twin.report import render_report

CHART_TITLES = (
    "Volunteers and selected by source region",
    "Volunteers and selected by trade union",
    "Composition of the selected",
    "Plan versus actual, by region",
    "Origin–destination flows, planned and actual",
    "Arrivals in the countryside",
    "Workers in the countryside over time",
    "Coverage of collective farms, by destination region",
    "Coverage of collective farms, by type of farm",
    "Exits by channel over time",
    "Exits by region of recruitment",
)
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Page(HTMLParser):
    """Collects what the checks need: unbalanced tags, external references, ids, figure headings."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.external: list[str] = []
        self.ids: list[str] = []
        self.plots = 0
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        for name in ("src", "href", "data"):
            target = attributes.get(name) or ""
            if re.match(r"^(https?:)?//", target):
                self.external.append(f"<{tag} {name}={target}>")
        if "id" in attributes:
            self.ids.append(attributes["id"] or "")
        if "plotly-graph-div" in (attributes.get("class") or ""):
            self.plots += 1
        if tag == "script":
            self.scripts += 1
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else 'nothing'}>")
            return
        self.stack.pop()


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    return page


@pytest.fixture(scope="module")
def two_scenarios() -> str:
    docs = [
        contract_document("ussr-1929", replicates=200),
        contract_document("terms-at-launch", seed=8, replicates=200, arrival_speed=1.15, exit_rate=0.8),
    ]
    return render_report(
        docs, comparison=comparison(), weekly_volunteers=weekly_volunteers(), retention=retention()
    )


@pytest.fixture(scope="module")
def one_run() -> str:
    return render_report([contract_document()])


def test_every_chart_is_titled_and_drawn(one_run: str) -> None:
    page = parse(one_run)
    for title in CHART_TITLES:
        assert title in one_run
    assert page.plots == len(CHART_TITLES)
    assert one_run.count("<figcaption>") == len(CHART_TITLES)


def test_the_page_is_well_formed_and_self_contained(two_scenarios: str) -> None:
    page = parse(two_scenarios)
    assert page.errors == []
    assert page.stack == []
    assert page.external == []
    assert len(page.ids) == len(set(page.ids))
    assert two_scenarios.count("* plotly.js v") == 1, "plotly.js is embedded exactly once"
    assert "cdn.plot.ly/plotly" not in two_scenarios.split("</head>", 1)[1]


def test_optional_tables_add_their_charts_and_the_comparison(two_scenarios: str) -> None:
    for title in (
        "Volunteers by week and source region",
        "Retention by exit channel",
        "The model against the record",
    ):
        assert title in two_scenarios
    assert parse(two_scenarios).plots == len(CHART_TITLES) + 1 + 2  # a Sankey per scenario, two more charts
    # The one target outside its interval is highlighted; the one without an interval says so.
    assert two_scenarios.count('<tr class="outside">') == 1
    assert two_scenarios.count('<tr class="inside">') == 2
    assert "no interval" in two_scenarios
    assert "2 of 3 record figures fall inside" in two_scenarios


def test_header_names_scenarios_seeds_replicates_and_says_what_is_predicted(two_scenarios: str) -> None:
    header = two_scenarios.split("</header>", 1)[0]
    for text in (
        "ussr-1929",
        "terms-at-launch",
        '<td class="num">7</td>',
        '<td class="num">8</td>',
        '<td class="num">200</td>',
        "model prediction",
        "90%",
    ):
        assert text in header


def test_scenarios_share_the_charts_with_their_names_as_legend(two_scenarios: str) -> None:
    assert '"name":"ussr-1929 (model)"' in two_scenarios
    assert '"name":"terms-at-launch (model)"' in two_scenarios
    assert "90% interval" in two_scenarios
    assert '"error_x":{"array":' in two_scenarios


def test_numbers_carry_thousands_separators_and_record_figures(one_run: str) -> None:
    for figure in ("18,300", "20,640", "27,519", "19,581", "1,530", "7.7%"):
        assert figure in one_run


def _nullify(doc: dict[str, Any]) -> dict[str, Any]:
    doc = copy.deepcopy(doc)
    doc["volunteers"]["total"] = None
    doc["volunteers"]["by_source_region"]["MOS"] = None
    doc["selected"]["mobilized_share"] = None
    doc["composition"]["total"]["female"] = None
    doc["flows"]["actual"]["LEN"]["LVO"] = None
    doc["arrivals"]["1930-02-02"] = None
    doc["headcount"]["1930-07-01"] = dict.fromkeys(doc["headcount"]["1930-07-01"])
    doc["exits"]["by_channel_until"]["1930-07-01"]["deserted"] = None
    doc["exits"]["by_source_region"]["UKR"] = None
    doc["coverage"]["1930-07-01"]["total"] = None
    doc["farm_types"]["1930-07-01"]["toz"] = None
    if "ci90" in doc:
        doc["ci90"]["arrivals"]["1930-02-09"] = None
    return doc


@pytest.mark.parametrize("replicates", [1, 20])
def test_nulls_are_shown_as_not_measured(replicates: int) -> None:
    html = render_report([_nullify(contract_document(replicates=replicates))])
    page = parse(html)
    assert page.errors == []
    assert page.plots == len(CHART_TITLES)
    assert "not measured" in html
    assert "Not measured in ussr-1929" in html


def test_a_document_with_only_its_name_still_renders() -> None:
    html = render_report([{"scenario": "empty", "seed": 1, "replicates": 1}])
    assert parse(html).errors == []
    assert "not measured" in html
    assert "The run holds no origin–destination flows" in html


def test_repeated_scenario_names_are_told_apart_by_seed() -> None:
    html = render_report([contract_document(seed=1), contract_document(seed=2)])
    assert "ussr-1929 (seed 1)" in html
    assert "ussr-1929 (seed 2)" in html


def test_text_from_a_document_is_escaped() -> None:
    html = render_report([contract_document("<script>alert(1)</script>")], title="A & B <i>")
    assert "<script>alert(1)</script>" not in html
    assert "<title>A &amp; B &lt;i&gt;</title>" in html


def test_bad_inputs_are_refused() -> None:
    with pytest.raises(ValueError, match="at least one"):
        render_report([])
    doc = contract_document()
    with pytest.raises(ValueError, match="in_interval"):
        render_report([doc], comparison=comparison().drop("in_interval"))
    with pytest.raises(ValueError, match="week, region, n"):
        render_report([doc], weekly_volunteers=pl.DataFrame({"week": [1], "n": [3]}))
    with pytest.raises(ValueError, match="group, day, channel, cif"):
        render_report([doc], retention=retention().drop("cif"))


def test_weekly_volunteers_may_come_by_week_number_and_scenario() -> None:
    weekly = pl.DataFrame(
        {
            "week": [1, 1, 2, 2],
            "region": ["LEN", "MOS", "LEN", "MOS"],
            "n": [10, 20, 30, 40],
            "scenario": ["a", "a", "b", "b"],
        }
    )
    html = render_report([contract_document()], weekly_volunteers=weekly)
    assert "Volunteers by week and source region" in html
    assert parse(html).errors == []


def test_a_comparison_in_the_shape_of_targets_compare_is_accepted() -> None:
    frame = pl.DataFrame(
        {
            "target_id": ["volunteers_total", "arrived_0202", "plan_LEN_LEN"],
            "description": ["volunteers", "arrived in the countryside", "planned workers from LEN to LEN"],
            "source": [
                "observations.csv:volunteers_total",
                "observations.csv:arrived_0202",
                "control_plan_1929.csv",
            ],
            "comparison": ["at_least", "point", "point"],
            "role": ["calibration", "calibration", "input"],
            "unit": ["people", "people", "people"],
            "record_low": [70000.0, 18300.0, 650.0],
            "record_high": [None, 18300.0, 650.0],
            "record_value": [70000.0, 18300.0, 650.0],
            "model": [74399.0, 19010.0, 650.0],
            "model_p5": [69191.0, 18400.0, 650.0],
            "model_p95": [79607.0, 19700.0, 650.0],
            "record_in_ci90": [True, False, True],
        }
    )
    html = render_report([contract_document()], comparison=frame)
    table = html.split('id="validation"', 1)[1]
    assert "more than 70,000" in table
    assert "plan_LEN_LEN" not in table  # an input of the scenario, not a prediction
    assert table.count('<tr class="outside">') == 1


def test_the_comparison_of_the_targets_module_renders() -> None:
    targets = pytest.importorskip("cadre.twin.targets")
    doc = contract_document(replicates=50)
    html = render_report([doc], comparison=targets.compare(doc))
    assert "The model against the record" in html
    assert parse(html).errors == []
