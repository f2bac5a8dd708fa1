r"""The standard library's parse of the user's code, without its warnings.

CPython's compiler warns about odd code as it parses (`1(2)`: "'int' object is not callable",
`"\d"`: an invalid escape); those warnings are about the user's file, and a linter that printed
them on every run would repeat what Python says when the file runs.
"""

from __future__ import annotations

import ast
import re
import warnings

# A line as Python's tokenizer ends one: at `\n`, `\r\n` or `\r`, and nowhere else.
_LINE = re.compile(r"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+\Z")
# Where `str.splitlines` also cuts.
_OTHER_BREAKS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def parse(text: str) -> ast.Module:
    """``ast.parse(text)``, its warnings silenced (raises as ``ast.parse`` does)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(text)


def source_lines(text: str, keepends: bool = False) -> list[str]:
    """``text`` cut into the lines Python numbers. ``str.splitlines`` also cuts at a form feed and
    at other characters Python keeps inside a line, so its line numbers drift from the parser's."""
    if _OTHER_BREAKS.search(text) is None:
        return text.splitlines(keepends)
    found = _LINE.findall(text)
    return found if keepends else [line.rstrip("\r\n") for line in found]
