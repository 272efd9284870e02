"""``python -m cadre.web.manage api_token``: make, list and revoke API tokens (acting as the system account)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cadre.web.accounts.services import system_user
from cadre.web.api.models import ApiToken
from cadre.web.api.services import token_create, token_revoke
from cadre.web.errors import DomainError


class Command(BaseCommand):
    help = ("Make a bearer token for a user (printed once), list a user's tokens, or revoke one. "
            "Examples: api_token create --user director --name report;  api_token list --user director;  "
            "api_token revoke 3")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        create = sub.add_parser("create", help="make a token and print it (it is not kept)")
        create.add_argument("--user", required=True)
        create.add_argument("--name", required=True, help="what will use the token")
        listing = sub.add_parser("list", help="a user's tokens")
        listing.add_argument("--user", required=True)
        revoke = sub.add_parser("revoke", help="revoke a token by its number (from list)")
        revoke.add_argument("token_id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        actor = system_user()
        try:
            if options["what"] == "create":
                token, raw = token_create(actor=actor, name=options["name"], user=self._user(options["user"]))
                self.stderr.write(f"token {token.pk} ({token.name}) for {token.user.get_username()}; "
                                  "shown only now:")
                self.stdout.write(raw)
            elif options["what"] == "list":
                for t in ApiToken.objects.filter(user=self._user(options["user"])):
                    state = "active" if t.active else f"revoked {t.revoked_at:%Y-%m-%d %H:%M}"
                    used = f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never"
                    self.stdout.write(f"{t.pk:>5}  {t.prefix}...  {t.name:<30} last used {used:<16}  {state}")
            else:
                token = token_revoke(actor=actor, token=options["token_id"])
                self.stdout.write(f"revoked token {token.pk} ({token.name}) of {token.user.get_username()}")
        except ApiToken.DoesNotExist as error:
            raise CommandError(f"no token {options.get('token_id')}") from error
        except DomainError as error:
            raise CommandError(error.reason) from error

    @staticmethod
    def _user(name: str) -> Any:
        try:
            return get_user_model().objects.get(username=name)
        except get_user_model().DoesNotExist as error:
            raise CommandError(f"no user {name}") from error
