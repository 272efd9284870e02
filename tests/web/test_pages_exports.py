"""The historian's exports: every table in three formats, pseudonymized with a per-export key."""

from __future__ import annotations

import io

import polars as pl
import pytest
from django.urls import reverse
from support_after import serving


@pytest.fixture
def field(people, org, campaign):
    return serving(people, org, campaign, n=2)


def _read(response, fmt: str) -> pl.DataFrame:
    data = b"".join(response.streaming_content)
    if fmt == "csv":
        return pl.read_csv(io.BytesIO(data))
    if fmt == "parquet":
        return pl.read_parquet(io.BytesIO(data))
    return pl.read_excel(io.BytesIO(data))


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet"])
def test_every_table_downloads_without_the_file_numbers(client, people, field, fmt):
    client.force_login(people["historian"])
    ids = {f.person_id for f in field}
    for table in ("files", "decisions", "placements", "field_events", "exits", "audit"):
        response = client.get(reverse("exports:download", args=[table, fmt]))
        assert response.status_code == 200, table
        assert f"{table}.{fmt}" in response["Content-Disposition"]
        frame = _read(response, fmt)
        assert frame.height > 0, table
        text = frame.write_csv()
        assert not any(pid in text for pid in ids), table
        assert "owner" not in frame.columns
        assert "username" not in text


def test_pseudonyms_join_within_an_export_and_change_with_a_new_one(client, people, field):
    client.force_login(people["historian"])
    files = _read(client.get(reverse("exports:download", args=["files", "csv"])), "csv")
    exits = _read(client.get(reverse("exports:download", args=["exits", "csv"])), "csv")
    assert exits.height == 1
    assert exits["channel"][0] == "recalled"
    assert exits["person"][0] in set(files["person"])
    client.post(reverse("exports:new_key"))
    again = _read(client.get(reverse("exports:download", args=["files", "csv"])), "csv")
    assert set(again["person"]).isdisjoint(set(files["person"]))


def test_the_audit_trail_is_exported_only_to_those_who_may_read_it(client, people, field):
    client.force_login(people["district"])
    audit = _read(client.get(reverse("exports:download", args=["audit", "csv"])), "csv")
    assert audit.height == 0
    client.force_login(people["historian"])
    page = client.get(reverse("exports:index")).content.decode()
    assert "files.parquet" in page
    assert "audit.xlsx" in page
    assert client.get(reverse("exports:download", args=["nothing", "csv"])).status_code == 404
