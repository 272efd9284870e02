"""The values of one column that a set of rules still admits: used to find contradictory rulebooks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from cadre.engine.conditions import Clause
from cadre.engine.schema import Column, Kind

__all__ = ["Domain"]

_Number = float | dt.date


@dataclass(frozen=True, slots=True, kw_only=True)
class Domain:
    """Admitted values of a column: an interval for numbers and dates, a finite set for the rest.

    ``values`` is None where the set is not finite (free text, numbers); the interval is then what counts.
    A domain that cannot be reasoned about (list columns, ``present``) stays full: it is never reported
    empty, so the check errs towards accepting a rulebook.
    """

    values: frozenset[Any] | None
    low: _Number | None = None
    low_open: bool = False
    high: _Number | None = None
    high_open: bool = False

    @classmethod
    def full(cls, column: Column) -> Domain:
        if column.kind is Kind.BOOL:
            return cls(values=frozenset({True, False}))
        if column.kind is Kind.ENUM:
            return cls(values=frozenset(column.allowed))
        low = column.minimum if column.kind in (Kind.INT, Kind.FLOAT) else None
        high = column.maximum if column.kind in (Kind.INT, Kind.FLOAT) else None
        return cls(values=None, low=low, high=high)

    @property
    def empty(self) -> bool:
        if self.values is not None and not self.values:
            return True
        if self.low is None or self.high is None:
            return False
        if self.low > self.high:  # type: ignore[operator]
            return True
        return self.low == self.high and (self.low_open or self.high_open)

    def _with(self, **changes: Any) -> Domain:
        return replace(self, **changes)

    def _raise_low(self, bound: _Number, is_open: bool) -> Domain:
        if self.low is None or bound > self.low or (bound == self.low and is_open):  # type: ignore[operator]
            return self._with(low=bound, low_open=is_open)
        return self

    def _lower_high(self, bound: _Number, is_open: bool) -> Domain:
        if self.high is None or bound < self.high or (bound == self.high and is_open):  # type: ignore[operator]
            return self._with(high=bound, high_open=is_open)
        return self

    def narrow(self, test: Clause) -> Domain:
        """The values still admitted once ``test`` must also hold."""
        out = self
        for op, value in test.operators:
            if op == "at_least":
                out = out._raise_low(value, False)
            elif op == "above":
                out = out._raise_low(value, True)
            elif op == "at_most":
                out = out._lower_high(value, False)
            elif op == "below":
                out = out._lower_high(value, True)
            elif op in ("equals", "is"):
                if out.values is not None:
                    out = out._with(values=out.values & {value})
                else:
                    out = out._raise_low(value, False)._lower_high(value, False)
            elif op == "in" and out.values is not None:
                out = out._with(values=out.values & set(value))
            elif op == "not_in" and out.values is not None:
                out = out._with(values=out.values - set(value))
            elif op == "not_equals" and out.values is not None:
                out = out._with(values=out.values - {value})
        return out
