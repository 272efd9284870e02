"""Imports with preview: every problem at its row and column before anything is written, all or nothing,
and the same list imported twice writes nothing twice."""

from __future__ import annotations

import io
from typing import Any

import polars as pl
import pytest
from django.test import Client

from cadre.web.audit.models import AuditEvent
from cadre.web.errors import Forbidden, IllegalMove, Invalid
from cadre.web.files.models import Decision, PersonalFile, Status
from cadre.web.imports.models import ImportBatch, ImportStatus
from cadre.web.imports.services import import_preview, import_run, import_submit
from cadre.web.placement.models import Post
from support import files, person


def csv_bytes(frame: pl.DataFrame) -> bytes:
    out = io.BytesIO()
    frame.write_csv(out)
    return out.getvalue()


def volunteers(*changes: dict[str, Any]) -> bytes:
    """A volunteer list of Leningrad metalworkers at LEN-F1 (a factory of the test org tree)."""
    return csv_bytes(files(*(person(**{"factory_id": "LEN-F1", **c}) for c in changes)))


def preview(people: dict[str, Any], campaign: Any, data: bytes, who: str = "director", kind: str = "files",
            name: str = "list.csv") -> ImportBatch:
    return import_preview(actor=people[who], campaign=campaign, kind=kind, filename=name, data=data)


def test_a_malformed_list_is_refused_with_every_problem_at_its_row_and_column(people, campaign):
    data = volunteers({"person_id": "X1"}, {"age": "two hundred"}, {"sex": "robot", "skill_grade": "9"},
                      {"factory_id": "NOWHERE"}, {"person_id": "X1", "age": "40"})
    batch = preview(people, campaign, data)
    places = {(p["row"], p["column"]) for p in batch.problems}
    assert {(2, "age"), (3, "sex"), (3, "skill_grade"), (4, "factory_id")} <= places
    assert any(p["column"] == "person_id" for p in batch.problems)  # the duplicate number
    assert batch.clean_rows == 0 or batch.clean_rows < batch.rows_in
    with pytest.raises(Invalid, match="problems"):
        import_submit(actor=people["director"], batch=batch)
    with pytest.raises(Invalid, match="nothing was written"):
        import_run(actor=people["director"], batch=batch)
    assert not PersonalFile.objects.exists()
    assert not Decision.objects.exists()


def test_a_good_list_imports_whole_into_tier_one_with_audit_rows(people, campaign):
    batch = preview(people, campaign, volunteers({}, {}, {"party_status": "nonparty", "party_joined": None,
                                                          "reference_from": "factory_committee"}))
    assert (batch.problems, batch.clean_rows, len(batch.sample)) == ([], 3, 3)
    assert not PersonalFile.objects.exists()  # the preview writes nothing to the campaign
    job = import_submit(actor=people["director"], batch=batch)
    assert job.status == "done"
    assert job.result == {"files": 3, "posts": 0}
    assert PersonalFile.objects.filter(campaign=campaign, status=Status.AT_PARTY_CELL).count() == 3
    assert Decision.objects.filter(action="submit").count() == 3
    assert AuditEvent.objects.filter(action="import_run").count() == 1
    assert AuditEvent.objects.filter(action="file_submit").count() == 3
    batch.refresh_from_db()
    assert batch.status == ImportStatus.IMPORTED


def test_the_same_list_twice_creates_no_duplicates_and_says_why(people, campaign):
    data = volunteers({}, {})
    import_submit(actor=people["director"], batch=preview(people, campaign, data))
    second = preview(people, campaign, data, name="same-list-again.csv")
    with pytest.raises(IllegalMove, match="imported into this campaign already"):
        import_submit(actor=people["director"], batch=second)
    with pytest.raises(IllegalMove, match="nothing was written again"):
        import_run(actor=people["director"], batch=second)
    assert PersonalFile.objects.count() == 2
    # A different file that repeats a number is refused at that row, too.
    overlap = preview(people, campaign, volunteers({"person_id": "P1"}, {"person_id": "NEW-1"}))
    assert [(p["row"], p["column"]) for p in overlap.problems] == [(1, "person_id")]


