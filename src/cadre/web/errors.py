"""The workspace's domain errors: what a service refuses, and why, in words a person can act on.

::

    DomainError                 any refusal by a service (``reason`` says why)
     ├── Forbidden              the actor may not do this here (role or unit)
     ├── IllegalMove            the workflow does not allow this move from the current status
     ├── Invalid                the input is wrong (``problems`` lists every problem at once)
     └── Conflict               the state changed under the caller (someone decided first)

Views turn them into 403 / 409 / 422 answers; nothing here knows about HTTP.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["Conflict", "DomainError", "Forbidden", "IllegalMove", "Invalid"]


class DomainError(Exception):
    """A service refused to act; ``reason`` says why (translated where it is shown)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Forbidden(DomainError):  # noqa: N818 - read as the refusal it is, like Django's PermissionDenied
    """The actor's roles and units do not allow the action on this object."""


class IllegalMove(DomainError):  # noqa: N818 - read as the refusal it is, like Django's PermissionDenied
    """The workflow's transition table has no such move from the object's current status."""


class Invalid(DomainError):  # noqa: N818 - read as the refusal it is, like Django's PermissionDenied
    """Bad input; ``problems`` lists every problem found, not only the first."""

    def __init__(self, reason: str, problems: Sequence[str] = ()) -> None:
        super().__init__(reason if not problems else f"{reason}: " + "; ".join(problems))
        self.problems = list(problems)


class Conflict(DomainError):  # noqa: N818 - read as the refusal it is, like Django's PermissionDenied
    """The object changed since the caller read it; reload and decide again."""
