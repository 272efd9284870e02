"""A placement instance compiled for the solver, from three frames: arcs, posts and (optionally) people.

``compile_instance`` validates the frames (every problem at once, as ``PlacementInputError``), numbers
people and posts, groups the arcs by person and orders people and posts by connected component, so that a
component is a contiguous range of people, of posts and of arcs. That layout lets one component be
re-solved on its own, touching nothing of the others.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import polars as pl
from numpy.typing import NDArray

from cadre.engine.placement.kernels import bucket, components, duplicate_arcs, layout
from cadre.engine.placement.problems import InputCode, PlacementInputError, problem_at
from cadre.engine.placement.validate import frame_problems, positions, unknown_ids

__all__ = ["AssignmentInstance", "compile_instance"]


# eq=False: the instance holds arrays, for which dataclass equality is not defined.
@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class AssignmentInstance:
    """Arcs grouped by person; people and posts in component order.

    Component ``c`` holds people ``person_ptr[c]..person_ptr[c+1]``, posts ``post_ptr[c]..post_ptr[c+1]``
    and the arcs of its people, each person's sorted by cost; posts that no arc reaches come after the
    last component. ``person_row`` is each person's input row. Costs are float64; ``integral`` says
    whether they are all integers, small enough that every sum stays exact in float64: then every
    potential and the bound are exact integers too.
    """

    person_ids: pl.Series
    person_row: NDArray[np.int64]
    post_ids: pl.Series
    people: pl.DataFrame
    indptr: NDArray[np.int64]
    col: NDArray[np.int32]
    cost: NDArray[np.float64]
    capacity: NDArray[np.int64]
    person_ptr: NDArray[np.int64]
    post_ptr: NDArray[np.int64]
    integral: bool

    @property
    def n_components(self) -> int:
        return len(self.person_ptr) - 1

    def components_of(self, person_ids: pl.Series) -> tuple[int, ...]:
        """The components (sorted, distinct) of the given people; unknown ids are ignored."""
        idx = positions(self.person_ids, person_ids)
        idx = idx[idx >= 0]
        return tuple(int(c) for c in np.unique(np.searchsorted(self.person_ptr, idx, side="right") - 1))

    def components_where(self, column: str, value: object) -> tuple[int, ...]:
        """The components of the people whose attribute ``column`` equals ``value`` (e.g. a region)."""
        if column not in self.people.columns:
            raise KeyError(f"people have no column {column!r} (columns: {', '.join(self.people.columns)})")
        chosen = self.people.filter(pl.col(column).cast(pl.String) == str(value)).get_column("person_id")
        return self.components_of(chosen)

    def component_table(self) -> pl.DataFrame:
        """One row per component: people, posts, places (capacity), arcs, and the people's region if known."""
        comp = np.arange(self.n_components)
        total = np.concatenate([[0], np.cumsum(self.capacity)])
        places = total[self.post_ptr[1:]] - total[self.post_ptr[:-1]]
        frame = pl.DataFrame({
            "component": comp, "people": np.diff(self.person_ptr), "posts": np.diff(self.post_ptr),
            "places": places.astype(np.int64), "arcs": np.diff(self.indptr[self.person_ptr]),
        })
        if "region" in self.people.columns:
            owner = np.repeat(comp, np.diff(self.person_ptr))
            regions = (self.people.select(pl.col("region").cast(pl.String)).with_columns(component=owner)
                       .group_by("component").agg(pl.col("region").unique().sort().str.join(";")))
            frame = frame.join(regions, on="component", how="left")
        return frame

    def with_capacities(self, posts: pl.DataFrame) -> AssignmentInstance:
        """The same instance with new capacities for the listed posts (``post_id``, ``capacity``).

        Arcs and components do not change, so a planner's quota change costs one pass over the posts
        listed; re-solve only ``components_of_posts`` of them.
        """
        if posts.height == 0:
            return self
        problems = frame_problems({"posts": posts})
        idx = positions(self.post_ids, posts.get_column("post_id"))
        unknown = unknown_ids(idx, posts.get_column("post_id"), "posts", InputCode.UNKNOWN_POST,
                              "post id not in the instance")
        if problems or unknown is not None:
            raise PlacementInputError([*problems, *([unknown] if unknown is not None else [])])
        capacity = self.capacity.copy()
        capacity[idx] = posts.get_column("capacity").cast(pl.Int64).to_numpy()
        return replace(self, capacity=capacity)

    def keep_arcs(self, keep: NDArray[np.bool_]) -> AssignmentInstance:
        """The same instance with only the arcs where ``keep`` holds (in this instance's arc order).

        Components stay as they are: a component may fall apart into smaller ones, but its people still
        reach no post outside it, which is all the solver needs.
        """
        total = np.concatenate([[0], np.cumsum(keep)]).astype(np.int64)
        return replace(self, indptr=total[self.indptr], col=self.col[keep], cost=self.cost[keep])

    def components_of_posts(self, post_ids: pl.Series) -> tuple[int, ...]:
        """The components that the given posts belong to (posts no arc reaches belong to none)."""
        idx = positions(self.post_ids, post_ids)
        idx = idx[(idx >= 0) & (idx < self.post_ptr[-1])]
        return tuple(int(c) for c in np.unique(np.searchsorted(self.post_ptr, idx, side="right") - 1))


