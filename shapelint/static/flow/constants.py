"""Arithmetic, comparisons and truth of literal values, so that settings flow through the code.

``num_directions = 2 if bidirectional else 1`` and ``if self.n_layers > 1:`` are decided when
the setting is known; the result keeps the evidence of every literal it was computed from.
"""

from __future__ import annotations

import operator
from collections.abc import Callable

import libcst as cst

from shapelint.static.values import Literal, Value

_ARITHMETIC: dict[type[cst.BaseBinaryOp], Callable[[int, int], int]] = {
    cst.Add: operator.add,
    cst.Subtract: operator.sub,
    cst.Multiply: operator.mul,
    cst.FloorDivide: operator.floordiv,
}
_COMPARISONS: dict[type[cst.BaseCompOp], Callable[[object, object], bool]] = {
    cst.Equal: operator.eq,
    cst.NotEqual: operator.ne,
    cst.LessThan: operator.lt,  # type: ignore[dict-item]
    cst.LessThanEqual: operator.le,  # type: ignore[dict-item]
    cst.GreaterThan: operator.gt,  # type: ignore[dict-item]
    cst.GreaterThanEqual: operator.ge,  # type: ignore[dict-item]
    cst.Is: operator.is_,
    cst.IsNot: operator.is_not,
}


def evidence_of(*values: Value) -> tuple[str, ...]:
    """The evidence of every literal among ``values``, each once, in order."""
    found: dict[str, None] = {}
    for value in values:
        if isinstance(value, Literal):
            found.update(dict.fromkeys(value.evidence))
    return tuple(found)


def arithmetic(op: cst.BaseBinaryOp, left: Value, right: Value) -> Literal | None:
    """``2 * n_layers`` of two integer literals (bools count as 0 and 1, as in Python)."""
    function = _ARITHMETIC.get(type(op))
    if function is None or not isinstance(left, Literal) or not isinstance(right, Literal):
        return None
    if not isinstance(left.value, int) or not isinstance(right.value, int):
        return None
    if isinstance(op, cst.FloorDivide) and right.value == 0:
        return None
    return Literal(function(int(left.value), int(right.value)), evidence_of(left, right))


def comparison(op: cst.BaseCompOp, left: Value, right: Value) -> Literal | None:
    function = _COMPARISONS.get(type(op))
    if function is None or not isinstance(left, Literal) or not isinstance(right, Literal):
        return None
    if isinstance(op, (cst.Is, cst.IsNot)) and None not in (left.value, right.value):
        return None  # identity of ints and strings is an implementation detail
    try:
        result = function(left.value, right.value)
    except TypeError:
        return None
    return Literal(bool(result), evidence_of(left, right))


def truth(value: Value) -> Literal | None:
    """Whether a condition is known to hold: a literal's truth, with its evidence."""
    if isinstance(value, Literal):
        return Literal(bool(value.value), value.evidence)
    return None
