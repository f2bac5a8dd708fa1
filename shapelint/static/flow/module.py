"""The module walk: every function and method of a module, with what its scope knows."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import libcst as cst

from shapelint.static.conventions import Conventions
from shapelint.static.events import Event
from shapelint.static.flow.function import FunctionFlow
from shapelint.static.flow.joins import merged_value
from shapelint.static.imports import import_aliases
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
    """What every function of a module sees: its imports, its constants and the project's names."""

    aliases: dict[str, str]
    constants: dict[str, Literal]
    names: Conventions


def module_events(module: cst.Module, names: Conventions) -> Iterator[Event]:
    """Events from every function and method of a module."""
    aliases = import_aliases(module)
    scope = ModuleScope(aliases, module_constants(module, aliases), names)
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
) -> Iterator[Event]:
    for statement in body:
        if isinstance(statement, cst.ClassDef):
            class_attributes = _class_attributes(statement, scope)
            yield from _block_events(body_of(statement.body), scope, class_attributes)
        elif isinstance(statement, cst.FunctionDef):
            flow = FunctionFlow(scope, attributes or {})
            flow.run(statement)
            yield from flow.events
            yield from _block_events(nested_definitions(statement), scope, None)
        elif isinstance(statement, (cst.If, cst.Try, cst.With, cst.For, cst.While)):
            yield from _block_events(nested_definitions(statement), scope, attributes)


def _class_attributes(cls: cst.ClassDef, scope: ModuleScope) -> dict[str, Value]:
    """``self.X = ...`` in any method; an attribute assigned two different ways is unknown."""
    found: dict[str, Value] = {}
    evaluator = FunctionFlow(scope, found)  # an attribute may be built from those set before it
    for method in body_of(cls.body):
        if not isinstance(method, cst.FunctionDef):
            continue
        for assign in self_assignments(method):
            target = assign.targets[0].target
            assert isinstance(target, cst.Attribute)
            value = evaluator.expression(assign.value, record=False)
            name = target.attr.value
            found[name] = merged_value(found.get(name, value), value)
    return found
