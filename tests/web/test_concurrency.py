"""Two reviewers deciding one file at the same moment, on real connections (PostgreSQL's row locks).

SQLite serializes writers by itself and its in-memory test database is private to one connection, so
this test runs in the PostgreSQL run only; the sequential form of the race runs on both (test_files).
"""

from __future__ import annotations

import threading
from datetime import date
from typing import Any

import pytest
from django.db import connection

from cadre.web.errors import DomainError
from cadre.web.files.models import PersonalFile
from cadre.web.files.services import file_decide, file_declare
from support import answers

DAY = date(1929, 12, 12)


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_decisions_on_one_file_store_exactly_one(people: Any, org: Any, campaign: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs row locks across connections (the PostgreSQL run)")
    file = file_declare(actor=people["vol1"], campaign=campaign, factory=org["LEN-F1"], answers=answers(), as_of=DAY)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def review() -> None:
        stale = PersonalFile.objects.get(pk=file.pk)
        start.wait()
        try:
            file_decide(actor=people["cell1"], file=stale, action="approve", as_of=DAY)
            outcomes.append("decided")
        except DomainError as error:
            outcomes.append(error.reason)
        finally:
            connection.close()

    threads = [threading.Thread(target=review) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("decided") == 1, outcomes
    assert file.decisions.filter(action="approve").count() == 1
