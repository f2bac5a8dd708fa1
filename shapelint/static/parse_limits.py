"""What the parsers can take: a file libcst's native parser would crash on is refused beforehand.

libcst's parser is recursive native code: about 1,500 nested brackets, or an expression of some
7,000 operands (`a+a+...`), overflow its stack and kill the process (exit 139), losing every other
file's findings. CPython refuses more than 200 nested brackets itself, so such a file is not valid
Python anyway. A cheap count of brackets and operators finds the few files at risk; only those are
parsed by the standard library first, which says what is wrong or how deep the code goes.
"""

from __future__ import annotations

import ast
import contextlib
import re
from collections.abc import Collection, Iterator

import libcst as cst

from shapelint.static import python_ast
from shapelint.static.project.facts import FileOutline
from shapelint.static.pruning import prune

# Beyond these (far beyond real code), a file is checked with `ast` before libcst sees it.
RISKY_BRACKETS = 100
RISKY_LINE = 3_000  # characters on one line
RISKY_LINES_INSIDE = 2_000  # lines of one bracketed expression
# Deeper syntax trees are not analysed: libcst and the inference recurse along them (real code
# stays far below; a chain of 250 method calls is 500 levels).
SAFE_DEPTH = 500

_BRACKETS_AND_NEWLINES = re.compile(r"\\\n|[][(){}\n]")


class Unparseable(ValueError):
    """Why a file is not given to libcst, and where (1-based line and column). ``python_refuses``:
    Python itself would not run the file (else only shapelint cannot analyse it)."""

    def __init__(self, message: str, line: int = 1, column: int = 1, python_refuses: bool = True) -> None:
        super().__init__(message)
        self.line = line
        self.column = column
        self.python_refuses = python_refuses


def parse_module(text: str, keep: Collection[str] | None = None, outline: FileOutline | None = None) -> cst.Module:
    """libcst's parse of ``text``, once it is known not to crash the parser (raises
    :class:`Unparseable`, or libcst's ``ParserSyntaxError``). With ``keep``, the definitions the
    inference cannot use are blanked first (see :func:`pruning.prune`, which ``outline`` spares a
    parse), as the linter reads a file."""
    return parse_trusted(prepared(text, keep, outline))


def prepared(text: str, keep: Collection[str] | None = None, outline: FileOutline | None = None) -> str:
    """``text`` as :func:`parse_module` gives it to libcst: checked, and pruned with ``keep``."""
    depth = outline.depth if outline is not None and outline.size == len(text) else None
    if depth is None:
        check_parseable(text)
    elif depth > SAFE_DEPTH:  # the scan's `ast` read all of it (no NUL, nothing Python refuses) and saw how deep
        raise _too_deep()
    return text if keep is None else prune(text, keep, outline)


def parse_trusted(source: str) -> cst.Module:
    """libcst's parse of text :func:`prepared` (or a part of such text)."""
    with _parser_nodes_trusted():
        return cst.parse_module(source)


@contextlib.contextmanager
def _parser_nodes_trusted() -> Iterator[None]:
    """libcst checks every node as it is built, a tenth of a parse; the nodes its parser builds from
    text it accepted pass by construction (libcst's own note at ``CSTNode.__post_init__`` says the
    check would better be skipped when parsing). Nodes built elsewhere (a fix) are still checked."""
    check = cst.CSTNode.__post_init__
    cst.CSTNode.__post_init__ = _unchecked  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        cst.CSTNode.__post_init__ = check  # type: ignore[method-assign]


def _unchecked(node: cst.CSTNode) -> None:
    pass


def check_parseable(text: str) -> None:
    """Raise :class:`Unparseable` for text that Python refuses to run or libcst would crash on."""
    if "\0" in text:
        before = text[: text.index("\0")]
        line = before.count("\n") + 1
        raise Unparseable("the file contains a NUL byte, which Python refuses", line, len(before) - before.rfind("\n"))
    if not _at_risk(text):
        return
    try:
        tree = python_ast.parse(text)
    except SyntaxError as error:
        raise Unparseable(error.msg, error.lineno or 1, error.offset or 1) from None
    except (RecursionError, MemoryError):
        raise Unparseable("the code is nested too deeply for Python to compile it") from None
    if _depth(tree) > SAFE_DEPTH:
        raise _too_deep()


def _too_deep() -> Unparseable:
    message = f"the code is nested more than {SAFE_DEPTH} levels deep, past what shapelint analyses"
    return Unparseable(message, python_refuses=False)


def _at_risk(text: str) -> bool:
    """Deep brackets, one very long line, or one bracketed expression over very many lines: a count
    over brackets and newlines only (strings and comments included, which can only raise a false
    alarm, which `ast` then settles)."""
    if max(map(len, text.splitlines()), default=0) > RISKY_LINE:
        return True
    depth = lines_inside = 0
    for match in _BRACKETS_AND_NEWLINES.finditer(text):
        character = match.group()
        if character == "\\\n":  # a backslash continues the line, as a bracket would
            lines_inside += 1
            if lines_inside > RISKY_LINES_INSIDE:
                return True
        elif character == "\n":
            lines_inside = lines_inside + 1 if depth else 0
            if lines_inside > RISKY_LINES_INSIDE:
                return True
        elif character in "([{":
            depth += 1
            if depth > RISKY_BRACKETS:
                return True
        else:
            depth = max(0, depth - 1)
    return False


def _depth(tree: ast.AST) -> int:
    """The depth of the syntax tree, without recursion."""
    deepest = 0
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return deepest
