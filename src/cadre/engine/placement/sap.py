"""The exact assignment kernel: sparse shortest augmenting paths with dual potentials (numba).

Why this algorithm. The placement instance is sparse (about 200 of 100,000 posts per person), rectangular
(far more places than people, so most posts stay empty) and capacitated (a station takes a team). A
successive-shortest-path method in the Jonker-Volgenant tradition fits all three:

- it works on the arc lists alone, never on a dense matrix, and keeps one potential per person and per
  post, which is an optimal dual solution at the end: the certificate's bound comes for free;
- each person is placed by one Dijkstra search over reduced costs (all non-negative, so a binary heap
  suffices) that stops at the nearest post with a free place. With many free places the searches are
  short: most people reach a free place in one or two steps;
- capacity is native: a full post is one node whose occupants are all expanded when it is reached, so
  nothing is expanded into slots and a post's potential is shared by all its places;
- a person whose search ends without a free place proves Hall's condition fails (the people reached
  outnumber the places of the posts they can reach), so infeasibility comes with its witness;
- it is exact for integer costs (every potential stays a sum of costs) and deterministic.

Each person's arcs come sorted by cost (``kernels.layout``). Potentials of posts are never positive, so
the reduced length through an arc is at least its cost, and a search stops reading a list at the first
arc that cannot beat the nearest free place found so far. On the national instance (27,500 people,
5.5 million arcs) this cut the search from about 170 ms to about 30 ms: most lists are read only up to
their first free post.

An epsilon-scaling auction was the alternative. It needs costs scaled by n + 1 for an exact optimum,
yields potentials that are only epsilon-complementary (to be repaired before they certify anything), and
runs long bidding wars when many people want the same few posts (everyone wants the large first-wave
farms), which scaling only mitigates.

Invariants kept between searches (``u`` persons, ``v`` posts, for minimization):
``cost - u - v >= 0`` on every arc, ``= 0`` on every assigned arc, ``v <= 0``, ``v = 0`` on every post
with a free place (a post, once full, stays full: augmenting only ever adds to the sink's load).
"""

from __future__ import annotations

import numpy as np
from numba import njit
from numpy.typing import NDArray

__all__ = ["solve_components"]

_UNTOUCHED = -1
_DONE = -2


@njit(cache=True, inline="always")
def _sift_up(heap: NDArray[np.int32], pos: NDArray[np.int32], key: NDArray[np.float64], i: int) -> None:
    x = heap[i]
    kx = key[x]
    while i > 0:
        parent = (i - 1) >> 1
        y = heap[parent]
        if key[y] <= kx:
            break
        heap[i] = y
        pos[y] = i
        i = parent
    heap[i] = x
    pos[x] = i


@njit(cache=True, inline="always")
def _pop(heap: NDArray[np.int32], pos: NDArray[np.int32], key: NDArray[np.float64], size: int) -> int:
    """Remove the top of a heap of ``size`` entries (the caller reads it first)."""
    size -= 1
    if size > 0:
        x = heap[size]
        kx = key[x]
        i = 0
        while True:
            c = 2 * i + 1
            if c >= size:
                break
            if c + 1 < size and key[heap[c + 1]] < key[heap[c]]:
                c += 1
            if key[heap[c]] >= kx:
                break
            heap[i] = heap[c]
            pos[heap[i]] = i
            i = c
        heap[i] = x
        pos[x] = i
    return size


