"""Loading a twin replicate into a fresh database: counts, statuses, history, demo accounts, scoping."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
from django.contrib.auth import get_user_model

from cadre.twin.replay import EXPORTS, run_replicate
from cadre.twin.scenario import load_scenario
from cadre.web.accounts.services import system_user
from cadre.web.audit.models import AuditEvent
from cadre.web.errors import Invalid
from cadre.web.field.models import FieldEvent
from cadre.web.files.models import Decision, PersonalFile, Status
from cadre.web.files.selectors import file_list
from cadre.web.placement.models import Arrival, Placement
from cadre.web.twinload.loader import twin_load, twin_load_dir
from cadre.web.twinload.org import DEMO_PASSWORD

SCALE = 0.01


@pytest.fixture(scope="session")
def exports(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, pl.DataFrame], Path]:
    """One small replicate (the CLI's first replicate for seed 1), as frames and as Parquet files."""
    replicate = run_replicate(load_scenario("ussr-1929"), seed=np.random.SeedSequence(1).spawn(1)[0], scale=SCALE)
    folder = tmp_path_factory.mktemp("twin-export")
    for name in EXPORTS:
        replicate.exports[name].write_parquet(folder / f"{name}.parquet")
    return replicate.exports, folder


def test_a_replicate_loads_whole_with_one_audit_row(db: Any, exports: Any) -> None:
    tables, folder = exports
    summary = twin_load_dir(actor=system_user(), directory=folder, scale=SCALE)
    files = tables["personal_files"]
    assert summary["files"] == PersonalFile.objects.count() == files.height
    assert Decision.objects.count() == tables["decisions"].height
    selected = files.filter(pl.col("stage") == "selected").height
    assert Arrival.objects.count() == selected
    assert PersonalFile.objects.filter(status__in=[Status.ARRIVED, Status.PLACED, Status.EXITED]).count() == selected
    exits = tables["outcomes"].filter(pl.col("channel").is_not_null()).height
    assert PersonalFile.objects.filter(status=Status.EXITED).count() == exits
    assert Placement.objects.count() == tables["spells"].filter(
        pl.col("state").is_in(["farm", "mts", "district_office"])).height
    # Every file's decision numbers run 1..version with no gap: the history is whole.
    file = PersonalFile.objects.filter(status=Status.EXITED).first()
    assert list(file.decisions.values_list("seq", flat=True)) == list(range(1, file.version + 1))
    journal = tables["field_events"].filter(pl.col("person_id").is_in(files.get_column("person_id").implode()))
    assert FieldEvent.objects.filter(text__startswith="twin journal").count() == journal.height > 0
    assert FieldEvent.objects.filter(kind="exit").count() == exits
    assert AuditEvent.objects.filter(action="twin_load").count() == 1
    with pytest.raises(Invalid, match="not fresh"):
        twin_load(actor=system_user(), tables=tables, scale=SCALE)


def test_demo_accounts_sign_in_and_see_only_their_units(db: Any, exports: Any) -> None:
    tables, _folder = exports
    twin_load(actor=system_user(), tables=tables, scale=SCALE)
    users = {u.username: u for u in get_user_model().objects.filter(memberships__isnull=False)}
    assert {"director", "factory_committee", "volunteer", "historian", "district_office"} <= set(users)
    committee = users["factory_committee"]
    assert committee.check_password(DEMO_PASSWORD)
    campaign = PersonalFile.objects.first().campaign
    factory = committee.memberships.get().unit
    seen = file_list(user=committee, campaign=campaign)
    assert seen.count() == PersonalFile.objects.filter(source_unit=factory).count() > 0
    assert file_list(user=users["historian"], campaign=campaign).count() == PersonalFile.objects.count()
    assert file_list(user=users["district_office"], campaign=campaign).count() < PersonalFile.objects.count()