def compile_instance(
    arcs: pl.DataFrame, posts: pl.DataFrame, people: pl.DataFrame | None = None
) -> AssignmentInstance:
    """Validate and compile an explicit-cost instance.

    ``arcs``: person_id, post_id, cost (numeric, finite); ``posts``: post_id, capacity (integer >= 0; 0
    closes a post); ``people`` (optional): person_id and any attributes; without it, the people are
    those that have an arc. Ids are integers or text. Raises ``PlacementInputError`` listing every problem.
    """
    frames = {"arcs": arcs, "posts": posts} | ({"people": people} if people is not None else {})
    problems = frame_problems(frames)
    person_ref = (people.get_column("person_id") if people is not None
                  else arcs.get_column("person_id").drop_nulls().unique(maintain_order=True))
    post_ref = posts.get_column("post_id")
    p_raw = positions(person_ref, arcs.get_column("person_id"))
    q_raw = positions(post_ref, arcs.get_column("post_id"))
    problems += [p for p in (
        unknown_ids(q_raw, arcs.get_column("post_id"), "arcs", InputCode.UNKNOWN_POST, "post id not in posts"),
        unknown_ids(p_raw, arcs.get_column("person_id"), "arcs", InputCode.UNKNOWN_PERSON,
                    "person id not in people"),
    ) if p is not None]
    n, m = len(person_ref), len(post_ref)
    indptr0, order0 = bucket(np.where(q_raw >= 0, p_raw, -1), n)
    mask = np.zeros(arcs.height, dtype=bool)
    mask[duplicate_arcs(indptr0, order0, q_raw, m)] = True
    dup = problem_at(InputCode.DUPLICATE_ARC, "arcs", "post_id", mask,
                     "the same (person_id, post_id) pair appears more than once", arcs.get_column("post_id"))
    if dup is not None:
        problems.append(dup)
    if problems:
        raise PlacementInputError(problems)

    p_comp, q_comp, count = components(n, m, indptr0, order0, q_raw)
    p_order = np.argsort(p_comp, kind="stable")
    q_order = np.argsort(np.where(q_comp < 0, count, q_comp), kind="stable")
    p_rank = np.empty(n, np.int64)
    p_rank[p_order] = np.arange(n)
    q_rank = np.empty(m, np.int64)
    q_rank[q_order] = np.arange(m)
    cost_in = arcs.get_column("cost").cast(pl.Float64).to_numpy()
    indptr, col, cost, integral = layout(indptr0, order0, p_rank, q_rank, q_raw, cost_in)
    person_ptr = np.concatenate([[0], np.cumsum(np.bincount(p_comp, minlength=count))]).astype(np.int64)
    post_ptr = np.concatenate([[0], np.cumsum(np.bincount(q_comp[q_comp >= 0], minlength=count))]).astype(np.int64)
    people_frame = (people if people is not None else pl.DataFrame({"person_id": person_ref}))[p_order]
    return AssignmentInstance(
        person_ids=people_frame.get_column("person_id"), person_row=p_order, post_ids=post_ref[q_order],
        people=people_frame, indptr=indptr, col=col, cost=cost,
        capacity=posts.get_column("capacity").cast(pl.Int64).to_numpy()[q_order],
        person_ptr=person_ptr, post_ptr=post_ptr,
        # Exact in float64 while every sum of costs along paths and over people stays below 2**53.
        integral=bool(integral) and float(np.abs(cost).max(initial=0.0)) * (n + 1) < 2.0**53,
    )
