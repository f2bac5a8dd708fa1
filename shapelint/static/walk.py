"""Walking statements the cheap way: which statements a block holds, which names it binds.

libcst's generic ``children`` rebuilds nodes and, used on every node, costs more than
the parse; these helpers read the statement fields directly and never enter expressions.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import libcst as cst

from shapelint.static.imports import dotted_name


def body_of(suite: cst.BaseSuite) -> Sequence[cst.BaseStatement]:
    return suite.body if isinstance(suite, cst.IndentedBlock) else ()


def inner_statements(statement: cst.BaseStatement) -> Iterator[cst.BaseStatement]:
    """The statements directly inside a compound statement's blocks (``elif`` counts as one)."""
    for part_name in ("body", "orelse", "finalbody"):
        part = getattr(statement, part_name, None)
        if isinstance(part, cst.BaseSuite):
            yield from body_of(part)
        elif isinstance(part, (cst.Else, cst.Finally)):
            yield from body_of(part.body)
        elif isinstance(part, cst.If):
            yield part
    for handler in getattr(statement, "handlers", ()):
        yield from body_of(handler.body)
    for case in getattr(statement, "cases", ()):
        yield from body_of(case.body)


def walk(statements: Sequence[cst.BaseStatement] | Iterator[cst.BaseStatement]) -> Iterator[cst.BaseStatement]:
    """Every statement at any depth of these blocks, not inside nested functions or classes.

    Reads the statement fields directly: libcst's generic ``children`` rebuilds nodes and
    costs more than the parse when used on every node.
    """
    for statement in statements:
        yield statement
        if not isinstance(statement, (cst.SimpleStatementLine, cst.FunctionDef, cst.ClassDef)):
            yield from walk(inner_statements(statement))


def nested_definitions(node: cst.BaseStatement) -> list[cst.BaseStatement]:
    """Functions and classes defined anywhere inside ``node``'s blocks."""
    inner = body_of(node.body) if isinstance(node, (cst.FunctionDef, cst.ClassDef)) else inner_statements(node)
    return [statement for statement in walk(inner) if isinstance(statement, (cst.FunctionDef, cst.ClassDef))]


def nested_definitions_deep(body: Sequence[cst.BaseStatement]) -> Iterator[cst.FunctionDef | cst.ClassDef]:
    """Functions and classes at any depth, those inside other functions and classes too."""
    for statement in walk(body):
        if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            yield statement
            yield from nested_definitions_deep(body_of(statement.body))


def self_assignments(method: cst.FunctionDef) -> Iterator[cst.Assign]:
    for statement in walk(body_of(method.body)):
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, cst.Assign) and len(small.targets) == 1:
                target = small.targets[0].target
                if isinstance(target, cst.Attribute) and dotted_name(target.value) == "self":
                    yield small


def assigned_names(statement: cst.BaseStatement, augmented: bool = True) -> set[str]:
    """Every name (and ``self.x``) a statement may bind, at any depth of its blocks (those only an
    augmented assignment binds, ``outs += [h]``, left out if not ``augmented``)."""
    names: set[str] = set()
    for inner in walk([statement]):
        targets: list[cst.BaseExpression] = []
        if isinstance(inner, cst.SimpleStatementLine):
            for small in inner.body:
                if isinstance(small, cst.Assign):
                    targets.extend(target.target for target in small.targets)
                elif isinstance(small, cst.AnnAssign) or (augmented and isinstance(small, cst.AugAssign)):
                    targets.append(small.target)
        elif isinstance(inner, (cst.FunctionDef, cst.ClassDef)):
            names.add(inner.name.value)
        elif isinstance(inner, cst.For):
            targets.append(inner.target)
        elif isinstance(inner, cst.With):
            targets.extend(item.asname.name for item in inner.items if item.asname is not None)
        for target in targets:
            names.update(target_names(target))
    return names


def target_names(target: cst.BaseExpression) -> Iterator[str]:
    if isinstance(target, (cst.Name, cst.Attribute)):
        name = dotted_name(target)
        if name is not None:
            yield name
    elif isinstance(target, (cst.Tuple, cst.List)):
        for element in target.elements:
            yield from target_names(element.value)
    elif isinstance(target, cst.StarredElement):
        yield from target_names(target.value)


def method_named(cls: cst.ClassDef, name: str) -> cst.FunctionDef | None:
    """The method ``name`` defined in the class body itself."""
    return next(
        (node for node in body_of(cls.body) if isinstance(node, cst.FunctionDef) and node.name.value == name), None
    )
