"""What every function of a module sees: its imports, its constants, the naming conventions and
the program it belongs to."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import libcst as cst

from shapelint.static.conventions import Conventions
from shapelint.static.imports import import_aliases
from shapelint.static.values import Literal, Value
from shapelint.static.walk import assigned_names, body_of, nested_definitions_deep, walk

if TYPE_CHECKING:
    from shapelint.static.flow.program import Program


@dataclass(frozen=True)
class ModuleScope:
    """``path`` is the module's file; ``program`` answers what lies outside the module (other
    classes and functions of the project, and the settings it builds them with)."""

    aliases: dict[str, str]
    constants: dict[str, Literal]
    names: Conventions
    program: Program | None = None
    path: str = ""
    # What the module's top-level code binds (filled as that code is analysed), and which of those
    # names it binds once and no function rebinds: functions may read those as globals.
    globals: dict[str, Value] = field(default_factory=dict)
    bound_once: frozenset[str] = frozenset()
    bound: frozenset[str] = frozenset()  # every name the module binds at its top level
    module: cst.Module | None = None

    @classmethod
    def of(cls, module: cst.Module, names: Conventions, program: Program | None, path: str) -> ModuleScope:
        aliases = import_aliases(module)
        constants, bound_once, bound = module_constants(module, aliases)
        return cls(aliases, constants, names, program, path, bound_once=bound_once, bound=bound, module=module)


def module_constants(
    module: cst.Module, aliases: dict[str, str]
) -> tuple[dict[str, Literal], frozenset[str], frozenset[str]]:
    """``BIDIRECTIONAL = True``: a top-level name bound once, to an int or bool literal, and never
    rebound (no other top-level binding, no ``global`` in a function, not an import); every
    top-level name bound once and never declared ``global``; and every top-level name."""
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
    declared_global = {
        name.name.value
        for definition in nested_definitions_deep(module.body)
        for statement in walk(body_of(definition.body))
        if isinstance(statement, cst.SimpleStatementLine)
        for small in statement.body
        if isinstance(small, cst.Global)
        for name in small.names
    }
    once = frozenset(name for name, count in bindings.items() if count == 1 and name not in declared_global)
    constants = {name: value for name, value in literals.items() if name in once and name not in aliases}
    return constants, once, frozenset(bindings)


def _literal(node: cst.BaseExpression) -> Literal | None:
    if isinstance(node, cst.Name) and node.value in ("True", "False"):
        return Literal(node.value == "True")
    negative = isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus)
    number = node.expression if isinstance(node, cst.UnaryOperation) and negative else node
    if isinstance(number, cst.Integer):
        return Literal(-int(number.value, 0) if negative else int(number.value, 0))
    return None
