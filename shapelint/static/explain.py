"""`shapelint explain PATH:LINE`: what the layout inference knew on one line, and why.

For every tensor, size and module named on the line it prints the layout or value inferred and
where it was learnt; for a tensor of unknown layout it follows the assignments back to the
link that is unknown (a parameter nothing declares, a call it cannot see into) and says which
evidence would settle it. A finding on the line is printed with its evidence.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

from shapelint.config import Config
from shapelint.findings import Finding
from shapelint.static import python_ast
from shapelint.static.engine import lint_text
from shapelint.static.events import RnnCallEvent
from shapelint.static.flow import module_events
from shapelint.static.flow.function import FunctionFlow
from shapelint.static.flow.tensor_methods import NAMED_SIZES
from shapelint.static.imports import dotted_name
from shapelint.static.layout import Role, Tensor
from shapelint.static.messages import short
from shapelint.static.notebooks import NotANotebook, Notebook, is_notebook, read_notebook
from shapelint.static.parse_limits import Unparseable, parse_module
from shapelint.static.project.index import Project
from shapelint.static.reading import decoded_text
from shapelint.static.values import (
    Either,
    Instance,
    Items,
    LayerModule,
    Literal,
    Packed,
    ProjectName,
    RnnModule,
    Shape,
    Size,
    Unknown,
    Value,
)

_BUILTINS = frozenset(dir(builtins))
# How many assignments back an unknown layout is followed.
MAX_HOPS = 6
SETTLE = (
    'evidence that would settle it: a jaxtyping declaration of the input (`tokens: Int[Tensor, "batch seq"]`), '
    "a construction of the model in this project from data of known layout, `input-layout` in "
    "[tool.shapelint], or a real run under `shapelint run`"
)


@dataclass
class _Binding:
    line: int
    code: str
    value: Value


@dataclass
class Recorder:
    """Listens to the flow analysis of one file (the functions as written, not the calls into them)."""

    positions: dict[cst.CSTNode, CodeRange]
    line: int
    module: cst.Module
    seen: dict[str, tuple[Value, FunctionFlow]] = field(default_factory=dict)
    bindings: dict[tuple[int, str], list[_Binding]] = field(default_factory=dict)
    notebook: Notebook | None = None  # lines of its code cells are shown as the cell and the line in it

    def evaluated(self, flow: FunctionFlow, node: cst.BaseExpression, value: Value) -> None:
        if not flow.recording or not isinstance(node, (cst.Name, cst.Attribute, cst.Call, cst.Subscript)):
            return
        where = self.positions.get(node)
        if where is None or where.start.line != self.line:
            return
        code = self.module.code_for_node(node)
        known = self.seen.get(code)
        if known is None or isinstance(known[0], Unknown):
            self.seen[code] = (value, flow)

    def assigned(self, flow: FunctionFlow, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        name = dotted_name(target)
        where = self.positions.get(value)
        if name is None or where is None:
            return
        bound = flow.env.get(name)
        self.bindings.setdefault((id(flow.function), name), []).append(
            _Binding(where.start.line, self.module.code_for_node(value), bound if bound is not None else Unknown())
        )

    def chain(self, code: str, flow: FunctionFlow) -> Iterator[str]:
        """Where an unknown value came from, assignment by assignment, to the first unknown link."""
        name = code
        for _ in range(MAX_HOPS):
            found = [b for b in self.bindings.get((id(flow.function), name), []) if b.line < self.line]
            if not found:
                yield _unbound(name, flow)
                return
            binding = found[-1]
            at = (
                f"line {binding.line}"
                if self.notebook is None
                else "cell {}, line {}".format(*self.notebook.place(binding.line))
            )
            yield f"{at}: `{name} = {short(binding.code, 60)}`"
            nested = _first_name(binding.code)
            if nested is None or nested == name:
                yield "a call whose result the inference cannot see into"
                return
            name = nested


class ExplainError(Exception):
    """The line cannot be explained: the message says why."""


def explain(path: Path, line: int, config: Config, project: Project | None = None, cell: int | None = None) -> str:
    """The explanation of ``path:line`` (``line`` of code cell ``cell`` in a notebook, as findings
    place it), as text; raises ExplainError for a file or line that is not there."""
    text = decoded_text(path)
    if text is None:
        raise ExplainError(f"{path}: cannot read or decode the file")
    notebook = _notebook(path) if is_notebook(path.name) else None
    if cell is not None:
        if notebook is None or (cell, line) not in notebook.origins:
            raise ExplainError(f"{path}:cell {cell}:{line}: no such line in the code cells of a notebook")
        line = notebook.origins.index((cell, line)) + 1
    try:
        module = parse_module(text)
    except Unparseable as error:
        raise ExplainError(f"{path}:{error.line}: cannot parse the file: {error}") from None
    except cst.ParserSyntaxError as error:
        raise ExplainError(f"{path}: cannot parse the file: {error.message}") from None
    lines = python_ast.source_lines(text)
    if not 0 < line <= len(lines):
        raise ExplainError(f"{path}:{line}: no such line (the file has {len(lines)})")
    positions = dict(MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider))
    recorder = Recorder(positions, line, module, notebook=notebook)
    for _ in module_events(module, config.conventions, project, str(path), recorder):
        pass
    found = lint_text(text, str(path), config, project)
    findings = [finding for finding in found if finding.path == str(path) and finding.line == line]
    where = f"{path}:{line}" if notebook is None else "{}:cell {}:{}".format(path, *notebook.place(line))
    return "".join(_report(where, lines[line - 1], recorder, findings))


def _notebook(path: Path) -> Notebook | None:
    try:
        return read_notebook(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, NotANotebook):
        return None


def unknown_rnn_inputs(path: Path, config: Config, project: Project | None = None) -> list[int]:
    """Lines of the RNN calls in ``path`` whose input no analysis of the file knew the layout of: where
    the file is silent for want of evidence (`--show-unknown`). Notebooks are left out."""
    text = decoded_text(path) if not is_notebook(path.name) else None
    if text is None or not any(word in text for word in ("LSTM", "GRU", "RNN")):
        return []
    try:
        module = parse_module(text)
    except (Unparseable, cst.ParserSyntaxError):
        return []
    known: dict[cst.CSTNode, bool] = {}
    for found in module_events(module, config.conventions, project, str(path)):
        event = found.event
        if isinstance(event, RnnCallEvent) and not found.path:
            # A layout read off a view's sizes says what the code expects, not what the data is.
            learnt = event.given is not None and event.given.origin != NAMED_SIZES
            known[event.call] = known.get(event.call, False) or learnt
    unknown = [call for call, seen in known.items() if not seen]
    if not unknown:
        return []
    positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    return sorted({positions[call].start.line for call in unknown})


def _report(where: str, code: str, recorder: Recorder, findings: list[Finding]) -> Iterator[str]:
    yield f"{where}: {code.strip()}\n"
    if findings:
        for finding in findings:
            yield f"  finding {finding.code} {finding.name}: {finding.message}\n"
    else:
        yield "  no finding on this line\n"
    if not recorder.seen:
        yield "  nothing on this line is analysed (no tensor, size or module the inference follows)\n"
        return
    unknown = False
    for expression, (value, flow) in recorder.seen.items():
        if expression == "self" or expression in _BUILTINS:
            continue
        yield f"  `{short(expression, 60)}`: {describe(value)}\n"
        if isinstance(value, Unknown) and _is_name(expression):
            unknown = True
            for step in recorder.chain(expression, flow):
                yield f"      {step}\n"
    if unknown:
        yield f"  {SETTLE}\n"


def describe(value: Value) -> str:
    """A value in words: a tensor's roles and origin, a module's settings, a size's meaning."""
    if isinstance(value, Tensor):
        words = f"tensor ({value.roles()}), {value.origin}"
        if value.rnn is not None:
            part = "final state" if value.rnn.state else "output"
            words += f"; the {part} of an RNN (bidirectional={value.rnn.bidirectional}, layers={value.rnn.layers})"
        if value.padding is not None:
            words += "; padded" + (f" ({value.padding.pipeline})" if value.padding.pipeline else "")
        return words
    if isinstance(value, RnnModule):
        return (
            f"an RNN module (batch_first={value.batch_first}, layers*directions={value.layers_dirs}, "
            f"bidirectional={value.bidirectional})" + _evidence(value.evidence)
        )
    if isinstance(value, LayerModule):
        return f"a {value.kind} layer"
    if isinstance(value, Instance):
        return f"an object of the project's class `{value.key.name}` ({Path(value.key.path).name})"
    if isinstance(value, Either):
        return "one of the objects " + ", ".join(f"`{option.key.name}`" for option in value.options)
    if isinstance(value, ProjectName):
        return f"the project's `{value.key.name}` ({Path(value.key.path).name})"
    if isinstance(value, Packed):
        return "a PackedSequence" + (f" of ({value.tensor.roles()})" if value.tensor is not None else "")
    if isinstance(value, Literal):
        return f"the value {value.value!r}" + _evidence(value.evidence)
    if isinstance(value, Size):
        roles = [atom.role.value for atom in value.atoms if atom.role is not Role.UNKNOWN]
        return "a size: " + (" * ".join(roles) if roles else "of unknown meaning")
    if isinstance(value, Shape):
        return f"the shape of a tensor ({value.tensor.roles()})"
    if isinstance(value, Items):
        parts = [f"({item.roles()})" if isinstance(item, Tensor) else describe(item) for item in value.values]
        return "a tuple: " + ", ".join(parts)
    return "unknown"


def _evidence(evidence: tuple[str, ...]) -> str:
    return f" [{'; '.join(evidence)}]" if evidence else ""


def _is_name(expression: str) -> bool:
    try:
        return dotted_name(cst.parse_expression(expression)) is not None
    except cst.ParserSyntaxError:
        return False


def _first_name(code: str) -> str | None:
    """The first plain name an expression reads, skipping `self.<layer>(...)` callees."""
    try:
        node = cst.parse_expression(code)
    except cst.ParserSyntaxError:
        return None
    while True:
        if isinstance(node, cst.Call):
            if not node.args:
                return None
            node = node.args[0].value
        elif (isinstance(node, cst.Attribute) and isinstance(node.value, (cst.Call, cst.Subscript))) or isinstance(
            node, cst.Subscript
        ):
            node = node.value
        else:
            return dotted_name(node)


def _unbound(name: str, flow: FunctionFlow) -> str:
    function = flow.function
    if function is not None:
        parameters = [p.name.value for p in (*function.params.posonly_params, *function.params.params)]
        if name in parameters:
            return f"`{name}` is a parameter of `{function.name.value}` with no declared layout"
    return f"`{name}` is not bound in this function to anything of known layout"
