"""What a module's statements bind, as the project index reads them: its top-level statements, the
names it binds once to a literal, the names it binds again (and whether conditionally), its imports and
the names it re-exports (``__all__``)."""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Iterator

from shapelint.static.project.facts import Binding, Constant, ImportFacts
from shapelint.static.project.syntax import UNSET, literal

DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def top_level(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Statements at module level, also those inside top-level ``if``/``try`` blocks."""
    for statement in body:
        yield statement
        if isinstance(statement, ast.If):
            yield from top_level(statement.body)
            yield from top_level(statement.orelse)
        elif isinstance(statement, ast.Try):
            for block in (statement.body, statement.orelse, statement.finalbody, *(h.body for h in statement.handlers)):
                yield from top_level(block)


def constants(body: list[ast.stmt], exclude: set[str] | None = None) -> dict[str, Constant]:
    """Names bound exactly once in this scope, and to a literal (``n_layers = 2``)."""
    bindings: Counter[str] = Counter()
    values: dict[str, Constant] = {}
    for statement in scope_statements(body):
        for target, value in assignments(statement):
            bindings[target] += 1
            if value is not UNSET:
                values[target] = value  # type: ignore[assignment]
    skip = exclude or set()
    found = {name: value for name, value in values.items() if bindings[name] == 1 and name not in skip}
    for statement in scope_statements(body):
        # A dict of settings (`CONFIG = {"batch_first": False}`): its entries, as `CONFIG['batch_first']`.
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1 and isinstance(statement.value, ast.Dict):
            settings = statement.targets[0]
            if isinstance(settings, ast.Name) and bindings[settings.id] == 1 and settings.id not in skip:
                for key, item in zip(statement.value.keys, statement.value.values):
                    entry = literal(item)
                    if isinstance(key, ast.Constant) and isinstance(key.value, str) and entry is not UNSET:
                        found[f"{settings.id}[{key.value!r}]"] = entry  # type: ignore[assignment]
    return found


def rebound(body: list[ast.stmt]) -> dict[str, tuple[Binding, ...]]:
    """The module-level names bound more than once, with each binding in source order: which one
    a name means depends on which comes last, or, where one is conditional, on the run."""
    bindings: dict[str, list[Binding]] = {}
    for statement, conditional in _scope_statements_run(body, False):
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            for facts in import_facts(statement, nested=False):
                bindings.setdefault(facts.local, []).append(Binding("import", conditional, facts))
        elif isinstance(statement, ast.ClassDef):
            bindings.setdefault(statement.name, []).append(Binding("class", conditional))
        elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            bindings.setdefault(statement.name, []).append(Binding("function", conditional))
        else:
            for name, _ in assignments(statement):
                bindings.setdefault(name, []).append(Binding("other", conditional))
    return {name: tuple(found) for name, found in bindings.items() if len(found) > 1}


def _scope_statements_run(body: list[ast.stmt], conditional: bool) -> Iterator[tuple[ast.stmt, bool]]:
    """Every statement of a scope in source order, not inside nested functions or classes, and whether
    it runs only on a condition (in an ``if``, ``try``, loop, ``with`` or ``match``)."""
    for statement in body:
        yield statement, conditional
        if isinstance(statement, DEFINITIONS):
            continue
        for block in ("body", "orelse", "finalbody"):
            inner = getattr(statement, block, None)
            if isinstance(inner, list):
                yield from _scope_statements_run(inner, True)
        for handler in getattr(statement, "handlers", ()):
            yield from _scope_statements_run(handler.body, True)
        for case in getattr(statement, "cases", ()):
            yield from _scope_statements_run(case.body, True)


def import_facts(node: ast.Import | ast.ImportFrom, nested: bool) -> Iterator[ImportFacts]:
    """The names an import binds (a star import binds none it names)."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.asname is not None:
                yield ImportFacts(alias.asname, alias.name, None, nested=nested)
            else:
                head = alias.name.split(".")[0]
                yield ImportFacts(head, head, None, nested=nested)
        return
    for alias in node.names:
        if alias.name != "*":
            yield ImportFacts(alias.asname or alias.name, node.module or "", alias.name, node.level, nested)


def exports(body: list[ast.stmt]) -> frozenset[str] | None:
    """The names ``__all__`` lists, where it is bound (and extended) only by literal lists; else None."""
    names: set[str] = set()
    seen = False
    for statement in scope_statements(body):
        if isinstance(statement, ast.Assign) and any(_names_all(target) for target in statement.targets):
            listed, seen = _listed(statement.value), True
            if listed is None or len(statement.targets) > 1:
                return None
            names = listed
        elif isinstance(statement, ast.AugAssign) and _names_all(statement.target):
            listed = _listed(statement.value)
            if listed is None or not seen:
                return None
            names |= listed
        elif (
            isinstance(statement, ast.Expr)
            and isinstance(statement.value, ast.Call)
            and isinstance(statement.value.func, ast.Attribute)
            and _names_all(statement.value.func.value)
        ):
            return None  # `__all__.extend(...)`: names not read here
        elif isinstance(statement, ast.AnnAssign) and _names_all(statement.target):
            return None
    return frozenset(names) if seen else None


def _names_all(target: ast.expr) -> bool:
    return isinstance(target, ast.Name) and target.id == "__all__"


def _listed(node: ast.expr) -> set[str] | None:
    if not isinstance(node, (ast.List, ast.Tuple)):
        return None
    names = {literal(element) for element in node.elts}
    return names if all(isinstance(name, str) for name in names) else None  # type: ignore[return-value]


def scope_statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Every statement of a scope at any depth, not inside nested functions or classes."""
    return (statement for statement, _ in _scope_statements_run(body, False))


def all_statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Every statement at any depth, nested functions and classes included (an assignment is a
    statement: no expression below needs a look)."""
    for statement in body:
        yield statement
        for block in ("body", "orelse", "finalbody"):
            inner = getattr(statement, block, None)
            if isinstance(inner, list):
                yield from all_statements(inner)
        for handler in getattr(statement, "handlers", ()):
            yield from all_statements(handler.body)
        for case in getattr(statement, "cases", ()):
            yield from all_statements(case.body)


def assignments(statement: ast.stmt) -> Iterator[tuple[str, Constant | object]]:
    """(name, literal value or UNSET) for each name a statement binds."""
    if isinstance(statement, ast.Assign):
        value = literal(statement.value) if len(statement.targets) == 1 else UNSET
        for target in statement.targets:
            for name in target_names(target):
                yield name, value if isinstance(target, ast.Name) else UNSET
    elif isinstance(statement, ast.AnnAssign):
        for name in target_names(statement.target):
            yield name, literal(statement.value) if statement.value is not None else UNSET
    elif isinstance(statement, (ast.AugAssign, ast.For, ast.AsyncFor)):
        for name in target_names(statement.target):
            yield name, UNSET
    elif isinstance(statement, (ast.With, ast.AsyncWith)):
        for item in statement.items:
            if item.optional_vars is not None:
                for name in target_names(item.optional_vars):
                    yield name, UNSET
    elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        yield statement.name, UNSET
    elif isinstance(statement, (ast.Import, ast.ImportFrom)):
        for alias in statement.names:
            yield (alias.asname or alias.name).split(".")[0], UNSET
    elif isinstance(statement, (ast.Global, ast.Nonlocal)):
        for name in statement.names:
            yield name, UNSET
            yield name, UNSET  # declared global: rebound elsewhere, never a constant


def target_names(target: ast.expr) -> Iterator[str]:
    if isinstance(target, ast.Name):
        yield target.id
    elif isinstance(target, (ast.Tuple, ast.List)):
        for element in target.elts:
            yield from target_names(element)
    elif isinstance(target, ast.Starred):
        yield from target_names(target.value)
