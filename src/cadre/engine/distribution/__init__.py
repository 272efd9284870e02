"""Distribution: the origin-destination plan as a transportation problem with groups (SYSTEM.md §3.1, §5).

Supply by source region (optionally split by union) goes to destinations within their minimum and
maximum, every worker sent, each used pair carrying at least one group, priority floors held, the plan
scored by destination priority, staying in the own region, patronage and production ties, and travel.

- :func:`distribute` builds the best plan, or proves that none keeps the rules and says which bind;
  :class:`Distribution` holds the plan, its totals and its :class:`~cadre.engine.certificate.Certificate`.
- :class:`DistributionParams` and :class:`PriorityFloor`: the preferences and the rules.
- :func:`check_plan` checks a given plan (the record's, a draft) and returns every problem as data.
- :func:`reproduce_1929` rebuilds the 1929 plan from the control figures and sets it beside the record's.
- :func:`validate_inputs` and the ``read_*`` functions: every problem of the input tables at once;
  :class:`DistributionInputError` carries them when :func:`distribute` is given bad inputs.

Exceptions::

    ValueError
     └── DistributionInputError   bad cells in supply, demand, ties or distances (``issues`` lists all)
"""

from cadre.engine.distribution.check import PROBLEM_SCHEMA, PlanCheck, PlanProblem, check_plan
from cadre.engine.distribution.inputs import (
    ISSUE_SCHEMA,
    DistributionInputError,
    InputCode,
    Inputs,
    read_demand,
    read_distances,
    read_supply,
    read_ties,
    read_union_ties,
    validate_inputs,
)
from cadre.engine.distribution.params import DEFAULT_PRIORITY_WEIGHTS, DistributionParams, PriorityFloor
from cadre.engine.distribution.scenario_1929 import (
    MIN_GROUP_1929,
    REGION_CENTERS_1929,
    Inputs1929,
    Reproduction,
    floors_1929,
    inputs_1929,
    region_distances,
    reproduce_1929,
)
from cadre.engine.distribution.solve import SOLVER, Distribution, distribute

__all__ = [
    "DEFAULT_PRIORITY_WEIGHTS",
    "ISSUE_SCHEMA",
    "MIN_GROUP_1929",
    "PROBLEM_SCHEMA",
    "REGION_CENTERS_1929",
    "SOLVER",
    "Distribution",
    "DistributionInputError",
    "DistributionParams",
    "InputCode",
    "Inputs",
    "Inputs1929",
    "PlanCheck",
    "PlanProblem",
    "PriorityFloor",
    "Reproduction",
    "check_plan",
    "distribute",
    "floors_1929",
    "inputs_1929",
    "read_demand",
    "read_distances",
    "read_supply",
    "read_ties",
    "read_union_ties",
    "region_distances",
    "reproduce_1929",
    "validate_inputs",
]
