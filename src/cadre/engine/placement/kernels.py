"""Compiled helpers that turn arc lists into the solver's layout: grouping, duplicates, components.

Each is one linear pass in numba: sorting 5.5 million arcs with numpy would cost more than the solve.
"""

from __future__ import annotations

import numpy as np
from numba import njit
from numpy.typing import NDArray

__all__ = ["bucket", "components", "duplicate_arcs", "layout", "lookup"]


@njit(cache=True)
def bucket(rows: NDArray[np.int64], n: int) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Counting sort of arc positions by row (stable); rows < 0 are left out. Returns (indptr, order)."""
    indptr = np.zeros(n + 1, np.int64)
    for r in rows:
        if r >= 0:
            indptr[r + 1] += 1
    for i in range(n):
        indptr[i + 1] += indptr[i]
    fill = indptr[:-1].copy()
    order = np.empty(indptr[n], np.int64)
    for a in range(len(rows)):
        r = rows[a]
        if r >= 0:
            order[fill[r]] = a
            fill[r] += 1
    return indptr, order


@njit(cache=True)
def duplicate_arcs(
    indptr: NDArray[np.int64], order: NDArray[np.int64], cols: NDArray[np.int64], m: int
) -> NDArray[np.int64]:
    """Positions (in the input) of arcs that repeat an earlier (person, post) pair."""
    stamp = np.full(m, -1, np.int64)
    found = []
    for r in range(len(indptr) - 1):
        for i in range(indptr[r], indptr[r + 1]):
            a = order[i]
            k = cols[a]
            if stamp[k] == r:
                found.append(a)
            stamp[k] = r
    out = np.empty(len(found), np.int64)
    for i in range(len(found)):
        out[i] = found[i]
    out.sort()
    return out


@njit(cache=True)
def _root(parent: NDArray[np.int64], x: int) -> int:
    while parent[x] != x:
        parent[x] = parent[parent[x]]  # path halving keeps the trees flat
        x = parent[x]
    return x


@njit(cache=True)
def components(
    n: int, m: int, indptr: NDArray[np.int64], order: NDArray[np.int64], cols: NDArray[np.int64]
) -> tuple[NDArray[np.int64], NDArray[np.int64], int]:
    """Connected components of the bipartite arc graph (union-find over people and posts).

    Components are numbered in the order of their first person; a post that no arc reaches gets -1.
    Returns (component of each person, component of each post, number of components).
    """
    parent = np.arange(n + m)
    for r in range(n):
        # The person joins the tree of their posts, not the other way round: a region's root then stays
        # put as its people are added, and most arcs find their post hanging right under it.
        a = _root(parent, r)
        for i in range(indptr[r], indptr[r + 1]):
            k = n + cols[order[i]]
            if parent[k] == a:
                continue
            b = _root(parent, k)
            if a != b:
                parent[a] = b
                a = b
    # Roots may be people or posts; a tree's label is kept at its root, whichever it is.
    at_root = np.full(n + m, -1, np.int64)
    person_label = np.empty(n, np.int64)
    count = 0
    for r in range(n):
        root = _root(parent, r)
        if at_root[root] < 0:
            at_root[root] = count
            count += 1
        person_label[r] = at_root[root]
    post_label = np.empty(m, np.int64)
    for k in range(m):
        post_label[k] = at_root[_root(parent, n + k)]  # -1: a tree without people
    return person_label, post_label, count


@njit(cache=True)
def _key_form(costs: NDArray[np.float64]) -> tuple[bool, float, int]:
    """How costs become unsigned sort keys: (integral, offset, bytes used).

    Integer costs become ``cost - min`` (one or two bytes for the usual ranges); other costs use their
    IEEE bits, flipped so that unsigned order is numeric order (eight bytes).
    """
    integral = True
    lo = np.inf
    hi = -np.inf
    for c in costs:
        lo = min(lo, c)
        hi = max(hi, c)
        if integral and c != np.floor(c):
            integral = False
    if len(costs) == 0 or not integral or hi - lo >= 2.0**62:
        return False, 0.0, 8
    span = np.uint64(hi - lo)
    size = 1
    while size < 8 and (span >> np.uint64(8 * size)) > 0:
        size += 1
    return True, lo, size


@njit(cache=True, inline="always")
def _key(c: float, b: np.uint64, integral: bool, lo: float) -> np.uint64:
    """The sort key of cost ``c`` whose IEEE bits are ``b``."""
    if integral:
        return np.uint64(c - lo)
    top = np.uint64(1) << np.uint64(63)
    return ~b if b & top else b | top


@njit(cache=True)
def layout(
    indptr: NDArray[np.int64], order: NDArray[np.int64], person_rank: NDArray[np.int64],
    post_rank: NDArray[np.int64], cols: NDArray[np.int64], costs: NDArray[np.float64],
) -> tuple[NDArray[np.int64], NDArray[np.int32], NDArray[np.float64], bool]:
    """The arc lists in the new person order, posts renumbered, each sorted by cost.

    Returns (indptr, col, cost, integral): ``integral`` when every cost is a whole number.

    Sorted lists let the solver stop reading a person's arcs at the first one that cannot beat the best
    free place found so far (every later arc costs at least as much, and potentials only add to it).
    Each list is sorted by a byte-wise radix sort (stable: equal costs keep their input order): with tens
    of thousands of short lists, a comparison sort spends its time on mispredicted branches.
    """
    n = len(indptr) - 1
    integral, offset, size = _key_form(costs)
    bits = costs.view(np.uint64)
    by_rank = np.empty(n, np.int64)
    for r in range(n):
        by_rank[person_rank[r]] = r
    new_ptr = np.zeros(n + 1, np.int64)
    longest = 0
    for i in range(n):
        r = by_rank[i]
        new_ptr[i + 1] = new_ptr[i] + indptr[r + 1] - indptr[r]
        longest = max(longest, indptr[r + 1] - indptr[r])
    col = np.empty(new_ptr[n], np.int32)
    cost = np.empty(new_ptr[n], np.float64)
    ka, kb = np.empty(longest, np.uint64), np.empty(longest, np.uint64)
    va, vb = np.empty(longest, np.int64), np.empty(longest, np.int64)
    count = np.empty(257, np.int64)
    for i in range(n):
        r = by_rank[i]
        lo, d = indptr[r], indptr[r + 1] - indptr[r]
        for t in range(d):
            a = order[lo + t]
            ka[t] = _key(costs[a], bits[a], integral, offset)
            va[t] = a
        for byte in range(size):
            shift = np.uint64(8 * byte)
            count[:] = 0
            for t in range(d):
                count[((ka[t] >> shift) & np.uint64(255)) + 1] += 1
            for b in range(256):
                count[b + 1] += count[b]
            for t in range(d):
                b = (ka[t] >> shift) & np.uint64(255)
                kb[count[b]] = ka[t]
                vb[count[b]] = va[t]
                count[b] += 1
            ka, kb, va, vb = kb, ka, vb, va
        o = new_ptr[i]
        for t in range(d):
            a = va[t]
            col[o + t] = post_rank[cols[a]]
            cost[o + t] = costs[a]
    return new_ptr, col, cost, integral


@njit(cache=True)
def lookup(table: NDArray[np.int64], lo: int, ids: NDArray[np.int64]) -> NDArray[np.int64]:
    """``table[id - lo]`` for ids inside the table, -1 outside: integer ids to positions in one pass."""
    out = np.empty(len(ids), np.int64)
    span = len(table)
    for i in range(len(ids)):
        x = ids[i] - lo
        out[i] = table[x] if 0 <= x < span else -1
    return out
