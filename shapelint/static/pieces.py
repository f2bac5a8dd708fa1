"""A file too large to parse whole is parsed in pieces, so that its syntax tree is never all in memory.

While it parses, libcst's native parser holds about 300 bytes for each character of the text (its
tokens and its own tree, before the Python nodes): the 3.5 MB that pruning keeps of 5 MB of model
code peak at 1.1 GB, though the tree left afterwards takes a tenth of that. Above
:data:`SPLIT_ABOVE` characters of code left after pruning, a file is read as a skeleton and pieces:

- The skeleton is the file with its module code whole (imports, constants, a script's steps) and
  each top-level definition cut to a one-line stub on its first line (``class Encoder: ...``).
  A stub binds the same name, so the module's scope, its top-level code and a lookup by name read
  as they do in the whole tree. A definition that holds the word ``global`` stays whole: what it
  declares decides which module names are constants.
- A piece is a run of consecutive definitions, about :data:`PIECE_CHARS` characters, parsed from
  its own lines (the module code between them blank) when the analysis first reaches one of its
  definitions through a stub. Its positions count from its first line; readers add that offset.

A few parsed pieces are kept (:data:`KEPT_PIECES`) for the next definitions that reach into
them; which ones the analysis holds on to, and for how long, is the program's to say
(``Program.definition``).
"""

from __future__ import annotations

import bisect
import functools
import re
from collections import OrderedDict
from collections.abc import Collection
from dataclasses import dataclass

import libcst as cst

from shapelint.static import python_ast
from shapelint.static.parse_limits import parse_trusted, prepared
from shapelint.static.project.facts import FileOutline, Outline
from shapelint.static.project.scan import file_outline

# Parsed modules kept in a process, for the calls of the next files into them; besides, the last
# modules that calls from other files reached, which the files linted in turn would otherwise push out
# before the next call reaches them again (on the torch package, 38 of 400 parses read a file again,
# a sixth of the code parsed, each time 69 to 300 parses after the last).
MAX_PARSED = 64
MAX_REACHED = 64
# Characters of kept code above which a file is parsed in pieces (its parse peaks near 300 MB), and
# the size of a piece (120 MB). The trees kept are small beside a parse: on fairseq's models, with
# 8 kept a definition's calls rarely parse a piece again.
SPLIT_ABOVE = 1_000_000
PIECE_CHARS = 400_000
KEPT_PIECES = 8

_GLOBAL = re.compile(r"\bglobal\b")
_DEFINITION_LINE = r"^(?:(?P<function>(?:async[ \t]+)?def)|class)[ \t]+{name}\b"


@dataclass(frozen=True)
class _Piece:
    first_line: int
    text: str


class PiecedModule:
    """A large file's skeleton, and the pieces its stubs stand for (see the module's docstring).
    ``text``: the file as the analysis reads it (pruned), for its ``noqa`` comments."""

    def __init__(self, text: str, skeleton: cst.Module, pieces: list[_Piece], stood_for: list[tuple[int, int]]) -> None:
        self.text = text
        self.skeleton = skeleton
        self._pieces = pieces
        # The skeleton's top-level definitions are the stubs and the few definitions kept whole.
        definitions = (node for node in skeleton.body if isinstance(node, (cst.FunctionDef, cst.ClassDef)))
        self._stubs: dict[cst.BaseStatement, tuple[int, int]] = {
            node: place for node, place in zip(definitions, stood_for, strict=True) if place[0] >= 0
        }

    def stands_for(self, node: cst.BaseStatement) -> tuple[int, int] | None:
        """For a stub of the skeleton, its piece and the definition's place among the piece's statements."""
        return self._stubs.get(node)

    def piece(self, index: int) -> cst.Module:
        """The piece parsed (again, unless one of the last few parsed in this process)."""
        key = (id(self), index)
        if key in _recent:
            _recent.move_to_end(key)
        else:
            _recent[key] = (self, parse_trusted(self._pieces[index].text))
            while len(_recent) > KEPT_PIECES:
                _recent.popitem(last=False)
        return _recent[key][1]

    def first_line(self, index: int) -> int:
        return self._pieces[index].first_line


# The modules calls from other files reached last, by text and kept names.
_reached: OrderedDict[tuple[str, frozenset[str] | None], cst.Module | PiecedModule] = OrderedDict()

# The pieces parsed last, by file and index (each with its file, so that no id is reused meanwhile).
_recent: OrderedDict[tuple[int, int], tuple[PiecedModule, cst.Module]] = OrderedDict()


def analysed_module(
    text: str, keep: frozenset[str] | None, outline: FileOutline | None = None, reached: bool = False
) -> cst.Module | PiecedModule:
    """A file as the analysis reads it (see :func:`parse_limits.parse_module`), in pieces if large,
    kept for the next files of the run: a file is linted and read again when calls from other files
    reach into it, pruned the same way. ``reached``: read for such a call, which keeps it longer
    (:data:`MAX_REACHED`)."""
    key = (text, keep)
    found = _reached.get(key)
    if found is not None:
        _reached.move_to_end(key)
        return found
    module = _analysed_module(text, keep, outline)
    if reached:
        _reached[key] = module
        while len(_reached) > MAX_REACHED:
            _reached.popitem(last=False)
    return module


