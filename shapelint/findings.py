"""The one result type that every rule, static or runtime, produces."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True, order=True)
class Finding:
    """A problem found at a place in a file.

    Lines and columns are 1-based; ``end_line``/``end_column`` point just past
    the flagged code, as in ruff's and SARIF's regions. ``fix`` stays ``None``
    until automatic fixes exist.
    """

    path: str
    line: int
    column: int
    code: str
    name: str
    message: str
    end_line: int
    end_column: int
    fix: None = None

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape documented in README (field order is the reading order)."""
        data = asdict(self)
        return {key: data[key] for key in JSON_FIELDS}


JSON_FIELDS = ("code", "name", "message", "path", "line", "column", "end_line", "end_column", "fix")
