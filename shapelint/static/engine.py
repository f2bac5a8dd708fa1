"""Parse once, infer layouts once, run every enabled rule, and turn reports into findings.

A file that cannot be read, decoded or parsed becomes a finding of its own; nothing
raised while checking one file stops the run.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import libcst as cst
from libcst.metadata import CodePosition, CodeRange, MetadataWrapper, PositionProvider

from shapelint.catalog import all_rules
from shapelint.config import Config
from shapelint.findings import Edit, Finding, Fix
from shapelint.rule import Rule
from shapelint.static import python_ast
from shapelint.static.events import BatchesFrom, Evidence, Evidenced
from shapelint.static.flow import module_events
from shapelint.static.flow.program import Program
from shapelint.static.imports import import_aliases
from shapelint.static.knowledge import may_hold_finding
from shapelint.static.messages import short
from shapelint.static.notebooks import NotANotebook, Notebook, in_cells, is_notebook, read_notebook
from shapelint.static.parse_limits import Unparseable
from shapelint.static.pieces import PiecedModule, analysed_module
from shapelint.static.project.index import Project
from shapelint.static.project.settings import place
from shapelint.static.reading import source_encoding
from shapelint.static.rules import Report, StaticRule
from shapelint.static.rules.analysis_error import AnalysisError
from shapelint.static.rules.syntax_error import InvalidSyntax
from shapelint.static.rules.undecodable_file import UndecodableFile
from shapelint.static.rules.unreadable_file import UnreadableFile

_EMPTY_MODULE = cst.Module(body=[])  # renders a replacement node as code
_NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Z]+[0-9]+(?:\s*,\s*[A-Z]+[0-9]+)*))?", re.IGNORECASE)


class _Source:
    """A parsed file as rules see it: code of a node, and its position on demand. A node of another
    file of the project (the RNN a script's model builds) is placed in that file. A file read in
    pieces is its skeleton and the pieces in use (see :mod:`pieces`)."""

    def __init__(self, module: cst.Module, sources: _Sources, notebook: Notebook | None = None) -> None:
        self.module = module
        self.notebook = notebook
        self._sources = sources
        # Positions per tree, computed once each, and only for files that have something to report.
        self._lookup: dict[int, tuple[cst.Module, dict[cst.CSTNode, CodeRange]]] = {}
        self._aliases: dict[str, str] | None = None

    def code(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node)

    def holds(self, node: cst.CSTNode) -> bool:
        return self._find(node) is not None

    def position(self, node: cst.CSTNode) -> CodeRange:
        return self.locate(node)[1]

    def locate(self, node: cst.CSTNode) -> tuple[_Source, CodeRange]:
        """The source that holds ``node`` (this one, or another file's), and where."""
        found = self._find(node)
        if found is None:
            other = self._sources.holding(node, self)
            if other is not None:
                return other[1].locate(node)
            raise KeyError(node)
        return self, found

    def _find(self, node: cst.CSTNode) -> CodeRange | None:
        parts = self._sources.parts(self.module)
        in_use = {id(tree) for tree, _ in parts}
        if not in_use.issuperset(self._lookup):  # pieces no longer in use: their positions go with them
            self._lookup = {key: value for key, value in self._lookup.items() if key in in_use}
        for tree, first_line in parts:
            if id(tree) not in self._lookup:
                self._lookup[id(tree)] = (
                    tree,
                    dict(MetadataWrapper(tree, unsafe_skip_copy=True).resolve(PositionProvider)),
                )
            where = self._lookup[id(tree)][1].get(node)
            if where is not None:
                return where if first_line == 1 else _moved(where, first_line - 1)
        return None

    def line(self, node: cst.CSTNode | None) -> int:
        return self.position(node).start.line if node is not None else 0

    def at(self, node: cst.CSTNode | None) -> str:
        if node is not None and not self.holds(node):
            found = self._sources.holding(node, self)
            if found is not None:
                return place(found[0], found[1].line(node))
        line = self.line(node)
        if self.notebook is None:
            return f"line {line}"
        cell, line = self.notebook.place(line)
        return f"cell {cell}, line {line}"

    def text(self) -> str:
        return self._sources.text(self.module)

    def seen_from(self, node: cst.CSTNode) -> _Source:
        """The source of the file that holds ``node``: a report on it is placed there."""
        if self.holds(node):
            return self
        found = self._sources.holding(node, self)
        return found[1] if found is not None else self

    def imported_as(self, module: str) -> str | None:
        if self._aliases is None:
            self._aliases = import_aliases(self.module)
        return next((name for name, path in self._aliases.items() if path == module), None)


def _moved(where: CodeRange, lines: int) -> CodeRange:
    start, end = where.start, where.end
    return CodeRange(CodePosition(start.line + lines, start.column), CodePosition(end.line + lines, end.column))


def static_rules(config: Config) -> tuple[type[StaticRule[Any]], ...]:
    return tuple(rule for rule in all_rules() if issubclass(rule, StaticRule) and config.enabled(rule.code))


def lint_source(
    data: bytes, path: str, config: Config, project: Project | None = None, read: set[str] | None = None
) -> list[Finding]:
    """Findings for one file's bytes; never raises for bad input.

    ``project`` is the index of the files linted with it; without one, the file is its own project.
    ``read`` collects the paths of the other files the analysis read (what the findings rest on).
    """
    try:
        with warnings.catch_warnings():
            # What Python's compiler says of the user's odd code (`1(2)`, `"\d"`), as libcst and `ast`
            # evaluate it, is Python's to say when the file runs.
            warnings.simplefilter("ignore", SyntaxWarning)
            warnings.simplefilter("ignore", DeprecationWarning)
            findings = _lint(data, path, config, project, read)
    except Exception as error:  # a bug of ours must not cost the user the other files
        # The error's text can be a whole syntax tree: its first line says enough.
        said = short(str(error).strip().split("\n", 1)[0], 120)
        findings = _file_finding(
            AnalysisError, path, 1, 1, f"shapelint failed on this file: {type(error).__name__}: {said}"
        )
    return [finding for finding in findings if finding.path != path or not config.ignored_in(finding.code, path)]


def lint_file(
    path: Path, config: Config, project: Project | None = None, read: set[str] | None = None
) -> list[Finding]:
    try:
        if path.exists() and not path.is_file():
            # Reading a FIFO would wait for a writer forever; a device may never end.
            return _file_finding(UnreadableFile, str(path), 1, 1, "not a regular file (a FIFO, a socket or a device)")
        data = path.read_bytes()
    except OSError as error:
        return _file_finding(UnreadableFile, str(path), 1, 1, f"cannot read the file: {error.strerror or error}")
    return lint_source(data, str(path), config, project, read)


def _lint(data: bytes, path: str, config: Config, project: Project | None, read: set[str] | None) -> list[Finding]:
    text_or_finding = _decode(data, path, config)
    if isinstance(text_or_finding, list):
        return text_or_finding
    if not is_notebook(path):
        return lint_text(text_or_finding, path, config, project, read=read)
    try:
        notebook = read_notebook(text_or_finding)
    except NotANotebook as error:
        if not config.enabled(InvalidSyntax.code):
            return []
        return _file_finding(InvalidSyntax, path, error.line, 1, f"cannot read the notebook: {error}")
    findings = lint_text(notebook.text, path, config, project, notebook, read)
    return [in_cells(finding, notebook) if finding.path == path else finding for finding in findings]


def lint_text(
    text: str,
    path: str,
    config: Config,
    project: Project | None = None,
    notebook: Notebook | None = None,
    read: set[str] | None = None,
) -> list[Finding]:
    """Findings for one file's decoded text (``project``, ``read``: as in :func:`lint_source`;
    ``notebook``: the notebook whose code cells ``text`` is)."""
    rules = [rule() for rule in static_rules(config)]
    if not rules:
        return []
    drives = project.rnn_names(path) if project is not None else frozenset()
    if not drives and not may_hold_finding(text):
        return []
    if project is None:
        project = Project.from_sources([(path, text)])
    facts = project.facts(path)
    try:
        module = analysed_module(text, drives, facts.outline if facts is not None else None)
    except Unparseable as error:
        refusal: type[Rule] = InvalidSyntax if error.python_refuses else AnalysisError
        if not config.enabled(refusal.code):
            return []
        why = f"cannot parse the file: {error}" if error.python_refuses else f"the file was not checked: {error}"
        return _file_finding(refusal, path, error.line, error.column, why)
    except cst.ParserSyntaxError as error:
        if not config.enabled(InvalidSyntax.code):
            return []
        return _syntax_finding(text, path, error)
    program = Program(project, config.conventions)
    sources = _Sources(module.skeleton if isinstance(module, PiecedModule) else module, notebook, program)
    # The first report of a finding wins: the one that needs the fewest project settings. Each is
    # placed when made, while the pieces of a file read in pieces that it rests on are parsed.
    reports: dict[tuple[str, int, CodePosition, CodePosition, type, str], tuple[int, type[Rule], Finding]] = {}
    texts: dict[str, str] = {"": text}
    for found in module_events(module, config.conventions, project, path, program=program):
        source = sources.of(found.module)
        for rule in rules:
            if isinstance(found.event, rule.event):
                for report in rule.check(found.event, source):
                    holder, where = source.locate(report.node)
                    placed = sources.placed(found, holder)
                    key = (placed.path, id(holder), where.start, where.end, type(report.node), rule.code)
                    if key not in reports or len(placed.evidence) < reports[key][0]:
                        finding = _finding(type(rule), report, placed, where, sources, placed.path or path)
                        reports[key] = (len(placed.evidence), type(rule), finding)
                        if placed.path not in texts:
                            texts[placed.path] = holder.text()
    if read is not None:
        read.update(other for other, _ in program.modules_read())
    by_file: dict[str, list[tuple[type[Rule], Finding]]] = {}
    for (file, *_), (_, kind, finding) in reports.items():
        by_file.setdefault(file, []).append((kind, finding))
    findings: list[Finding] = []
    for file, found_there in by_file.items():
        findings.extend(_unsuppressed(found_there, texts[file]))
    return findings


class _Sources:
    """The linted file's source, and those of the files its calls reach."""

    def __init__(self, linted: cst.Module, notebook: Notebook | None, program: Program) -> None:
        self.linted = _Source(linted, self, notebook)
        self._program = program
        self._others: dict[int, _Source] = {}

    def of(self, module: cst.Module | None) -> _Source:
        if module is None or module is self.linted.module:
            return self.linted
        return self._others.setdefault(id(module), _Source(module, self))

    def holding(self, node: cst.CSTNode, asking: _Source) -> tuple[str, _Source] | None:
        """The file other than ``asking``'s that holds ``node``, and its source."""
        for path, module in self._program.modules_read():
            source = self.of(module)
            if source is not asking and source is not self.linted and source.holds(node):
                return path, source
        if asking is not self.linted and self.linted.holds(node):
            return self._program.linted_path, self.linted
        return None

    def placed(self, found: Evidenced, holder: _Source) -> Evidenced:
        """``found`` as reported on a node ``holder`` holds: in that file (a rule may point at the cause of
        what an event shows, in the file the event's call came from)."""
        if holder is self.of(found.module):
            return found
        if holder is self.linted:
            return replace(found, module=None, path="")
        path = next((path for path, module in self._program.modules_read() if self.of(module) is holder), found.path)
        return replace(found, module=holder.module, path=path)

    def parts(self, module: cst.Module) -> list[tuple[cst.Module, int]]:
        return self._program.parts(module)

    def text(self, module: cst.Module) -> str:
        return self._program.text(module)


def _decode(data: bytes, path: str, config: Config) -> str | list[Finding]:
    def undecodable(line: int, column: int, why: str) -> list[Finding]:
        if not config.enabled(UndecodableFile.code):
            return []
        return _file_finding(UndecodableFile, path, line, column, why)

    try:
        encoding = source_encoding(data)
    except SyntaxError as error:
        return undecodable(error.lineno or 1, 1, f"cannot decode the file: {error.msg}")
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        return undecodable(line, column, f"byte 0x{data[error.start]:02x} is not valid {encoding}: {error.reason}")


def _syntax_finding(text: str, path: str, error: cst.ParserSyntaxError) -> list[Finding]:
    # CPython's own parser words and places most errors better; libcst's is the fallback.
    try:
        python_ast.parse(text)
    except SyntaxError as python_error:
        line, column = python_error.lineno or 1, python_error.offset or 1
        return _file_finding(InvalidSyntax, path, line, column, f"cannot parse the file: {python_error.msg}")
    except (ValueError, RecursionError, MemoryError):
        pass
    reason = error.message.split(": ", 2)[-1]
    return _file_finding(
        InvalidSyntax, path, error.editor_line, error.editor_column, f"cannot parse the file: {reason}"
    )


def _file_finding(rule: type[Rule], path: str, line: int, column: int, message: str) -> list[Finding]:
    return [Finding(path, line, column, rule.code, rule.name, message, line, column + 1)]


def _finding(
    rule: type[Rule], report: Report, found: Evidenced, where: CodeRange, sources: _Sources, path: str
) -> Finding:
    start, end = where.start, where.end
    fix = None
    if report.replacement is not None:
        code = _EMPTY_MODULE.code_for_node(report.replacement)
        fix = Fix(rule.fix_title, (Edit(start.line, start.column + 1, end.line, end.column + 1, code),))
    said = "; ".join(_evidence_words(item, sources) for item in found.evidence)
    message = report.message + (f" (evidence: {said})" if said else "")
    return Finding(path, start.line, start.column + 1, rule.code, rule.name, message, end.line, end.column + 1, fix)


def _unsuppressed(found: Iterable[tuple[type[Rule], Finding]], text: str) -> Iterator[Finding]:
    """The findings no `noqa` comment of their file (``text``) silences."""
    lines = python_ast.source_lines(text)
    silenced = _file_noqa(text)
    for rule, finding in found:
        if silenced is not None and (not silenced or rule.code in silenced):
            continue
        if not _suppressed(rule.code, lines, (finding.line, finding.end_line)):
            yield finding


def _evidence_words(item: Evidence, sources: _Sources) -> str:
    if isinstance(item, str):
        return item
    if isinstance(item, BatchesFrom):
        stacking = item.stacking
        at = _at(sources, stacking.module, stacking.call, stacking.path)
        layout = "time-major (`batch_first` is False)" if stacking.time_major else "batch-first"
        if stacking.by == "loader":
            return f"the batches come from the `DataLoader` at {at}, whose default collate puts the batch first"
        if stacking.by == "torchtext":
            return f"the batches come from torchtext's iterator at {at}, over `Field`s that are {layout}"
        return f"the batches are padded by `pad_sequence` at {at}, {layout}"
    return f"as `{item.name}` is called at {_at(sources, item.module, item.call, item.path)}"


def _at(sources: _Sources, module: cst.Module | None, node: cst.CSTNode, path: str) -> str:
    source = sources.of(module)
    return place(path, source.line(node)) if path else source.at(node)


_FILE_NOQA = re.compile(
    r"^[ \t]*#[ \t]*shapelint:[ \t]*noqa(?::[ \t]*(?P<codes>[A-Z]+[0-9]+(?:[ \t]*,[ \t]*[A-Z]+[0-9]+)*))?[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)


def _file_noqa(text: str) -> frozenset[str] | None:
    """`# shapelint: noqa` on a line of its own silences the file (an empty set: every code), as
    `# ruff: noqa` does; `# shapelint: noqa: SHP101, SHP102` silences those codes."""
    if "shapelint:" not in text:
        return None
    silenced: set[str] = set()
    for match in _FILE_NOQA.finditer(text):
        if match.group("codes") is None:
            return frozenset()
        silenced.update(re.split(r"[ \t]*,[ \t]*", match.group("codes").upper()))
    return frozenset(silenced) if silenced else None


def _suppressed(code: str, lines: list[str], line_numbers: tuple[int, ...]) -> bool:
    """`# noqa` or `# noqa: CODE[, CODE]` on the finding's first or last line."""
    for number in set(line_numbers):
        if not 0 < number <= len(lines) or "noqa" not in lines[number - 1].lower():
            continue
        match = _NOQA.search(lines[number - 1])
        if match and (match.group("codes") is None or code in re.split(r"\s*,\s*", match.group("codes").upper())):
            return True
    return False