def forget_parses() -> None:
    """Parse again from now on (a test that changes the limits parses under its own)."""
    _reached.clear()
    _analysed_module.cache_clear()


@functools.lru_cache(maxsize=MAX_PARSED)
def _analysed_module(
    text: str, keep: frozenset[str] | None, outline: FileOutline | None = None
) -> cst.Module | PiecedModule:
    source = prepared(text, keep, outline)
    same_text = outline is not None and outline.size == len(text)
    return in_pieces(source, outline if same_text else None) or parse_trusted(source)


def in_pieces(source: str, outline: FileOutline | None) -> PiecedModule | None:
    """``source`` (checked and pruned) as a skeleton and pieces, when it holds more than
    :data:`SPLIT_ABOVE` characters of code; else None. ``outline``: of the text it was pruned from
    (the same lines), if known."""
    if len(source) <= SPLIT_ABOVE:
        return None
    lines = python_ast.source_lines(source, keepends=True)
    if sum(len(line) for line in lines if line.strip()) <= SPLIT_ABOVE:
        return None
    if outline is None:
        try:
            outline = file_outline(python_ast.parse(source), len(source))
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None  # the whole parse says what is wrong
    # A last line blanked to nothing is no line to `source_lines`: the outline still counts it.
    ends = [definition.last for definition in outline.definitions] + [end for _, end in outline.statements]
    lines.extend([""] * (max(ends, default=0) - len(lines)))
    runs = _runs(lines, outline.definitions)
    if not runs:
        return None
    places = {
        definition.first: (index, place) for index, run in enumerate(runs) for place, definition in enumerate(run)
    }
    skeleton = list(lines)
    stood_for: list[tuple[int, int]] = []  # for each definition in the skeleton, in line order
    for definition in outline.definitions:
        if definition.first in places:
            _stub(skeleton, definition)
            stood_for.append(places[definition.first])
        elif lines[definition.first - 1].strip():
            stood_for.append((-1, -1))  # kept whole
    pieces = [
        _Piece(run[0].first, "".join(text)) for run, text in zip(runs, _piece_lines(lines, runs, outline, places))
    ]
    return PiecedModule(source, parse_trusted("".join(skeleton)), pieces, stood_for)


def _runs(lines: list[str], definitions: Collection[Outline]) -> list[list[Outline]]:
    """The kept top-level definitions grouped into runs of about :data:`PIECE_CHARS` characters
    (those that mention ``global`` left out: they stay whole in the skeleton)."""
    runs: list[list[Outline]] = []
    size = 0
    for definition in definitions:
        code = "".join(lines[definition.first - 1 : definition.last])
        if not code.strip() or _GLOBAL.search(code):
            continue  # pruned away, or kept whole
        if not runs or size + len(code) > PIECE_CHARS:
            runs.append([])
            size = 0
        runs[-1].append(definition)
        size += len(code)
    return runs


def _piece_lines(
    lines: list[str], runs: list[list[Outline]], outline: FileOutline, places: dict[int, tuple[int, int]]
) -> list[list[str]]:
    """Each run's lines, from its first definition to its last, the code between them that is not
    its own blank (module code, a definition of the skeleton, or one pruned away)."""
    texts = [lines[run[0].first - 1 : run[-1].last] for run in runs]
    starts = [run[0].first for run in runs]
    others = (span for span in outline.definitions if span.first not in places)
    for start, end in (*outline.statements, *((other.first, other.last) for other in others)):
        index = bisect.bisect_right(starts, start) - 1
        if index < 0 or start > runs[index][-1].last:
            continue  # before the first run, or between two
        first, text = starts[index], texts[index]
        for number in range(start, min(end, runs[index][-1].last) + 1):
            line = text[number - first]
            text[number - first] = line[len(line.rstrip("\r\n")) :]
    return texts


def _stub(skeleton: list[str], definition: Outline) -> None:
    """Cut ``definition`` to one line on its first: ``class Name: ...`` or ``def name(): ...``."""
    header = re.compile(_DEFINITION_LINE.format(name=re.escape(definition.name)))
    found = (header.match(line) for line in skeleton[definition.first - 1 : definition.last])
    match = next(match for match in found if match is not None)
    stub = f"def {definition.name}(): ..." if match.group("function") else f"class {definition.name}: ..."
    for number in range(definition.first, definition.last + 1):
        line = skeleton[number - 1]
        skeleton[number - 1] = line[len(line.rstrip("\r\n")) :]
    skeleton[definition.first - 1] = stub + skeleton[definition.first - 1]
