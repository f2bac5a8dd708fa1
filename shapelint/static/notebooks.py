"""Jupyter notebooks: their code cells read as one script, and where each line of it came from.

A notebook runs its cells top to bottom in one namespace, so the code cells are analysed as one
file. IPython lines are not Python: a line magic (``%matplotlib inline``, or an automagic typed
without its ``%``: ``cd data``), a shell escape (``!pip install``), a help query (``x?``) and the
capture of either (``files = !ls``) become a statement that binds what they bind and does nothing
else, and a cell magic (``%%bash``) blanks its cell, so every line keeps its place. Cells are
numbered as the code cells of the notebook, from 1, as ruff and nbQA number them.

The standard library's ``json`` reads the format: only the cells' sources are needed, while
``nbformat`` would bring schema validation and its compiled dependencies into a linter's install.
"""

from __future__ import annotations

import functools
import json
import re
import tokenize
from dataclasses import dataclass, replace
from pathlib import Path

from shapelint.findings import Finding

NOTEBOOK_SUFFIX = ".ipynb"

_CAPTURE = re.compile(r"^(\s*[\w.]+(?:\s*,\s*[\w.]+)*\s*=\s*)[!%]")
# IPython's automagics, typed without their `%` (`cd data`, `ls`, `pip install x`): a line that starts with
# one and goes on as no Python statement would (not `ls = ...`, `time.sleep(1)`, `run(x)`).
_AUTOMAGIC = re.compile(
    r"^\s*(?:cd|ls|ll|pwd|pip|conda|mkdir|rmdir|rm|cp|mv|cat|less|clear|env|who|whos|reset|load_ext|run|"
    r"time|timeit|matplotlib|pylab|history|alias|bookmark|autoreload)(?:[ \t]+[^\s=(.\[,:]|[ \t]*$)"
)


class NotANotebook(ValueError):
    """The file cannot be read as a notebook; ``line`` is where in the file the problem is."""

    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class Notebook:
    """The code cells as one text; ``origins[i]`` is (code cell, line in it) of line ``i + 1``."""

    text: str
    origins: tuple[tuple[int, int], ...]

    def place(self, line: int) -> tuple[int, int]:
        """(code cell, line in that cell) of a line of :attr:`text`."""
        if 0 < line <= len(self.origins):
            return self.origins[line - 1]
        cell, last = self.origins[-1] if self.origins else (1, 0)
        return cell, last + max(0, line - len(self.origins))


def is_notebook(path: str) -> bool:
    return path.endswith(NOTEBOOK_SUFFIX)


def read_notebook(text: str) -> Notebook:
    """The notebook's code cells as one script (raises :class:`NotANotebook`)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise NotANotebook(f"not valid JSON: {error.msg}", error.lineno) from None
    cells = _cells(data)
    if not _is_python(data):
        return Notebook("", ())
    lines: list[str] = []
    origins: list[tuple[int, int]] = []
    code_cells = [cell for cell in cells if isinstance(cell, dict) and cell.get("cell_type") == "code"]
    for number, cell in enumerate(code_cells, start=1):
        source = cell.get("source", cell.get("input", ""))
        source = "".join(source) if isinstance(source, list) else str(source)
        cell_lines = source.splitlines()
        if cell_lines and cell_lines[0].lstrip().startswith("%%"):
            lines.extend("" for _ in cell_lines)
        else:
            lines.extend(_python_lines(cell_lines))
        origins.extend((number, line_number) for line_number in range(1, len(cell_lines) + 1))
    return Notebook("\n".join(lines) + "\n" if lines else "", tuple(origins))


def _cells(data: object) -> list[object]:
    """The cells of a version 4 notebook, or of the first worksheet of a version 3 one."""
    if isinstance(data, dict):
        cells = data.get("cells")
        worksheets = data.get("worksheets")
        if cells is None and isinstance(worksheets, list) and worksheets and isinstance(worksheets[0], dict):
            cells = worksheets[0].get("cells")
        if isinstance(cells, list):
            return cells
    raise NotANotebook("not a Jupyter notebook: no list of `cells`")


def _is_python(data: object) -> bool:
    """Unless its metadata names another language (an R or Julia notebook), a notebook is Python."""
    metadata = data.get("metadata", {}) if isinstance(data, dict) else {}
    info = metadata.get("language_info", {}) if isinstance(metadata, dict) else {}
    language = info.get("name") if isinstance(info, dict) else None
    return not isinstance(language, str) or language.lower() in ("python", "ipython", "python3")


def _python_lines(cell_lines: list[str]) -> list[str]:
    """A cell's lines as Python. IPython reads a magic only where a logical line starts: a line
    inside brackets, a string or after a backslash goes on the statement before it, even when it
    starts with `%` (`"%d items"` and `% (n)` continued from the line above). The tokenizer is fed
    the cell a line at a time, so where each line starts is known from the tokens before it."""
    written: list[str] = []
    remaining = iter(cell_lines)
    last, depth = tokenize.NEWLINE, 0

    def readline() -> str:
        line = next(remaining, None)
        if line is None:
            return ""
        starts = last in (tokenize.NEWLINE, tokenize.NL) and depth == 0
        written.append(_python(line) if starts else line)
        return written[-1] + "\n"

    try:
        for token in tokenize.generate_tokens(readline):
            if token.type == tokenize.OP and token.string in ("(", "[", "{"):
                depth += 1
            elif token.type == tokenize.OP and token.string in (")", "]", "}"):
                depth = max(0, depth - 1)
            if token.type not in (tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER):
                last = token.type
    except (tokenize.TokenError, SyntaxError):
        pass  # code Python refuses (the parse says where); the lines left are read one by one
    written.extend(_python(line) for line in remaining)
    return written


def _python(line: str) -> str:
    """The line, or a stand-in for an IPython line that keeps what it binds and its indentation."""
    stripped = line.lstrip()
    indent = line[: len(line) - len(stripped)]
    # IPython takes a trailing `?` for help only as a token of its own: not one in a comment.
    magic = stripped.startswith(("%", "!", "?")) or (stripped.endswith("?") and "#" not in stripped)
    if magic or _AUTOMAGIC.match(line):
        return indent + "pass"
    capture = _CAPTURE.match(line)
    if capture:
        return capture.group(1) + "None"
    return line


def in_cells(finding: Finding, notebook: Notebook) -> Finding:
    """A finding on the notebook's script, placed in its cell (a repair would not fit the cell)."""
    cell, line = notebook.place(finding.line)
    end_cell, end_line = notebook.place(finding.end_line)
    end_line, end_column = (end_line, finding.end_column) if end_cell == cell else (line, finding.column)
    return replace(finding, cell=cell, line=line, end_line=end_line, end_column=end_column, fix=None)


@functools.lru_cache(maxsize=64)
def notebook_origins(path: str) -> Notebook | None:
    """The notebook at ``path`` as read for the project index (None if it cannot be read)."""
    try:
        return read_notebook(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, NotANotebook):
        return None
