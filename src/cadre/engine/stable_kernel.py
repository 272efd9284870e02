"""Stable placement, compiled kernels: preference lists grouped and checked, and deferred acceptance.

Each kernel is a plain Python function compiled by numba (``cache=True``: compiled once per machine, then
loaded from ``__pycache__``), behind a typed wrapper so that the rest of the engine type-checks. All of
them are linear in the number of preference rows, except deferred acceptance, which costs
O(proposals * log capacity). Ids are dense integer codes here; ``stable_encode`` maps them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from numba import njit

__all__ = ["DUPLICATE_PAIR", "DUPLICATE_RANK", "RANK_OUT_OF_RANGE", "Lists", "defer", "group_lists",
           "locate", "rank_by_post"]

I64 = npt.NDArray[np.int64]
U8 = npt.NDArray[np.uint8]

# Bits of the per-row flags that ``group_lists`` returns.
DUPLICATE_PAIR = 1  # the owner ranks the same other party twice
DUPLICATE_RANK = 2  # the owner gives the same rank twice
RANK_OUT_OF_RANGE = 4  # a list of k entries must use ranks 1..k; this rank is above k


def _group_lists(owner: I64, other: I64, rank: I64, n_owner: int, n_other: int
                 ) -> tuple[I64, I64, U8, I64, I64]:
    n = owner.shape[0]
    indptr = np.zeros(n_owner + 1, np.int64)
    # A list's length k counts every row of the owner, including rows whose rank is unusable (reported
    # elsewhere), so that "ranks must be 1..k" names the length the user sees in the file.
    for i in range(n):
        if owner[i] >= 0:
            indptr[owner[i] + 1] += 1
    for o in range(n_owner):
        indptr[o + 1] += indptr[o]
    # A stable counting sort by owner, so that "the first row" of a clash is the earliest in the file.
    by_owner = np.empty(indptr[n_owner], np.int64)
    fill = indptr[:-1].copy()
    for i in range(n):
        if owner[i] >= 0:
            by_owner[fill[owner[i]]] = i
            fill[owner[i]] += 1
    slot = np.full(indptr[n_owner], -1, np.int64)  # indptr[o] + rank - 1 -> row: the list in rank order
    flags = np.zeros(n, np.uint8)
    pair_clash = np.full(n, -1, np.int64)
    rank_clash = np.full(n, -1, np.int64)
    # seen[x] holds the row at which the current owner first ranked x; stamp[x] says which owner wrote it,
    # so the arrays never need clearing between owners.
    stamp = np.full(n_other, -1, np.int64)
    seen = np.empty(n_other, np.int64)
    for o in range(n_owner):
        start = indptr[o]
        k = indptr[o + 1] - start
        for j in range(start, indptr[o + 1]):
            i = by_owner[j]
            x = other[i]
            if x >= 0:
                if stamp[x] == o:
                    flags[i] |= DUPLICATE_PAIR
                    pair_clash[i] = seen[x]
                else:
                    stamp[x] = o
                    seen[x] = i
            r = rank[i]
            if r < 1:
                continue
            if r > k:
                flags[i] |= RANK_OUT_OF_RANGE
            elif slot[start + r - 1] >= 0:
                flags[i] |= DUPLICATE_RANK
                rank_clash[i] = slot[start + r - 1]
            else:
                slot[start + r - 1] = i
    return indptr, slot, flags, pair_clash, rank_clash


def _rank_by_post(indptr: I64, arc_post: I64, post_indptr: I64, post_person: I64, n_person: int) -> I64:
    n_post = post_indptr.shape[0] - 1
    n = post_person.shape[0]
    # Regroup the posts' entries by volunteer (counting sort): (post, rank the post gives) per volunteer.
    start = np.zeros(n_person + 1, np.int64)
    for j in range(n):
        start[post_person[j] + 1] += 1
    for v in range(n_person):
        start[v + 1] += start[v]
    fill = start[:-1].copy()
    entry_post = np.empty(n, np.int64)
    entry_rank = np.empty(n, np.int64)
    for p in range(n_post):
        for j in range(post_indptr[p], post_indptr[p + 1]):
            v = post_person[j]
            entry_post[fill[v]] = p
            entry_rank[fill[v]] = j - post_indptr[p] + 1
            fill[v] += 1
    # Then one volunteer at a time: mark the arc of each post on their list (stamped, so never cleared),
    # and look up each post that ranks them. Every access but the regrouping stays within one list, which
    # keeps this several times faster than grouping the arcs by post.
    stamp = np.full(n_post, -1, np.int64)
    arc_of = np.empty(n_post, np.int64)
    prank = np.full(arc_post.shape[0], -1, np.int64)
    for v in range(n_person):
        for a in range(indptr[v], indptr[v + 1]):
            stamp[arc_post[a]] = v
            arc_of[arc_post[a]] = a
        for k in range(start[v], start[v + 1]):
            p = entry_post[k]
            if stamp[p] == v:
                prank[arc_of[p]] = entry_rank[k]
    return prank


def _defer(indptr: I64, arc_post: I64, arc_prank: I64, capacity: I64) -> tuple[I64, int]:
    n_person = indptr.shape[0] - 1
    n_post = capacity.shape[0]
    # A post never holds more than min(capacity, number of volunteers it accepts who rank it): size each
    # post's heap to that, so that huge capacities cost nothing.
    base = np.zeros(n_post + 1, np.int64)
    for a in range(arc_post.shape[0]):
        if arc_prank[a] > 0:
            base[arc_post[a] + 1] += 1
    for p in range(n_post):
        base[p + 1] = base[p] + min(base[p + 1], capacity[p])
    # Per post, a max-heap of (post's rank of the volunteer, volunteer) over base[p]:base[p+1]: the root is
    # the worst volunteer the post holds, the one a better proposal displaces.
    heap_rank = np.empty(base[n_post], np.int64)
    heap_person = np.empty(base[n_post], np.int64)
    size = np.zeros(n_post, np.int64)
    nxt = indptr[:-1].copy()
    match = np.full(n_person, -1, np.int64)
    proposals = 0
    for first in range(n_person):
        v = first
        # Follow the chain of displacements: the proposer, then whoever it displaced, and so on.
        while v >= 0:
            a = nxt[v]
            end = indptr[v + 1]
            displaced = -1
            held = False
            while a < end and not held:
                r = arc_prank[a]
                p = arc_post[a]
                a += 1
                proposals += 1
                if r <= 0:
                    continue  # the post does not rank this volunteer: an immediate refusal
                b = base[p]
                s = size[p]
                if s < base[p + 1] - b:
                    # A free seat: insert and sift up.
                    i = s
                    while i > 0:
                        parent = (i - 1) >> 1
                        if heap_rank[b + parent] >= r:
                            break
                        heap_rank[b + i] = heap_rank[b + parent]
                        heap_person[b + i] = heap_person[b + parent]
                        i = parent
                    heap_rank[b + i] = r
                    heap_person[b + i] = v
                    size[p] = s + 1
                    held = True
                elif r < heap_rank[b]:
                    # Full, and the post prefers v to its worst holder: replace the root and sift down.
                    displaced = heap_person[b]
                    match[displaced] = -1
                    i = 0
                    while True:
                        child = 2 * i + 1
                        if child >= s:
                            break
                        if child + 1 < s and heap_rank[b + child + 1] > heap_rank[b + child]:
                            child += 1
                        if heap_rank[b + child] <= r:
                            break
                        heap_rank[b + i] = heap_rank[b + child]
                        heap_person[b + i] = heap_person[b + child]
                        i = child
                    heap_rank[b + i] = r
                    heap_person[b + i] = v
                    held = True
            nxt[v] = a
            if held:
                match[v] = a - 1
            v = displaced
    return match, proposals


def _locate(indptr: I64, arc_post: I64, person: I64, post: I64) -> I64:
    arc = np.full(person.shape[0], -1, np.int64)
    for i in range(person.shape[0]):
        v = person[i]
        for a in range(indptr[v], indptr[v + 1]):
            if arc_post[a] == post[i]:
                arc[i] = a
                break
    return arc


_group_lists_jit = njit(cache=True)(_group_lists)
_rank_by_post_jit = njit(cache=True)(_rank_by_post)
_defer_jit = njit(cache=True)(_defer)
_locate_jit = njit(cache=True)(_locate)


def _own(array: npt.NDArray[np.integer[Any]]) -> I64:
    """A writable, contiguous int64 array: numba compiles (and caches) one specialization per array flavour,
    and polars hands out read-only views, so every kernel sees this one flavour only."""
    if array.dtype == np.int64 and array.flags.writeable and array.flags.c_contiguous:
        return array  # type: ignore[return-value]
    return np.array(array, dtype=np.int64)


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class Lists:
    """Preference rows grouped by owner and placed at their ranks, with what was wrong with any row.

    ``indptr[o]:indptr[o + 1]`` are owner ``o``'s entries; ``slot`` maps each entry, best first, to its row.
    ``flags`` holds the bits above per row; ``pair_clash`` and ``rank_clash`` name the earlier row a
    duplicate pair or rank collides with (-1 where none). ``slot`` is complete only when no flag is set.
    """

    indptr: I64
    slot: I64
    flags: U8
    pair_clash: I64
    rank_clash: I64


def group_lists(owner: I64, other: I64, rank: I64, *, n_owner: int, n_other: int) -> Lists:
    """Group rows ``(owner, other, rank)`` into lists, checking pairs and ranks.

    Rows with owner < 0 are left out; rows with rank < 1 or other < 0 (problems reported elsewhere) count
    toward their list's length but take no rank, or are not checked for duplicate pairs, respectively.
    """
    indptr, slot, flags, pair_clash, rank_clash = _group_lists_jit(_own(owner), _own(other), _own(rank), n_owner, n_other)
    return Lists(indptr=indptr, slot=slot, flags=flags, pair_clash=pair_clash, rank_clash=rank_clash)


def rank_by_post(indptr: I64, arc_post: I64, post_indptr: I64, post_person: I64, *, n_person: int) -> I64:
    """For each volunteer's entry (arc), the rank the post gives that volunteer, or -1 if it ranks them not."""
    prank: I64 = _rank_by_post_jit(_own(indptr), _own(arc_post), _own(post_indptr), _own(post_person), n_person)
    return prank


def defer(indptr: I64, arc_post: I64, arc_prank: I64, capacity: I64) -> tuple[I64, int]:
    """Volunteer-proposing deferred acceptance: the arc each volunteer holds (-1: none), and the proposals.

    Volunteers propose down their lists, best first; a post holds its best ``capacity`` proposers so far
    (by its own rank) and refuses the rest. The result is the volunteer-optimal stable matching.
    """
    match: I64
    proposals: int
    match, proposals = _defer_jit(_own(indptr), _own(arc_post), _own(arc_prank), _own(capacity))
    return match, int(proposals)


def locate(indptr: I64, arc_post: I64, person: I64, post: I64) -> I64:
    """For each (person, post) row, the arc of that post in the person's list, or -1 if not listed."""
    arc: I64 = _locate_jit(_own(indptr), _own(arc_post), _own(person), _own(post))
    return arc
