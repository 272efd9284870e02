"""Writes of the imports app: preview an upload (nothing written to the campaign), then import it whole.

``import_preview`` reads and checks the file and keeps it as a batch; ``import_submit`` starts the
import (inline for small files, as a job with progress for large ones); ``import_run`` writes every
row in one transaction with its audit rows, or nothing. The idempotency key (the file's hash, its kind
and the campaign) refuses a second import of the same list, saying when it was imported and by whom.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cadre.engine.screening import Action as LadderAction
from cadre.engine.screening import Role as LadderRole
from cadre.io import read_table
from cadre.io.tables import READABLE, TableError
from cadre.web.accounts.permissions import Action, holds, require
from cadre.web.audit.services import audit_record
from cadre.web.bridge import schema as bridge_schema
from cadre.web.bridge.files import FILE_COLUMNS
from cadre.web.campaigns.models import Campaign
from cadre.web.errors import IllegalMove, Invalid
from cadre.web.files.bulk import write_batch
from cadre.web.files.decide import current_rulebook
from cadre.web.files.models import PersonalFile
from cadre.web.files.reasons import ReasonCode
from cadre.web.imports.checks import Checked, check_files, check_posts
from cadre.web.imports.models import ImportBatch, ImportKind, ImportStatus
from cadre.web.placement.models import Post

__all__ = ["INLINE_ROWS", "MAX_BYTES", "import_preview", "import_run", "import_submit"]

Progress = Callable[[float, str], None]
MAX_BYTES = 25 * 1024 * 1024
#: Lists up to this many rows import inline; longer ones run as a job whose progress the page shows.
INLINE_ROWS = 2000
#: What importing each kind needs (the checks then ask for it at every row's own unit).
NEEDS = {ImportKind.FILES: Action.CAMPAIGN_MANAGE, ImportKind.POSTS: Action.PLACEMENT_RUN}


def _key(kind: str, campaign: Campaign, data: bytes) -> str:
    return hashlib.sha256(b"%s\0%s\0" % (kind.encode(), campaign.slug.encode()) + data).hexdigest()


def _allowed(actor: Any, kind: str) -> None:
    if kind not in ImportKind.values:
        raise Invalid(_("unknown kind of import %(kind)s") % {"kind": kind})
    if not holds(actor, NEEDS[ImportKind(kind)]):
        require(actor, NEEDS[ImportKind(kind)], None, what=_("import %(kind)s") % {"kind": ImportKind(kind).label})


def _check(kind: str, filename: str, data: bytes, campaign: Campaign, actor: Any) -> Checked:
    suffix = Path(filename).suffix.lower()
    if suffix not in READABLE:
        raise Invalid(_("cannot read %(name)s: use CSV, TSV or Excel (%(types)s)") % {
            "name": filename, "types": ", ".join(READABLE)})
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(data)
        try:
            frame = read_table(path)
        except TableError as error:
            raise Invalid(str(error).replace(str(path), filename)) from error
    frame = frame.with_columns(pl.col(c).cast(pl.String) for c in frame.columns)
    check = check_files if kind == ImportKind.FILES else check_posts
    return check(frame, campaign=campaign, actor=actor)


def _imported(key: str) -> ImportBatch | None:
    return ImportBatch.objects.filter(key=key, status=ImportStatus.IMPORTED).select_related("created_by").first()


def _refusal(done: ImportBatch) -> str:
    return _("this file was imported into this campaign already on %(at)s by %(who)s (import %(n)d): "
             "nothing was written again") % {"at": f"{done.imported_at:%Y-%m-%d %H:%M} UTC", "n": done.pk,
                                             "who": done.created_by.get_username()}


def import_preview(*, actor: Any, campaign: Campaign, kind: str, filename: str, data: bytes) -> ImportBatch:
    """Read and check an upload and keep it as a batch to preview; nothing is written to the campaign."""
    with transaction.atomic():
        _allowed(actor, kind)
        if not data:
            raise Invalid(_("the file %(name)s is empty") % {"name": filename})
        if len(data) > MAX_BYTES:
            raise Invalid(_("the file is larger than %(mb)d MB: split it") % {"mb": MAX_BYTES // 2**20})
        checked = _check(kind, filename, data, campaign, actor)
        batch = ImportBatch.objects.create(
            campaign=campaign, kind=kind, filename=Path(filename).name[:255], key=_key(kind, campaign, data), data=data,
            size=len(data), rows_in=checked.rows_in, clean_rows=len(checked.rows), columns=checked.columns,
            problems=checked.problems, sample=checked.sample, created_by=actor)
        audit_record(actor=actor, action="import_preview", obj=batch, campaign=campaign,
                     after={"file": batch.filename, "kind": kind, "rows": batch.rows_in,
                            "problems": len(checked.problems), "key": batch.key})
        return batch


def import_submit(*, actor: Any, batch: ImportBatch, sync: bool | None = None) -> Any:
    """Start importing a previewed batch: refused at once (with the reason) when it cannot be imported.

    Small files run inline; large ones as a job (``imports`` kind) whose progress the page polls.
    """
    from cadre.web.jobs.services import job_submit

    _allowed(actor, batch.kind)
    if batch.created_by_id != actor.pk:
        require(actor, Action.CAMPAIGN_MANAGE, None, what=_("import someone else's upload"))
    done = _imported(batch.key)
    if done is not None:
        raise IllegalMove(_refusal(done))
    if batch.problems:
        raise Invalid(_("the file has %(n)d problems: fix them and upload it again; nothing was written")
                      % {"n": len(batch.problems)})
    inline = sync if sync is not None else (batch.rows_in <= INLINE_ROWS or settings.CADRE_JOBS_SYNC)
    # Which job runs it, for the page to poll: linked before the job starts, since the job then holds the
    # batch's row locked until the import ends.
    return job_submit(actor=actor, kind="import", params={"batch": batch.pk}, campaign=batch.campaign, sync=inline,
                      on_queued=lambda job: ImportBatch.objects.filter(pk=batch.pk).update(job=job))


def import_run(*, actor: Any, batch: ImportBatch | int, progress: Progress | None = None) -> dict[str, Any]:
    """Import a previewed batch: every row, in one transaction with its audit rows, or nothing.

    The file is checked again (the campaign may have changed since the preview). Personal files enter
    screening at tier 1 (submitted, as on the volunteer's paper declaration); posts are added to their
    districts. Refused when the same file was imported into the campaign before.
    """
    note = progress or (lambda _f, _m: None)
    try:
        with transaction.atomic():
            pk = batch.pk if isinstance(batch, ImportBatch) else batch
            locked = ImportBatch.objects.select_for_update(of=("self",)).select_related("campaign").get(pk=pk)
            _allowed(actor, locked.kind)
            done = _imported(locked.key)
            if done is not None:
                raise IllegalMove(_refusal(done))
            note(0.1, _("checking the file again"))
            checked = _check(locked.kind, locked.filename, bytes(locked.data), locked.campaign, actor)
            if checked.problems:
                raise Invalid(_("the file has problems; nothing was written"),
                              [f"row {p['row'] or '-'}, {p['column'] or '-'}: {p['message']}" for p in checked.problems[:50]])
            note(0.3, _("writing %(n)d rows") % {"n": len(checked.rows)})
            counts = (_write_files if locked.kind == ImportKind.FILES else _write_posts)(actor, locked, checked, note)
            locked.status, locked.imported_at, locked.result = ImportStatus.IMPORTED, timezone.now(), counts
            locked.save(update_fields=["status", "imported_at", "result"])
            audit_record(actor=actor, action="import_run", obj=locked, campaign=locked.campaign,
                         after={"file": locked.filename, "kind": locked.kind, "key": locked.key, **counts})
            note(1.0, _("done"))
            return counts
    except IntegrityError as error:
        # Two imports of the same file raced; the constraint kept the second out.
        raise IllegalMove(_("this file was being imported at the same moment by someone else: nothing was written "
                            "again")) from error


def _write_files(actor: Any, batch: ImportBatch, checked: Checked, note: Progress) -> dict[str, int]:
    campaign = batch.campaign
    objs = [PersonalFile(campaign=campaign, source_unit=row["_unit"], **{k: row[k] for k in FILE_COLUMNS})
            for row in checked.rows]
    PersonalFile.objects.bulk_create(objs, batch_size=1000)
    note(0.6, _("submitting the files to the first tier"))
    ladder = bridge_schema.ladder(campaign.ladder_version)
    states = pl.DataFrame([{"person_id": f.person_id, "stage": f.status, "rejected_at": None, "appealed": False,
                            "decided_by": None} for f in objs],
                          schema={"person_id": pl.String, "stage": pl.String, "rejected_at": pl.String,
                                  "appealed": pl.Boolean, "decided_by": pl.String})
    day = timezone.now().date()
    result = ladder.apply_batch(states, LadderAction.SUBMIT, role=LadderRole.VOLUNTEER, as_of=day,
                                reason=ReasonCode.DECLARATION)
    for f in objs:
        f.campaign = campaign
    write_batch(actor, campaign, objs, result, LadderAction.SUBMIT, ReasonCode.DECLARATION,
                _("declaration on paper, imported from %(file)s") % {"file": batch.filename},
                current_rulebook(campaign.pk), ladder)
    return {"files": len(objs), "posts": 0}


def _write_posts(actor: Any, batch: ImportBatch, checked: Checked, note: Progress) -> dict[str, int]:
    posts = [Post(campaign=batch.campaign, district=row["_unit"], kind=row["kind"], name=row["name"],
                  capacity=row["capacity"], farm_type=row["farm_type"]) for row in checked.rows]
    Post.objects.bulk_create(posts, batch_size=1000)
    return {"files": 0, "posts": len(posts)}
