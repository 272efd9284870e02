"""The screening pages run a bounded number of queries, whatever the number of files (no N+1).

The queue once read each row's campaign with its own query (``file.campaign`` in the row's moves): 26
extra queries on a 25-row page under the load test (bench/load_workspace.py). The bounds below hold
for 3 files and for 25 (a full queue page).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from cadre.web.accounts.models import Membership, Role
from cadre.web.files.services import file_declare
from support import answers

pytestmark = pytest.mark.django_db

QUEUE_MAX, DETAIL_MAX, BOARD_MAX = 16, 24, 14


def _declare(org: dict[str, Any], campaign: Any, n: int) -> list[Any]:
    model = get_user_model()
    files = []
    for i in range(n):
        vol = model.objects.create_user(username=f"qc-vol-{i}")
        Membership.objects.create(user=vol, unit=org["LEN-F1"], role=Role.VOLUNTEER)
        files.append(file_declare(actor=vol, campaign=campaign, factory=org["LEN-F1"], answers=answers()))
    return files


@pytest.mark.parametrize("n", [3, 25])
def test_queue_detail_and_board_queries_do_not_grow_with_files(
        org: dict[str, Any], people: dict[str, Any], campaign: Any, n: int,
        django_assert_max_num_queries: Any) -> None:
    files = _declare(org, campaign, n)
    client = Client()
    client.force_login(people["cell1"])
    client.get(reverse("files:queue"))  # warm the per-process caches (ladder, rulebook)
    with django_assert_max_num_queries(QUEUE_MAX):
        page = client.get(reverse("files:queue"), {"campaign": campaign.slug})
    assert page.status_code == 200
    assert files[-1].person_id in page.content.decode()
    with django_assert_max_num_queries(DETAIL_MAX):
        assert client.get(reverse("files:detail", args=[campaign.slug, files[0].person_id])).status_code == 200
    with django_assert_max_num_queries(BOARD_MAX):
        assert client.get(reverse("files:quota_board"), {"campaign": campaign.slug}).status_code == 200
