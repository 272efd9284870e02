"""``python -m cadre.web.manage jobs_recover``: mark the jobs a stopped server left unfinished as failed."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from cadre.web.jobs.runner import jobs_recover


class Command(BaseCommand):
    help = ("Mark every job still queued or running as failed, with the reason that the server stopped before it "
            "finished (its transaction was rolled back, so it can be run again). Run once before the server "
            "starts; `cadre serve` does.")

    def handle(self, *args: Any, **options: Any) -> None:
        count = jobs_recover()
        if options["verbosity"]:
            self.stdout.write(f"{count} unfinished job(s) marked failed" if count else "no unfinished job")