@njit(cache=True)
def _solve_one(
    p0: int, p1: int, q0: int, q1: int, indptr: NDArray[np.int64], col: NDArray[np.int32],
    cost: NDArray[np.float64], cap: NDArray[np.int64], slot_ptr: NDArray[np.int64],
    u: NDArray[np.float64], v: NDArray[np.float64], asg: NDArray[np.int64], slot_person: NDArray[np.int32],
    slot_pos: NDArray[np.int64], load: NDArray[np.int64], failed: NDArray[np.bool_],
) -> tuple[int, int]:
    """Place persons ``p0..p1`` on posts ``q0..q1`` (one component); returns (posts scanned, failures)."""
    mq = q1 - q0
    dist = np.full(mq, np.inf)
    hpos = np.full(mq, _UNTOUCHED, np.int32)
    heap = np.empty(mq, np.int32)
    pred_p = np.empty(mq, np.int32)
    pred_a = np.empty(mq, np.int64)
    touched = np.empty(mq, np.int32)
    popped = np.empty(mq, np.int32)
    reached = np.empty(max(p1 - p0, 1), np.int32)
    scanned = 0
    failures = 0
    for s in range(p0, p1):
        ntouch = 0
        npop = 0
        nreach = 0
        size = 0
        best = np.inf
        best_q = -1
        best_p = -1
        best_a = -1
        # Labels of the start person's posts; free posts are never queued, only the nearest is kept.
        # Arcs come sorted by cost and potentials only add to a cost (v <= 0), so the first arc that
        # costs as much as the best free place found ends the list.
        for a in range(indptr[s], indptr[s + 1]):
            c = cost[a]
            if c >= best:
                break
            k = col[a]
            d = c - v[k]
            if load[k] < cap[k]:
                if d < best:
                    best, best_q, best_p, best_a = d, k, s, a
                continue
            kl = k - q0
            if d < best and d < dist[kl]:
                dist[kl] = d
                pred_p[kl] = s
                pred_a[kl] = a
                if hpos[kl] == _UNTOUCHED:
                    touched[ntouch] = kl
                    ntouch += 1
                    heap[size] = kl
                    size += 1
                    _sift_up(heap, hpos, dist, size - 1)
                else:
                    _sift_up(heap, hpos, dist, hpos[kl])
        # Dijkstra over full posts (closed posts count as full and empty): reaching one moves on to each
        # of its occupants' other posts.
        while size > 0:
            jl = heap[0]
            dj = dist[jl]
            if dj >= best:
                break
            size = _pop(heap, hpos, dist, size)
            hpos[jl] = _DONE
            popped[npop] = jl
            npop += 1
            j = jl + q0
            for t in range(slot_ptr[j], slot_ptr[j] + load[j]):
                r = slot_person[t]
                reached[nreach] = r
                nreach += 1
                base = dj - u[r]
                for a in range(indptr[r], indptr[r + 1]):
                    c = base + cost[a]
                    if c >= best:
                        break
                    k = col[a]
                    kl = k - q0
                    if hpos[kl] == _DONE:
                        continue
                    d = c - v[k]
                    if load[k] < cap[k]:
                        if d < best:
                            best, best_q, best_p, best_a = d, k, r, a
                        continue
                    if d < best and d < dist[kl]:
                        dist[kl] = d
                        pred_p[kl] = r
                        pred_a[kl] = a
                        if hpos[kl] == _UNTOUCHED:
                            touched[ntouch] = kl
                            ntouch += 1
                            heap[size] = kl
                            size += 1
                            _sift_up(heap, hpos, dist, size - 1)
                        else:
                            _sift_up(heap, hpos, dist, hpos[kl])
        scanned += npop
        if best_q >= 0:
            # Potentials: the start person's dual rises by the path length, every post finalized before
            # the sink drops by how much closer it was, every person reached rises by the same amount.
            u[s] = best
            for i in range(npop):
                jl = popped[i]
                v[jl + q0] += dist[jl] - best
            for i in range(nreach):
                r = reached[i]
                u[r] += best - dist[col[asg[r]] - q0]
            # Augment: each person on the path moves into the post of the one before it.
            k, r, a = best_q, best_p, best_a
            t = slot_ptr[k] + load[k]
            load[k] += 1
            while True:
                old = asg[r]
                old_t = slot_pos[r]
                asg[r] = a
                slot_person[t] = r
                slot_pos[r] = t
                if old < 0:
                    break
                k = col[old]
                t = old_t
                kl = k - q0
                r = pred_p[kl]
                a = pred_a[kl]
        else:
            failed[s] = True
            failures += 1
        for i in range(ntouch):
            kl = touched[i]
            dist[kl] = np.inf
            hpos[kl] = _UNTOUCHED
    return scanned, failures


@njit(cache=True)
def solve_components(
    comps: NDArray[np.int64], person_ptr: NDArray[np.int64], post_ptr: NDArray[np.int64],
    indptr: NDArray[np.int64], col: NDArray[np.int32], cost: NDArray[np.float64], cap: NDArray[np.int64],
    slot_ptr: NDArray[np.int64], u: NDArray[np.float64], v: NDArray[np.float64], asg: NDArray[np.int64],
    slot_person: NDArray[np.int32], slot_pos: NDArray[np.int64], load: NDArray[np.int64],
    failed: NDArray[np.bool_], scanned: NDArray[np.int64], failures: NDArray[np.int64],
) -> None:
    """Solve the listed components, one after another.

    They share no person and no post, so they could run in parallel; measured on the 17-region
    instance, numba's parallel loop was no faster (about 30 ms of search in all, on two shared cores)
    and its compilation took seconds longer, so they run in turn.

    Component ``c`` holds persons ``person_ptr[c]..person_ptr[c+1]`` and posts ``post_ptr[c]..post_ptr[c+1]``;
    the state arrays (``u``, ``v``, ``asg`` the arc of each person or -1, the slot lists, ``load``) must
    be reset for those ranges by the caller. Per component, ``scanned`` and ``failures`` are filled in.
    """
    for i in range(len(comps)):
        c = comps[i]
        scanned[i], failures[i] = _solve_one(
            person_ptr[c], person_ptr[c + 1], post_ptr[c], post_ptr[c + 1], indptr, col, cost, cap, slot_ptr,
            u, v, asg, slot_person, slot_pos, load, failed,
        )
