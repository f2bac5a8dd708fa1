"""The module walk: every function and method of a module, with what its scope knows."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import libcst as cst

from shapelint.static.conventions import Conventions
from shapelint.static.events import Evidenced
from shapelint.static.flow.function import FunctionFlow
from shapelint.static.flow.joins import merged_value
from shapelint.static.imports import import_aliases
from shapelint.static.project.facts import Unread
from shapelint.static.project.index import ClassKey, Project, normalised_path
from shapelint.static.project.settings import configurations
from shapelint.static.values import Literal, Value
from shapelint.static.walk import (
    assigned_names,
    body_of,
    nested_definitions,
    nested_definitions_deep,
    self_assignments,
    walk,
)


@dataclass(frozen=True)
class ModuleScope:
    """What every function of a module sees: its imports, its constants, the project's names and
    the project itself (``path`` is this module's file in it)."""

    aliases: dict[str, str]
    constants: dict[str, Literal]
    names: Conventions
    project: Project | None = None
    path: str = ""

    def configurations(self, cls: cst.ClassDef) -> list[dict[str, Value]]:
        """The settings the project builds ``cls`` with, as values for its ``__init__`` parameters."""
        if self.project is None:
            return []
        key = ClassKey(normalised_path(self.path), cls.name.value)
        found: list[dict[str, Value]] = []
        for configuration in configurations(self.project, key):
            found.append(
                {
                    setting.name: Literal(setting.value, (setting.evidence,))
                    for setting in configuration.settings
                    if not isinstance(setting.value, Unread)
                }
            )
        return found


def module_events(
    module: cst.Module, names: Conventions, project: Project | None = None, path: str = ""
) -> Iterator[Evidenced]:
    """Events from every function and method of a module, and from its top-level code."""
    aliases = import_aliases(module)
    scope = ModuleScope(aliases, module_constants(module, aliases), names, project, path)
    top_level = FunctionFlow(scope, {})
    top_level.run_statements(module.body)
    yield from top_level.events
    yield from _block_events(module.body, scope, attributes=None)


def module_constants(module: cst.Module, aliases: dict[str, str]) -> dict[str, Literal]:
    """``BIDIRECTIONAL = True``: a top-level name bound once, to an int or bool literal, and never
    rebound (no other top-level binding, no ``global`` in a function, not an import)."""
    bindings: dict[str, int] = {}
    literals: dict[str, Literal] = {}
    for statement in module.body:
        for name in assigned_names(statement):
            bindings[name] = bindings.get(name, 0) + 1
        if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
            small = statement.body[0]
            if isinstance(small, cst.Assign) and len(small.targets) == 1:
                target, value = small.targets[0].target, _literal(small.value)
                if isinstance(target, cst.Name) and value is not None:
                    literals[target.value] = value
    if not literals:
        return {}  # most files: no need to look through every function for `global`
    declared_global = {
        name.name.value
        for definition in nested_definitions_deep(module.body)
        for statement in walk(body_of(definition.body))
        if isinstance(statement, cst.SimpleStatementLine)
        for small in statement.body
        if isinstance(small, cst.Global)
        for name in small.names
    }
    return {
        name: value
        for name, value in literals.items()
        if bindings.get(name) == 1 and name not in declared_global and name not in aliases
    }


def _literal(node: cst.BaseExpression) -> Literal | None:
    if isinstance(node, cst.Name) and node.value in ("True", "False"):
        return Literal(node.value == "True")
    negative = isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus)
    number = node.expression if isinstance(node, cst.UnaryOperation) and negative else node
    if isinstance(number, cst.Integer):
        return Literal(-int(number.value, 0) if negative else int(number.value, 0))
    return None


def _block_events(
    body: Sequence[cst.BaseStatement], scope: ModuleScope, attributes: dict[str, Value] | None
) -> Iterator[Evidenced]:
    for statement in body:
        if isinstance(statement, cst.ClassDef):
            yield from _class_events(statement, scope)
        elif isinstance(statement, cst.FunctionDef):
            flow = FunctionFlow(scope, attributes or {})
            flow.run(statement)
            yield from flow.events
            yield from _block_events(nested_definitions(statement), scope, None)
        elif isinstance(statement, (cst.If, cst.Try, cst.With, cst.For, cst.While)):
            yield from _block_events(nested_definitions(statement), scope, attributes)


def _class_events(cls: cst.ClassDef, scope: ModuleScope) -> Iterator[Evidenced]:
    """The class's methods as written, then once per configuration the project builds it with.

    What the first pass finds holds whatever the settings; what only a configuration shows
    carries that configuration's evidence (the engine keeps the first report of each finding).
    """
    for arguments in ({}, *scope.configurations(cls)):
        attributes = class_attributes(cls, scope, arguments)
        yield from _block_events(body_of(cls.body), scope, attributes)


def class_attributes(cls: cst.ClassDef, scope: ModuleScope, arguments: dict[str, Value]) -> dict[str, Value]:
    """``self.X`` as ``__init__`` leaves it (run with ``arguments`` for its parameters), merged with
    what other methods assign: an attribute assigned two different ways is unknown."""
    found: dict[str, Value] = {}
    methods = [method for method in body_of(cls.body) if isinstance(method, cst.FunctionDef)]
    initialiser = next((method for method in methods if method.name.value == "__init__"), None)
    if initialiser is not None:
        flow = FunctionFlow(scope, {}, recording=False)
        flow.run(initialiser, arguments)
        for key, value in flow.env.items():
            name = key.removeprefix("self.")
            if key.startswith("self.") and "." not in name:
                found[name] = value
    evaluator = FunctionFlow(scope, dict(found), recording=False)
    for method in methods:
        if method is initialiser:
            continue
        for assign in self_assignments(method):
            target = assign.targets[0].target
            assert isinstance(target, cst.Attribute)
            value = evaluator.expression(assign.value, record=False)
            name = target.attr.value
            found[name] = merged_value(found.get(name, value), value)
    return found
