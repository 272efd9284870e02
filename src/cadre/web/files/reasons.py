"""Reason codes of decisions that no rulebook criterion names.

A rejection cites a criterion of the campaign's rulebook (its code is the reason, e.g. ``skilled``) or
:attr:`ReasonCode.COMMITTEE_JUDGEMENT` with a written reason; these codes cover the other moves.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["ReasonCode", "reason_code_of"]


class ReasonCode(StrEnum):
    DECLARATION = "declaration"  # the volunteer submitted the declaration
    MEETS_CRITERIA = "meets_criteria"  # approved: the file meets every criterion
    COMMITTEE_JUDGEMENT = "committee_judgement"  # the committee's judgement, explained in words
    SELECTED = "selected"  # chosen by the final selection (the optimizer filled the control figures)
    APPEAL = "appeal"
    OVERRULED = "overruled"  # a higher body overruled a lower one
    WITHDRAWN = "withdrawn"


def reason_code_of(text: str, criteria: set[str]) -> str:
    """The code for a reason written as text (as the twin's decision log writes them)."""
    if text in criteria or text in ReasonCode.__members__.values():
        return text
    lowered = text.lower()
    if lowered.startswith("meets"):
        return ReasonCode.MEETS_CRITERIA
    if lowered.startswith("final selection"):
        return ReasonCode.SELECTED
    if lowered.startswith("declar"):
        return ReasonCode.DECLARATION
    return ReasonCode.COMMITTEE_JUDGEMENT
