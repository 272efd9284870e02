"""The error of a document (a rulebook, a scenario) that has problems: all of them, each with its place."""

from __future__ import annotations

__all__ = ["DocumentError"]


class DocumentError(ValueError):
    """A document that cannot be used. ``problems`` lists every problem, each naming its place; ``source``
    names the document (a file path, or a bundled name)."""

    def __init__(self, source: str, problems: list[str]) -> None:
        super().__init__(f"{source}: " + f"\n{source}: ".join(problems))
        self.source = source
        self.problems = problems

    def summary(self, what: str) -> str:
        """``what`` SOURCE has N problem(s), then one problem a line: for a person reading a terminal."""
        return f"{what} {self.source} has {len(self.problems)} problem(s):\n  " + "\n  ".join(self.problems)
