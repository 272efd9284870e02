"""Placement: people to posts within their destination, optimal, with a certificate.

Stages, each returning a ``Certificate``:

- ``assign_groups`` (group stage): factory groups to districts, each group whole (a MILP), then
  ``restrict_arcs`` keeps each person's arcs into their group's district;
- ``compile_instance`` + ``solve_assignment`` (exact assignment stage): people to posts at least total
  cost, by a sparse shortest-augmenting-path kernel per connected component, proven optimal by an
  independent check of the dual potentials; infeasibility comes with a Hall witness;
- ``solve_with_side_constraints``: groups that must share a district and posts that need a skill, by
  re-placing only the people involved with CP-SAT, warm-started from the flow's answer.

``example_placement`` generates a feasible instance of any size (the 1929 destinations by default).
Input problems raise ``PlacementInputError``, whose ``problems`` list every one of them.
"""

from cadre.engine.placement.assignment import SOLVER, AssignmentResult, solve_assignment
from cadre.engine.placement.generator import (
    DESTINATIONS_1929,
    UNIONS,
    PlacementExample,
    PostType,
    example_placement,
)
from cadre.engine.placement.groups import GroupPlan, assign_groups, group_costs, restrict_arcs
from cadre.engine.placement.infeasible import Unplaced
from cadre.engine.placement.instance import AssignmentInstance, compile_instance
from cadre.engine.placement.problems import InputCode, InputProblem, PlacementInputError
from cadre.engine.placement.side import SideConstraints, SideResult, solve_with_side_constraints
from cadre.engine.placement.verify import Verification

__all__ = [
    "DESTINATIONS_1929",
    "SOLVER",
    "UNIONS",
    "AssignmentInstance",
    "AssignmentResult",
    "GroupPlan",
    "InputCode",
    "InputProblem",
    "PlacementExample",
    "PlacementInputError",
    "PostType",
    "SideConstraints",
    "SideResult",
    "Unplaced",
    "Verification",
    "assign_groups",
    "compile_instance",
    "example_placement",
    "group_costs",
    "restrict_arcs",
    "solve_assignment",
    "solve_with_side_constraints",
]
