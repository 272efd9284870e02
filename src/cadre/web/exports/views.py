"""The exports page: every table as CSV, Excel or Parquet, pseudonymized, written to a temporary file."""

from __future__ import annotations

import hashlib
import secrets
import tempfile
from pathlib import Path

import polars.selectors as cs
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cadre.io.tables import write_table
from cadre.web.exports.selectors import TABLES, export_frame
from cadre.web.placement.pagekit import campaign_of, refusals

FORMATS = {"csv": ("text/csv", ".csv"), "xlsx": (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
    "parquet": ("application/vnd.apache.parquet", ".parquet")}
LABELS = {"files": gettext_lazy("Personal files (no names)"), "decisions": gettext_lazy("Screening decisions"),
          "placements": gettext_lazy("Placements in posts"), "field_events": gettext_lazy("Field journal"),
          "exits": gettext_lazy("Exits with their channel"), "audit": gettext_lazy("Audit trail")}
_SESSION = "cadre_export_key"


def _key(request: HttpRequest) -> bytes:
    """The export's key, kept in the session: tables downloaded in one export join on ``person``."""
    if _SESSION not in request.session:
        request.session[_SESSION] = secrets.token_hex(32)
    return bytes.fromhex(request.session[_SESSION])


@refusals
def index(request: HttpRequest) -> HttpResponse:
    """The tables, the formats, and the current export's key fingerprint."""
    campaign = campaign_of(request)
    fingerprint = hashlib.sha256(_key(request)).hexdigest()[:8]
    return render(request, "exports/index.html", {"campaign": campaign, "tables": [(t, LABELS[t]) for t in TABLES],
                                                  "formats": list(FORMATS), "fingerprint": fingerprint})


@require_POST
@refusals
def new_key(request: HttpRequest) -> HttpResponse:
    """Start a new export: new pseudonyms, which do not join with those of earlier downloads."""
    request.session[_SESSION] = secrets.token_hex(32)
    messages.success(request, _("A new export started: its pseudonyms differ from every earlier download."))
    campaign = campaign_of(request)
    return redirect(request.path.rsplit("new-key/", 1)[0] + (f"?campaign={campaign.slug}" if campaign else ""))


@refusals
def download(request: HttpRequest, table: str, fmt: str) -> HttpResponse:
    """One table in one format, written to a temporary file and streamed from it."""
    campaign = campaign_of(request)
    if table not in TABLES or fmt not in FORMATS or campaign is None:
        raise Http404(_("no such export"))
    frame = export_frame(user=request.user, campaign=campaign, table=table, key=_key(request))
    content_type, suffix = FORMATS[fmt]
    if fmt == "xlsx":  # Excel has no time zones: the times are written as UTC wall-clock times
        frame = frame.with_columns(cs.datetime(time_zone="*").dt.replace_time_zone(None))
    folder = Path(tempfile.mkdtemp(prefix="cadre-export-"))
    path = write_table(frame, folder / f"{campaign.slug}-{table}{suffix}")
    handle = path.open("rb")
    path.unlink()  # the open handle keeps the data until the response has streamed it
    folder.rmdir()
    return FileResponse(handle, as_attachment=True, filename=path.name, content_type=content_type)
