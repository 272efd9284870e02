"""Load one twin replicate into a fresh database (see the package docstring)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from django.db import connection, transaction
from django.utils.translation import gettext as _

from cadre.engine.screening_codes import DECISIONS
from cadre.io import read_table
from cadre.twin.planning import quotas_1929
from cadre.twin.replay import EXPORTS
from cadre.web.accounts.permissions import require_admin
from cadre.web.audit.services import audit_record
from cadre.web.bridge import schema as bridge_schema
from cadre.web.bridge.files import FILE_COLUMNS
from cadre.web.campaigns.models import Campaign, ControlFigure, RulebookVersion, Template
from cadre.web.errors import Invalid
from cadre.web.files.models import Decision, PersonalFile
from cadre.web.files.reasons import reason_code_of
from cadre.web.twinload.fast import insert_rows
from cadre.web.twinload.org import demo_accounts, org_tree
from cadre.web.twinload.service import service_rows

__all__ = ["twin_load", "twin_load_dir", "twin_run_and_load"]

Progress = Callable[[float, str], None]
BATCH = 2000
#: The tables a load cannot do without; the rest of ``EXPORTS`` (the field journal) is optional.
REQUIRED = ("personal_files", "decisions", "placements", "spells", "outcomes")


def twin_load_dir(*, actor: Any, directory: Path, scale: float, slug: str = "ussr-1929",
                  progress: Progress | None = None) -> dict[str, Any]:
    """Load the Parquet tables of ``cadre twin run --export DIR`` (``scale``: the run's --scale)."""
    missing = [name for name in REQUIRED if not (directory / f"{name}.parquet").is_file()]
    if missing:
        raise Invalid(_("the export folder lacks tables"), [f"{directory}/{m}.parquet" for m in missing])
    # The field journal is newer than the other tables: an export without it still loads.
    tables = {name: read_table(directory / f"{name}.parquet") for name in EXPORTS
              if (directory / f"{name}.parquet").is_file()}
    return twin_load(actor=actor, tables=tables, scale=scale, slug=slug, progress=progress)


def twin_run_and_load(*, actor: Any, scenario: str, seed: int, scale: float, slug: str = "ussr-1929",
                      progress: Progress | None = None) -> dict[str, Any]:
    """Run one replicate of the twin in this process (the CLI's first replicate) and load it."""
    from cadre.twin.replay import run_replicate
    from cadre.twin.scenario import load_scenario

    note = progress or (lambda _f, _m: None)
    note(0.05, _("running the twin"))
    replicate = run_replicate(load_scenario(scenario), seed=np.random.SeedSequence(seed).spawn(1)[0], scale=scale)
    return twin_load(actor=actor, tables=replicate.exports, scale=scale, slug=slug, progress=progress)


def _file_states(files: pl.DataFrame, decisions: pl.DataFrame, service: dict[str, str]) -> pl.DataFrame:
    """Per person: status, rejected_at, appealed, decided_by_role, version (number of decisions)."""
    logged = decisions.with_row_index("_order")
    decided = pl.col("action").is_in([a.value for a in DECISIONS])
    per = logged.group_by("person_id").agg(
        pl.len().alias("version"),
        (pl.col("action") == "appeal").any().alias("appealed"),
        pl.col("role").filter(decided).last().alias("decided_by_role"),
        pl.col("from_stage").filter(pl.col("action").is_in(["reject", "override_reject", "dismiss_appeal"]))
        .last().alias("rejected_at"),
    )
    out = files.select("person_id", "stage").join(per, on="person_id", how="left")
    life = pl.DataFrame({"person_id": list(service), "life": list(service.values())},
                        schema={"person_id": pl.String, "life": pl.String})
    return out.join(life, on="person_id", how="left").with_columns(
        pl.coalesce("life", "stage").alias("status"), pl.col("version").fill_null(0),
        pl.col("appealed").fill_null(False),
        pl.when(pl.col("stage").is_in(["rejected", "appealed", "rejected_final"])).then(pl.col("rejected_at"))
        .otherwise(None).alias("rejected_at"))


def _campaign(actor: Any, slug: str, files: pl.DataFrame, scale: float, units: dict[str, Any]) -> Campaign:
    campaign = Campaign.objects.create(slug=slug, name=_("The 25,000ers, 1929-1933 (twin replicate)"),
                                       template=Template.USSR_1929, ladder_version="1929", historical=True,
                                       selection_opens_on=date(1930, 1, 1), created_by=actor)
    text = bridge_schema.template_rulebook_text(Template.USSR_1929)
    RulebookVersion.objects.create(campaign=campaign, number=1, text=text, created_by=actor,
                                   ref=bridge_schema.rulebook_parse(text, source="ussr-1929").ref)
    quotas = quotas_1929(files, scale=scale)
    ControlFigure.objects.bulk_create(ControlFigure(campaign=campaign, region=units[r], union=u, quota=q)
                                      for r, u, q in quotas.iter_rows() if q > 0)
    return campaign


def twin_load(*, actor: Any, tables: dict[str, pl.DataFrame], scale: float, slug: str = "ussr-1929",
              progress: Progress | None = None) -> dict[str, Any]:
    """Load a replicate's tables into a fresh database, all in one transaction with one audit row.

    Administrators only. Refused when the database already holds personal files (load into a fresh one).
    """
    note = progress or (lambda _f, _m: None)
    with transaction.atomic():
        require_admin(actor)
        if PersonalFile.objects.exists() or Campaign.objects.filter(slug=slug).exists():
            raise Invalid(_("the database is not fresh: it already holds personal files or campaign %(slug)s")
                          % {"slug": slug})
        files, decisions = tables["personal_files"], tables["decisions"]
        placements = tables["placements"]
        destinations = sorted(set(placements.get_column("destination").drop_nulls().to_list()))
        units = org_tree(files, destinations)
        campaign = _campaign(actor, slug, files, scale, units)
        version = campaign.rulebooks.get()
        note(0.3, _("personal files"))
        service = service_rows(campaign, tables, units, actor)
        states = _file_states(files, decisions, service.statuses)
        objs = _files(campaign, files, states, placements, units)
        PersonalFile.objects.bulk_create(objs, batch_size=BATCH)
        by_person = {f.person_id: f for f in objs}
        note(0.5, _("decisions"))
        n_decisions = _decisions(campaign, decisions, by_person, version)
        note(0.8, _("courses, posts and field service"))
        counts = service.write(by_person)
        busiest = placements.group_by("destination").len().sort(["len", "destination"], descending=[True, False])
        users = demo_accounts(units, files, busiest.item(0, "destination"))
        summary = {"campaign": campaign.slug, "files": len(objs), "decisions": n_decisions, **counts,
                   "units": len(units), "demo_accounts": sorted(users), "scale": scale,
                   "statuses": dict(states.group_by("status").len().sort("status").iter_rows())}
        audit_record(actor=actor, action="twin_load", obj=campaign, campaign=campaign, rulebook_version=version,
                     after=summary)
    if not connection.in_atomic_block:
        # Tens of thousands of rows arrived at once: give the query planner their statistics now rather
        # than whenever autovacuum gets to them (it chose a scan of the whole table for the queues).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    note(1.0, _("done"))
    return summary


def _files(campaign: Campaign, files: pl.DataFrame, states: pl.DataFrame, placements: pl.DataFrame,
           units: dict[str, Any]) -> list[PersonalFile]:
    dest = dict(placements.select("person_id", "destination").iter_rows())
    state = {row["person_id"]: row for row in states.iter_rows(named=True)}
    out = []
    for row in files.select(FILE_COLUMNS).iter_rows(named=True):
        s = state[row["person_id"]]
        where = dest.get(row["person_id"])
        out.append(PersonalFile(
            campaign=campaign, source_unit=units[row["factory_id"]], destination=units[where] if where else None,
            status=s["status"], rejected_at=s["rejected_at"], appealed=s["appealed"],
            decided_by_role=s["decided_by_role"], version=s["version"],
            **{**row, "activist_roles": row["activist_roles"] or []}))
    return out


def _decisions(campaign: Campaign, decisions: pl.DataFrame, files: dict[str, PersonalFile], version: Any) -> int:
    ladder = bridge_schema.ladder(campaign.ladder_version)
    criteria = {c.code for c in bridge_schema.rulebook_parse(version.text, source=version.ref).criteria}
    tiers = {stage: ladder.tier_of(stage) for stage in ladder.stages}
    seq = decisions.with_columns(pl.int_range(1, pl.len() + 1).over("person_id").alias("seq"))
    ids = {pid: f.pk for pid, f in files.items()}
    columns = ("campaign_id", "file_id", "seq", "action", "role", "tier", "from_status", "to_status", "outcome",
               "reason_code", "reason", "rulebook_version_id", "ladder_version", "decided_by_id", "decided_at",
               "as_of")

    def rows() -> Any:
        for r in seq.iter_rows(named=True):
            tier = tiers.get(r["from_stage"]) if r["action"] in ("approve", "reject") else None
            yield (campaign.pk, ids[r["person_id"]], r["seq"], r["action"], r["role"], tier[0] if tier else None,
                   r["from_stage"], r["to_stage"], r["to_stage"], reason_code_of(r["reason"], criteria), r["reason"],
                   version.pk, r["version"], None, datetime.combine(r["as_of"], datetime.min.time(), tzinfo=UTC),
                   r["as_of"])

    return insert_rows(Decision, columns, rows())

