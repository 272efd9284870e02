"""Importing a volunteer list in a real browser: the bad row is shown at its row, fixed, imported, counted."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from browser import shot, sign_in
from django.contrib.auth import get_user_model

from cadre import record
from cadre.web.accounts.models import Membership, OrgUnit, UnitKind
from cadre.web.accounts.services import unit_path
from cadre.web.campaigns.services import campaign_create_from_template
from cadre.web.files.models import PersonalFile
from support import files, person

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _unit(kind: str, code: str, parent: OrgUnit | None, region: str = "", union: str = "") -> OrgUnit:
    return OrgUnit.objects.create(kind=kind, code=code, name=code, parent=parent, path=unit_path(parent, code),
                                  region_code=region, union=union)


def _workspace() -> None:
    center = _unit(UnitKind.CENTER, "CENTER", None)
    regions = {code: _unit(UnitKind.REGION, code, center, code) for code in record.regions().get_column("code")}
    union = _unit(UnitKind.UNION_REGION, "LEN:metalworkers", regions["LEN"], "LEN", "metalworkers")
    _unit(UnitKind.FACTORY, "LEN-F1", union, "LEN", "metalworkers")
    director = get_user_model().objects.create_user(username="director", password="a long demo password")
    Membership.objects.create(user=director, unit=center, role="director")
    campaign_create_from_template(actor=director, template="ussr-1929", slug="c1929", name="The 25,000ers",
                                  selection_opens_on=date(1930, 1, 10))


def _write(path: Path, *changes: dict[str, Any]) -> Path:
    files(*(person(**{"factory_id": "LEN-F1", **c}) for c in changes)).write_csv(path)
    return path


def test_a_bad_row_is_shown_at_its_row_then_the_fixed_list_imports(page: Any, tmp_path: Path) -> None:
    _workspace()
    sign_in(page, "director", "a long demo password")
    page.goto("/imports/")
    page.select_option("select[name=campaign]", "c1929")
    page.set_input_files("input[name=file]", str(_write(tmp_path / "volunteers.csv", {}, {"age": "two hundred"}, {})))
    page.click("button:has-text('Check the file')")
    page.wait_for_load_state("networkidle")
    bad = page.locator("table.problems tr[data-row='2']")
    assert "age" in bad.inner_text()
    assert "two hundred" in bad.inner_text()
    assert page.locator("[data-problem-count]").inner_text() == "1"
    assert page.locator("button:has-text('Import')").count() == 0  # nothing can be written yet
    shot(page, "import-preview-problems")
    assert not PersonalFile.objects.exists()

    page.click("a:has-text('Upload the fixed file')")
    page.select_option("select[name=campaign]", "c1929")
    page.set_input_files("input[name=file]", str(_write(tmp_path / "volunteers-fixed.csv", {}, {"age": "41"}, {})))
    page.click("button:has-text('Check the file')")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-problem-count]").inner_text() == "0"
    shot(page, "import-preview-clean")
    page.click("button:has-text('Import 3 rows')")
    page.wait_for_load_state("networkidle")
    assert "Imported 3 personal files" in page.inner_text("ul.messages")
    assert page.locator("[data-imported-count]").inner_text() == "3"
    shot(page, "import-done")
    assert PersonalFile.objects.filter(status="at_party_cell").count() == 3
    page.goto("/imports/")
    shot(page, "import-start")
