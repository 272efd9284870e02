"""Why a replicate could not be run."""

from __future__ import annotations

__all__ = ["InfeasibleRunError"]


class InfeasibleRunError(RuntimeError):
    """The scenario's values leave the campaign without a plan: no distribution or no placement exists.

    Not a bug: a calibration that tries such values scores them as far from the record.
    """
