"""Who may do what, where: the one place that answers "may this user do ACTION on this unit?".

A role grants a fixed set of actions (:data:`GRANTS`); a membership grants them at its unit and every
unit below it (a factory committee of one Leningrad factory acts on that factory's files only; a
regional council of Leningrad on every file of the region; the director at the center on everything).
Services call :func:`require` before anything else; selectors filter with :func:`scope_q`, so that a
view never filters by role itself. Superusers may do everything (administration, the twin import).

Screening decisions are checked twice: here (may the user decide files of this unit at all, and in which
engine roles), then by the engine's ladder (may that role take that action at the file's stage today).
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q
from django.utils.translation import gettext as _

from cadre.engine.screening import Role as LadderRole
from cadre.web.accounts.models import Membership, OrgUnit, Role
from cadre.web.errors import Forbidden

__all__ = [
    "GRANTS",
    "LADDER_ROLES",
    "Action",
    "holds",
    "ladder_roles",
    "may",
    "memberships_of",
    "require",
    "require_admin",
    "scope_q",
    "scope_units",
    "subtree_ids",
]


class Action(StrEnum):
    """What a user can be allowed to do."""

    CAMPAIGN_MANAGE = "campaign_manage"  # create a campaign, new rulebook versions, deadlines
    CONTROL_FIGURES_SET = "control_figures_set"  # set and push down quotas
    FILE_DECLARE = "file_declare"  # a volunteer's own declaration
    FILE_VIEW = "file_view"
    FILE_DECIDE = "file_decide"  # a screening decision (which one: the ladder says, by engine role)
    REFERENCE_GIVE = "reference_give"
    SELECTION_RUN = "selection_run"
    COURSE_MANAGE = "course_manage"
    DISTRIBUTION_PLAN = "distribution_plan"
    PLACEMENT_RUN = "placement_run"
    DISPATCH = "dispatch"
    ARRIVAL_RECORD = "arrival_record"
    FIELD_RECORD = "field_record"  # field events and exits
    AUDIT_VIEW = "audit_view"
    JOB_VIEW = "job_view"


_READ = {Action.FILE_VIEW, Action.JOB_VIEW}
GRANTS: dict[str, frozenset[Action]] = {
    Role.DIRECTOR: frozenset({*_READ, Action.CAMPAIGN_MANAGE, Action.CONTROL_FIGURES_SET, Action.SELECTION_RUN,
                              Action.DISTRIBUTION_PLAN, Action.AUDIT_VIEW}),
    Role.REGIONAL_COUNCIL: frozenset({*_READ, Action.FILE_DECIDE, Action.CONTROL_FIGURES_SET}),
    Role.REGIONAL_UNION: frozenset({*_READ, Action.FILE_DECIDE}),
    Role.FACTORY_COMMITTEE: frozenset({*_READ, Action.FILE_DECIDE, Action.REFERENCE_GIVE}),
    Role.PARTY_CELL: frozenset({*_READ, Action.FILE_DECIDE, Action.REFERENCE_GIVE}),
    Role.REGIONAL_PARTY_COMMITTEE: frozenset({*_READ, Action.FILE_DECIDE, Action.SELECTION_RUN,
                                              Action.AUDIT_VIEW}),
    Role.VOLUNTEER: frozenset({Action.FILE_DECLARE}),
    Role.COURSE_ORGANIZER: frozenset({*_READ, Action.COURSE_MANAGE}),
    Role.PLACEMENT_AGENCY: frozenset({*_READ, Action.COURSE_MANAGE, Action.DISTRIBUTION_PLAN,
                                      Action.PLACEMENT_RUN, Action.DISPATCH, Action.ARRIVAL_RECORD,
                                      Action.FIELD_RECORD, Action.AUDIT_VIEW}),
    Role.DISTRICT_OFFICE: frozenset({*_READ, Action.PLACEMENT_RUN, Action.ARRIVAL_RECORD, Action.FIELD_RECORD}),
    Role.HISTORIAN: frozenset({*_READ, Action.AUDIT_VIEW}),
}

#: The ladder's bodies that each workspace role decides as (the volunteer submits and withdraws).
LADDER_ROLES: dict[str, LadderRole] = {
    Role.PARTY_CELL: LadderRole.PARTY_CELL,
    Role.FACTORY_COMMITTEE: LadderRole.FACTORY_COMMITTEE,
    Role.REGIONAL_UNION: LadderRole.REGIONAL_UNION,
    Role.REGIONAL_COUNCIL: LadderRole.REGIONAL_COUNCIL,
    Role.REGIONAL_PARTY_COMMITTEE: LadderRole.REGIONAL_PARTY,
    Role.VOLUNTEER: LadderRole.VOLUNTEER,
}

User = AbstractBaseUser | AnonymousUser


def memberships_of(user: User) -> list[Membership]:
    """The user's memberships with their units, read once per request (cached on the user object)."""
    if not user.is_authenticated or not user.is_active:
        return []
    cached: list[Membership] | None = getattr(user, "_cadre_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user).select_related("unit"))
        user._cadre_memberships = cached  # type: ignore[union-attr]  # per-request cache on the user object
    return cached


def _superuser(user: User) -> bool:
    return bool(getattr(user, "is_superuser", False)) and user.is_active


def may(user: User, action: Action, unit: OrgUnit | None) -> bool:
    """Whether ``user`` may take ``action`` on an object of ``unit`` (``None``: an object of the center)."""
    if _superuser(user):
        return True
    for m in memberships_of(user):
        if action in GRANTS[m.role] and ((unit is None and m.unit.parent_id is None)
                                          or (unit is not None and m.unit.contains(unit))):
            return True
    return False


def require(user: User, action: Action, unit: OrgUnit | None, *, what: str = "") -> None:
    """Raise :class:`Forbidden`, saying why, unless ``user`` may take ``action`` on ``unit``."""
    if may(user, action, unit):
        return
    where = unit.code if unit is not None else _("the center")
    if not user.is_authenticated:
        raise Forbidden(_("sign in first"))
    raise Forbidden(_("%(user)s may not %(action)s for %(where)s%(what)s: no role that allows it at this unit "
                      "or above") % {"user": user.get_username(), "action": action.value.replace("_", " "),
                                     "where": where, "what": f" ({what})" if what else ""})


def ladder_roles(user: User, unit: OrgUnit) -> list[LadderRole]:
    """The ladder bodies ``user`` may decide as for a file of ``unit``, highest authority last."""
    roles = {LADDER_ROLES[m.role] for m in memberships_of(user)
             if m.role in LADDER_ROLES and m.role != Role.VOLUNTEER and m.unit.contains(unit)}
    from cadre.engine.screening import AUTHORITY

    return sorted(roles, key=lambda r: AUTHORITY.get(r, 0))


def scope_units(user: User, action: Action) -> list[OrgUnit] | None:
    """The units at whose subtrees ``user`` may take ``action``; ``None`` means everywhere."""
    if _superuser(user):
        return None
    return [m.unit for m in memberships_of(user) if action in GRANTS[m.role]]


def scope_q(user: User, action: Action, *unit_fields: str) -> Q:
    """A filter for objects that ``user`` may take ``action`` on, through any of ``unit_fields``.

    Each field is a lookup path to an :class:`OrgUnit` (``"factory"``, ``"destination"``); an object
    matches when one of them lies in the subtree of a unit where the action is granted.

    The subtrees are resolved to unit ids first (one indexed prefix query on the small units table), so
    the filter on the large tables is ``field_id IN (...)`` on their foreign-key indexes, not a join to
    the units and a pattern match per row. A grant at the root of the tree is no filter at all.
    """
    units = scope_units(user, action)
    if units is None:
        return Q()
    roots = _roots(units)
    if any(unit.parent_id is None for unit in roots):
        return Q()
    if not roots:
        return Q(pk__in=[])
    ids = subtree_ids(user, roots)
    q = Q(pk__in=[])
    for field in unit_fields:
        q |= Q(**{f"{field}__in": ids})
    return q


#: Above this many units, the ids travel as a subquery instead of a literal list.
_LITERAL_IDS = 500


def subtree_ids(user: User, roots: list[OrgUnit]) -> Any:
    """The ids of the units in the subtrees of ``roots``, for ``field__in=`` (cached on the user object for
    the request): a list, or a subquery when there are many."""
    key = tuple(sorted(u.path for u in roots))
    cache: dict[tuple[str, ...], Any] = getattr(user, "_cadre_subtrees", None) or {}
    if key not in cache:
        where = Q(pk__in=[])
        for unit in roots:
            where |= Q(path__startswith=unit.path)
        subtree = OrgUnit.objects.filter(where).order_by().values_list("id", flat=True)
        ids = list(subtree[: _LITERAL_IDS + 1])
        cache[key] = ids if len(ids) <= _LITERAL_IDS else subtree
        if user.is_authenticated:
            user._cadre_subtrees = cache  # type: ignore[union-attr]  # per-request cache, like the memberships
    return cache[key]


def _roots(units: Iterable[OrgUnit]) -> list[OrgUnit]:
    """The units not below another of them (a filter over their subtrees needs only these)."""
    ordered = sorted(set(units), key=lambda u: len(u.path))
    kept: list[OrgUnit] = []
    for unit in ordered:
        if not any(k.contains(unit) for k in kept):
            kept.append(unit)
    return kept


def require_admin(user: User) -> None:
    """Raise :class:`Forbidden` unless ``user`` is an administrator (superuser)."""
    if not _superuser(user):
        raise Forbidden(_("only an administrator may change the organization and its accounts"))


def holds(user: User, action: Action) -> bool:
    """Whether ``user`` may take ``action`` anywhere at all (before the exact unit is known)."""
    return _superuser(user) or any(action in GRANTS[m.role] for m in memberships_of(user))