def test_only_the_director_imports_volunteer_lists(people, campaign):
    with pytest.raises(Forbidden):
        preview(people, campaign, volunteers({}), who="fc1")
    with pytest.raises(Forbidden):
        preview(people, campaign, volunteers({}), who="agency")


def test_posts_import_checks_district_kind_and_permission(people, org, campaign):
    good = b"district,kind,name,capacity,farm_type\nLVO-D1,chairman,Farm Red Dawn,1,artel\nLVO-D1,mts_staff,MTS 1,4,\n"
    batch = preview(people, campaign, good, who="district", kind="posts", name="posts.csv")
    assert batch.problems == []
    import_submit(actor=people["district"], batch=batch)
    assert Post.objects.filter(campaign=campaign).count() == 2
    bad = b"district,kind,name,capacity\nLEN-F1,chairman,X,1\nLVO-D1,pope,Y,0\nLVO-D1,chairman,Farm Red Dawn,1\n"
    problems = {(p["row"], p["column"]) for p in preview(people, campaign, bad, who="agency", kind="posts").problems}
    assert problems == {(1, "district"), (2, "kind"), (2, "capacity"), (3, "name")}


def test_unreadable_files_are_refused_with_the_reason(people, campaign):
    with pytest.raises(Invalid, match="CSV"):
        preview(people, campaign, b"%PDF-1.4", name="list.pdf")
    with pytest.raises(Invalid, match="fields"):
        preview(people, campaign, b"a,b\n1,2,3\n")
    assert not ImportBatch.objects.exists()


def test_the_pages_upload_preview_and_import(people, campaign):
    client = Client()
    client.force_login(people["director"])
    assert client.get("/imports/").status_code == 200
    upload = io.BytesIO(volunteers({}, {"age": "200"}))
    upload.name = "bad.csv"
    page = client.post("/imports/", {"campaign": "c1929", "kind": "files", "file": upload}, follow=True)
    html = page.content.decode()
    assert 'data-row="2"' in html
    assert "Import 1 row" not in html  # a file with problems cannot be imported
    upload = io.BytesIO(volunteers({}, {}))
    upload.name = "good.csv"
    page = client.post("/imports/", {"campaign": "c1929", "kind": "files", "file": upload}, follow=True)
    batch = ImportBatch.objects.get(filename="good.csv")
    assert "Import 2 rows" in page.content.decode()
    done = client.post(f"/imports/{batch.pk}/import/", follow=True).content.decode()
    assert "Imported 2 personal files" in done
    volunteer = Client()
    volunteer.force_login(people["vol1"])
    assert volunteer.get("/imports/").status_code == 403
    assert volunteer.get(f"/imports/{batch.pk}/").status_code == 404


def test_cells_no_database_can_store_are_problems_at_their_place(people, campaign):
    """A NUL, a text longer than its column, a number past the integer column: found in the preview."""
    data = volunteers({"person_id": "P" * 80}, {"trade": "fit\x00ter"})
    batch = preview(people, campaign, data)
    places = {(p["row"], p["column"]) for p in batch.problems}
    assert {(1, "person_id"), (2, "trade")} <= places
    assert all("\x00" not in (p["value"] or "") for p in batch.problems)  # storable on PostgreSQL too
    with pytest.raises(Invalid, match="problems"):
        import_submit(actor=people["director"], batch=batch)
    assert not PersonalFile.objects.exists()
    posts = b"district,kind,name,capacity\nLVO-D1,chairman,Farm,99999999999999999999\n"
    problems = {(p["row"], p["column"]) for p in preview(people, campaign, posts, who="district", kind="posts").problems}
    assert problems == {(1, "capacity")}
