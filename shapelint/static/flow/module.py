"""The module walk: the top-level code, every function and every method of a module.

A class's methods are analysed as written, then once per configuration the project builds the
class with: what only a configuration shows carries that configuration's evidence.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import libcst as cst

from shapelint.static.conventions import Conventions
from shapelint.static.events import Evidenced
from shapelint.static.flow.function import FunctionFlow
from shapelint.static.flow.observer import Observer
from shapelint.static.flow.program import Program
from shapelint.static.flow.scope import ModuleScope
from shapelint.static.pieces import PiecedModule
from shapelint.static.project.facts import ModuleFacts
from shapelint.static.project.index import FunctionKey, Project, normalised_path
from shapelint.static.values import Value
from shapelint.static.walk import body_of, nested_definitions, walk


def module_events(
    module: cst.Module | PiecedModule,
    names: Conventions,
    project: Project | None = None,
    path: str = "",
    observer: Observer | None = None,
    program: Program | None = None,
) -> Iterator[Evidenced]:
    """Events from a module's top-level code and from every function and method in it (``program``:
    the run's view of the project, for a caller that asks it afterwards which modules it read)."""
    program = program or Program(project, names, observer)
    scope = program.enter(module, path)
    tree = scope.module
    assert tree is not None
    facts = project.facts(path) if project is not None and path else None
    # Most modules' top level only defines things; a script's may only build the models and call the
    # module's functions (`encoder, decoder = build(voc)`, `fit(Encoder(), batches)`), which pass them on.
    if facts is None or facts.relevant_top_level or _calls_any(tree.body, _followed_names(project, facts, path)):
        top_level = FunctionFlow(scope, {}, env=scope.globals)
        top_level.run_statements(tree.body)
        yield from top_level.events
    program.keep_pieces()
    for statement in tree.body:
        yield from _block_events([program.definition(tree, statement)], scope, attributes=None, owner=None)
        program.pieces_done()


def _followed_names(project: Project | None, facts: ModuleFacts, path: str) -> frozenset[str]:
    """The names of what a call follows into: the module's functions worth it (:meth:`Project.relevant`),
    and the project's classes and functions that run an RNN, as the module calls them."""
    if project is None:
        return frozenset()
    key = normalised_path(path)
    functions = (name for name in facts.functions if project.relevant(FunctionKey(key, name)))
    classes = (cls.name for cls in facts.classes if cls.runs_rnn)
    return frozenset((*functions, *classes, *project.rnn_names(path)))


def _calls_any(body: Sequence[cst.BaseStatement], names: frozenset[str]) -> bool:
    """Whether a statement of the code outside definitions calls one of ``names`` (``models.Encoder(...)``
    calls ``Encoder``)."""
    if not names:
        return False
    finder = _CallFinder(names)
    for statement in walk(body):
        if isinstance(statement, cst.SimpleStatementLine):
            statement.visit(finder)
            if finder.found:
                return True
    return False


class _CallFinder(cst.CSTVisitor):
    def __init__(self, names: frozenset[str]) -> None:
        self.names = names
        self.found = False

    def visit_Call(self, node: cst.Call) -> bool:
        func = node.func
        name = func.value if isinstance(func, cst.Name) else func.attr.value if isinstance(func, cst.Attribute) else ""
        self.found = self.found or name in self.names
        return not self.found


def _block_events(
    body: Sequence[cst.BaseStatement],
    scope: ModuleScope,
    attributes: dict[str, Value] | None,
    owner: cst.ClassDef | None,
) -> Iterator[Evidenced]:
    for statement in body:
        if isinstance(statement, cst.ClassDef):
            yield from _class_events(statement, scope)
        elif isinstance(statement, cst.FunctionDef):
            flow = FunctionFlow(scope, attributes or {}, owner=owner)
            flow.run(statement)
            yield from flow.events
            yield from _block_events(nested_definitions(statement), scope, None, None)
        elif isinstance(statement, (cst.If, cst.Try, cst.With, cst.For, cst.While)):
            yield from _block_events(nested_definitions(statement), scope, attributes, owner)


def _class_events(cls: cst.ClassDef, scope: ModuleScope) -> Iterator[Evidenced]:
    """What the first pass finds holds whatever the settings; the engine keeps the first report of
    each finding, so a later configuration adds only what it alone shows."""
    program = scope.program
    assert program is not None
    configurations = program.configurations(scope, cls)
    for arguments in ({}, *configurations):
        attributes = program.class_attributes(cls, scope, arguments)
        # A setting the first pass does not know, the passes with the project's settings may.
        program.settings_to_come = not arguments and any(configurations)
        yield from _block_events(body_of(cls.body), scope, attributes, cls)
    program.settings_to_come = False
