"""The twin's report opened in a real browser (headless Chromium): every chart is drawn, nothing complains.

Chromium comes from the system's packages (``apt-get install chromium``), never from a test tool's own
download; without it the test is skipped. Chromium runs with its network features off and a throw-away
profile, loads the page from a file, lets the scripts run, and dumps the DOM as it stands afterwards.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
from pathlib import Path
from types import ModuleType

import pytest

from cadre.twin.report import render_report

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
FIXTURES = Path(__file__).resolve().parents[1] / "twin" / "test_report_fixtures.py"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--enable-logging=stderr",
    "--v=0",
    "--virtual-time-budget=20000",
    "--window-size=1400,2000",
)


def _fixtures() -> ModuleType:
    spec = importlib.util.spec_from_file_location("report_fixtures_for_browser", FIXTURES)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _browse(page: Path, profile: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", *extra, page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def browsed(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str, Path]:
    if not CHROMIUM.exists():
        pytest.skip("headless Chromium is not installed at /usr/bin/chromium (apt-get install chromium)")
    fixtures = _fixtures()
    folder = tmp_path_factory.mktemp("report")
    docs = [
        fixtures.contract_document("ussr-1929", replicates=200),
        fixtures.contract_document("terms-at-launch", seed=8, replicates=200, arrival_speed=1.15),
    ]
    page = folder / "report.html"
    page.write_text(
        render_report(
            docs,
            comparison=fixtures.comparison(),
            weekly_volunteers=fixtures.weekly_volunteers(),
            retention=fixtures.retention(),
        ),
        encoding="utf-8",
    )
    done = _browse(page, folder / "profile", "--dump-dom")
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout, done.stderr, page


def test_every_chart_is_drawn_by_plotly(browsed: tuple[str, str, Path]) -> None:
    dom, _, page = browsed
    expected = page.read_text(encoding="utf-8").count('class="plotly-graph-div"')
    assert expected == 14
    # Plotly marks a container js-plotly-plot and puts its SVG layers (class main-svg) in it once it has drawn.
    drawn = re.findall(r'class="[^"]*\bjs-plotly-plot\b[^"]*"', dom)
    assert len(drawn) == expected
    assert dom.count('class="main-svg"') >= 2 * expected
    assert dom.count('class="sankey"') == 4  # planned and actual, for each of the two scenarios
    assert 'class="point"' in dom  # bars were drawn, not only axes


def test_the_page_logs_no_console_errors(browsed: tuple[str, str, Path]) -> None:
    _, log, _ = browsed
    console = [line for line in log.splitlines() if ":CONSOLE" in line]
    assert console == [], "\n".join(console)


def test_a_screenshot_can_be_taken(browsed: tuple[str, str, Path]) -> None:
    _, _, page = browsed
    shot = page.with_suffix(".png")
    done = _browse(page, page.parent / "profile-shot", f"--screenshot={shot}")
    assert done.returncode == 0, done.stderr[-2000:]
    assert shot.stat().st_size > 50_000  # a blank page of this size compresses to a few kilobytes
