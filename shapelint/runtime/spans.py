"""Where on its line a runtime finding's call is, kept apart from torch so that the rules load without it.

A place stays ``path:line``, which findings and messages share; the span of the first call the run saw
there, (column, end line, end column), 1-based with the end exclusive, is looked up by it.
"""

from __future__ import annotations

from types import CodeType

_SPANS: dict[str, tuple[int, int, int]] = {}
_POSITIONS: dict[CodeType, list[tuple[int | None, int | None, int | None, int | None]]] = {}


def known(place: str) -> bool:
    return place in _SPANS


def remember(place: str, span: tuple[int, int, int]) -> None:
    _SPANS[place] = span


def span_of(place: str) -> tuple[int, int, int] | None:
    """(column, end line, end column) of the call first seen at ``place``, if Python told."""
    return _SPANS.get(place)


def positions_of(code: CodeType) -> list[tuple[int | None, int | None, int | None, int | None]]:
    """A code object's positions table (one entry per instruction), read once."""
    if code not in _POSITIONS:
        _POSITIONS[code] = list(code.co_positions())
    return _POSITIONS[code]
