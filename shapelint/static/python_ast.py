r"""The standard library's parse of the user's code, without its warnings.

CPython's compiler warns about odd code as it parses (`1(2)`: "'int' object is not callable",
`"\d"`: an invalid escape); those warnings are about the user's file, and a linter that printed
them on every run would repeat what Python says when the file runs.
"""

from __future__ import annotations

import ast
import warnings


def parse(text: str) -> ast.Module:
    """``ast.parse(text)``, its warnings silenced (raises as ``ast.parse`` does)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(text)
