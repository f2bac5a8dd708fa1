"""Small readings of `ast` nodes that the scan and its pattern modules share: literal values and dotted names."""

from __future__ import annotations

import ast

from shapelint.static.project.facts import Constant

UNSET = object()  # what `literal` gives for anything that is no literal


def literal(node: ast.expr | None) -> Constant | object:
    """The value of a literal (``True``, ``2``, ``-1``, ``"gru"``, ``None``), else ``UNSET``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float, str, bool, type(None))):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant):
        value = node.operand.value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return -value
    return UNSET


def dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = dotted(node.value)
        return None if base is None else f"{base}.{node.attr}"
    return None
