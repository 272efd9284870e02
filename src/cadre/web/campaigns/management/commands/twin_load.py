"""``python -m cadre.web.manage twin_load``: fill a fresh database with one twin replicate."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cadre.web.accounts.services import system_user
from cadre.web.errors import DomainError


class Command(BaseCommand):
    help = ("Load one replicate of the twin (personal files to exits) into a fresh database, with demo accounts "
            "for every role (password cadre-demo). Either --export DIR (from `cadre twin run --export DIR`) or a "
            "run here (--scenario, --seed, --scale).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--export", type=Path, help="folder written by `cadre twin run --export`")
        parser.add_argument("--scenario", default="ussr-1929")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--scale", type=float, default=0.05, help="share of the full work force (the run's --scale)")
        parser.add_argument("--slug", default="ussr-1929", help="the campaign's slug")

    def handle(self, *args: Any, **options: Any) -> None:
        from cadre.web.twinload.loader import twin_load_dir, twin_run_and_load

        def say(fraction: float, message: str) -> None:
            self.stderr.write(f"{fraction:4.0%} {message}")

        actor = system_user()
        try:
            if options["export"] is not None:
                summary = twin_load_dir(actor=actor, directory=options["export"], scale=options["scale"],
                                        slug=options["slug"], progress=say)
            else:
                summary = twin_run_and_load(actor=actor, scenario=options["scenario"], seed=options["seed"],
                                            scale=options["scale"], slug=options["slug"], progress=say)
        except DomainError as error:
            raise CommandError(error.reason) from error
        self.stdout.write(json.dumps(summary, indent=1, default=str))
