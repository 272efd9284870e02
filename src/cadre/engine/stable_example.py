"""Stable placement, generated instances: correlated preferences at any scale, for tests and benchmarks.

Real preferences are correlated: some posts are wanted by many (a large farm near a railway), some
candidates are wanted by every post (a skilled metalworker with party experience). So each post has a
common desirability and each volunteer a common quality, and individual tastes add noise to both:

- a volunteer considers a sample of posts (drawn in proportion to ``exp(popularity * desirability)``)
  and ranks between ``list_length[0]`` and ``list_length[1]`` of them, by desirability plus noise;
- each post ranks the volunteers who ranked it, by quality plus noise, leaving ``unacceptable_share`` of
  them off its list (a post only takes candidates it ranks);
- capacities are drawn in a range; by default the seats number about 1.1 times the volunteers.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from cadre.engine.stable_encode import CAPACITY, PERSON, POST, RANK, StableInstance

__all__ = ["example_stable"]

_EXACT_CELLS = 4_000_000  # up to this many volunteer x post cells, sample the considered posts exactly


def _span(value: int | tuple[int, int], name: str) -> tuple[int, int]:
    low, high = (value, value) if isinstance(value, int) else value
    if not 1 <= low <= high:
        raise ValueError(f"{name} must be a positive integer or a range (low, high) with 1 <= low <= high, not {value!r}")
    return low, high


def _ids(prefix: str, n: int) -> pl.Series:
    width = max(6, len(str(n)))
    return pl.select(pl.concat_str(pl.lit(prefix), pl.int_range(1, n + 1).cast(pl.String).str.zfill(width))).to_series()


def _considered(rng: np.random.Generator, weight: np.ndarray, volunteers: int, size: int) -> np.ndarray:
    """``size`` posts per volunteer drawn by weight; -1 marks a repeat (possible only at large scale)."""
    posts = weight.shape[0]
    if volunteers * posts <= _EXACT_CELLS:
        # Without replacement, exactly: the Gumbel-top-k trick over every post.
        keys = np.log(weight)[None, :] + rng.gumbel(size=(volunteers, posts))
        return np.argpartition(-keys, size - 1, axis=1)[:, :size] if size < posts else np.argsort(-keys, axis=1)
    drawn = np.sort(rng.choice(posts, size=(volunteers, size), p=weight / weight.sum()), axis=1)
    repeat = np.zeros_like(drawn, dtype=bool)
    repeat[:, 1:] = drawn[:, 1:] == drawn[:, :-1]
    return np.where(repeat, -1, drawn)


def example_stable(
    *,
    volunteers: int = 27_500,
    posts: int = 3_000,
    list_length: int | tuple[int, int] = (20, 50),
    capacity: int | tuple[int, int] | None = None,
    popularity: float = 1.0,
    noise: float = 1.0,
    unacceptable_share: float = 0.05,
    rng: np.random.Generator,
) -> StableInstance:
    """A stable-placement instance with correlated preferences; ids ``V000001``... and ``P000001``...

    ``list_length`` caps at ``posts``; at large scale a list may come out a little shorter than drawn when
    the sample of considered posts repeats a post. The same generator state gives the same instance.
    """
    if volunteers < 0 or posts < 1:
        raise ValueError(f"need volunteers >= 0 and posts >= 1, not {volunteers} and {posts}")
    if not 0.0 <= unacceptable_share < 1.0:
        raise ValueError(f"unacceptable_share must lie in [0, 1), not {unacceptable_share}")
    low, high = _span(list_length, "list_length")
    low, high = min(low, posts), min(high, posts)
    if capacity is None:
        mean = max(1, round(1.1 * volunteers / posts))
        capacity = (max(1, mean // 2), mean + mean - max(1, mean // 2))
    cap_low, cap_high = _span(capacity, "capacity")

    desirability = rng.standard_normal(posts)
    quality = rng.standard_normal(volunteers)
    lengths = rng.integers(low, high + 1, size=volunteers)
    considered = _considered(rng, np.exp(popularity * (desirability - desirability.max())), volunteers,
                             min(posts, max(2 * high, high + 16)))
    utility = popularity * desirability[np.maximum(considered, 0)] + noise * rng.standard_normal(considered.shape)
    utility[considered < 0] = -np.inf
    order = np.argsort(-utility, axis=1, kind="stable")
    chosen = np.take_along_axis(considered, order, axis=1)
    keep = (np.arange(chosen.shape[1])[None, :] < lengths[:, None]) & (chosen >= 0)
    person, slot = np.nonzero(keep)
    post = chosen[person, slot]
    # Ranks 1..k by position among the kept entries (np.nonzero returns them by volunteer, best first).
    rank = np.arange(person.shape[0]) - np.searchsorted(person, person) + 1

    accepted = rng.random(person.shape[0]) >= unacceptable_share
    p_person, p_post = person[accepted], post[accepted]
    score = quality[p_person] + noise * rng.standard_normal(p_person.shape[0])
    by_post = np.lexsort((-score, p_post))
    p_person, p_post = p_person[by_post], p_post[by_post]
    p_rank = np.arange(p_post.shape[0]) - np.searchsorted(p_post, p_post) + 1

    person_ids, post_ids = _ids("V", volunteers), _ids("P", posts)
    return StableInstance(
        volunteer_prefs=pl.DataFrame({PERSON: person_ids.gather(person), POST: post_ids.gather(post),
                                      RANK: rank.astype(np.int64)}),
        post_prefs=pl.DataFrame({POST: post_ids.gather(p_post), PERSON: person_ids.gather(p_person),
                                 RANK: p_rank.astype(np.int64)}),
        capacities=pl.DataFrame({POST: post_ids, CAPACITY: rng.integers(cap_low, cap_high + 1, size=posts)}),
    )
