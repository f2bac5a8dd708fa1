"""The one result type that every rule, static or runtime, produces."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True, order=True)
class Edit:
    """Replace the text from (line, column) up to (end_line, end_column) with ``replacement``; 1-based."""

    line: int
    column: int
    end_line: int
    end_column: int
    replacement: str


@dataclass(frozen=True)
class Fix:
    """An automatic repair: what it does, in the imperative, and the edits that do it."""

    title: str
    edits: tuple[Edit, ...]


@dataclass(frozen=True)
class Finding:
    """A problem found at a place in a file.

    Lines and columns are 1-based; ``end_line``/``end_column`` point just past
    the flagged code, as in ruff's and SARIF's regions. ``fix`` is set when the
    rule can repair the code itself (``shapelint check --fix``). In a notebook,
    ``cell`` is the code cell (from 1) and the lines are that cell's.
    """

    path: str
    line: int
    column: int
    code: str
    name: str
    message: str
    end_line: int
    end_column: int
    fix: Fix | None = field(default=None, compare=False)
    cell: int | None = None

    def sort_key(self) -> tuple[str, int, int, int, str, str]:
        return (self.path, self.cell or 0, self.line, self.column, self.code, self.message)

    def __lt__(self, other: Finding) -> bool:
        return self.sort_key() < other.sort_key()

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape documented in docs/static-analysis.md (field order is the reading order)."""
        data = asdict(self)
        return {key: data[key] for key in JSON_FIELDS}


JSON_FIELDS = ("code", "name", "message", "path", "cell", "line", "column", "end_line", "end_column", "fix")
