"""Expressions as the flow evaluates them: names, attributes, arithmetic, literals and branches,
each to an abstract value (calls are `calls.py`'s, subscripts `tensor_methods.py`'s)."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

import libcst as cst

from shapelint.static import knowledge as kb
from shapelint.static.flow import calls, recurrence
from shapelint.static.flow.buffers import seen_filled
from shapelint.static.flow.constants import arithmetic, comparison, evidence_of, truth
from shapelint.static.flow.joins import merged_value
from shapelint.static.flow.loaders import iterated
from shapelint.static.flow.tensor_methods import matmul, pair_matrices, subscript
from shapelint.static.flow.tensor_ops import OPAQUE_ATOM, elementwise
from shapelint.static.imports import dotted_name, resolve
from shapelint.static.layout import Role, RoleSize, Tensor
from shapelint.static.project.index import normalised_path
from shapelint.static.values import (
    UNKNOWN,
    Batched,
    CellModule,
    Either,
    FieldBatch,
    Instance,
    Items,
    Keyed,
    LayerModule,
    Literal,
    Path,
    Position,
    ProjectName,
    RnnModule,
    SelfRef,
    Shape,
    Size,
    SizeOnes,
    Stepped,
    Steps,
    Unknown,
    Value,
)

if TYPE_CHECKING:
    from shapelint.static.flow.function import FunctionFlow


def value_of(flow: FunctionFlow, node: cst.BaseExpression) -> Value:
    """The value of ``node``, shown to an observer (``shapelint explain``) at the linted level."""
    value = evaluate(flow, node)
    observer = flow.scope.program.observer if flow.scope.program is not None else None
    if observer is not None and flow.depth == 0:
        observer.evaluated(flow, node, value)
    return value


def evaluate(flow: FunctionFlow, node: cst.BaseExpression) -> Value:
    if isinstance(node, cst.Name):
        return _name(flow, node.value)
    if isinstance(node, cst.Attribute):
        return attribute(flow, node)
    if isinstance(node, cst.Call):
        return calls.value_of_call(flow, node)
    if isinstance(node, cst.Subscript):
        found = subscript(flow, node)
        return setting_entry(flow, node) if isinstance(found, Unknown) else found
    if isinstance(node, cst.Integer):
        return Literal(int(node.value, 0))
    if isinstance(node, cst.Float):
        return Literal(float(node.value))  # a scalar: `0.5 * logv` keeps the layout of `logv`
    if isinstance(node, cst.UnaryOperation):
        operand = value_of(flow, node.expression)
        if isinstance(node.operator, cst.Minus) and isinstance(operand, Literal) and isinstance(operand.value, int):
            return Literal(-operand.value, operand.evidence)
        if isinstance(node.operator, cst.Not) and (decided := truth(operand)) is not None:
            return Literal(not decided.value, decided.evidence)
        return UNKNOWN
    if isinstance(node, cst.BinaryOperation):
        return _binary(flow, node)
    if isinstance(node, (cst.Tuple, cst.List)):
        return Items(tuple(value_of(flow, element.value) for element in node.elements))
    if isinstance(node, cst.Dict):
        return _dict(flow, node)
    if isinstance(node, (cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)):
        return _comprehension(flow, node)
    if isinstance(node, cst.Lambda):
        return UNKNOWN  # a scope of its own; its names are not ours
    if isinstance(node, cst.Comparison):
        left = value_of(flow, node.left)
        results = []
        for target in node.comparisons:
            right = value_of(flow, target.comparator)
            results.append(comparison(target.operator, left, right))
            left = right
        if len(results) == 1 and results[0] is not None:
            return results[0]
        return UNKNOWN
    if isinstance(node, cst.BooleanOperation):
        return _boolean(flow, node)
    if isinstance(node, cst.IfExp):
        return _if_expression(flow, node)
    if isinstance(node, cst.SimpleString):
        text = node.evaluated_value
        return Literal(text) if isinstance(text, str) else UNKNOWN
    for child in _child_expressions(node):
        value_of(flow, child)
    return UNKNOWN


def _dict(flow: FunctionFlow, node: cst.Dict) -> Value:
    """A dict literal with string keys: settings that a ``**`` passes on."""
    entries = []
    for element in node.elements:
        if not isinstance(element, cst.DictElement) or not isinstance(element.key, cst.SimpleString):
            return UNKNOWN
        key = element.key.evaluated_value
        if not isinstance(key, str):
            return UNKNOWN
        entries.append((key, value_of(flow, element.value)))
    return Keyed(tuple(entries))


def _comprehension(flow: FunctionFlow, node: cst.ListComp | cst.SetComp | cst.DictComp | cst.GeneratorExp) -> Value:
    """``[model(x) for x, _ in loader]``: its element analysed once, with what each ``for`` binds;
    the names it binds are its own, so the function's are put back after."""
    outside = dict(flow.env)
    clause: cst.CompFor | None = node.for_in
    over: Value = UNKNOWN
    while clause is not None:
        over = flow.expression(clause.iter)
        flow.bind(clause.target, over.element if isinstance(over, Stepped) else iterated(over))
        for condition in clause.ifs:
            flow.expression(condition.test)
        clause = clause.inner_for_in
    parts = (node.key, node.value) if isinstance(node, cst.DictComp) else (node.elt,)
    values = [flow.expression(part) for part in parts]
    flow.set_env(outside)
    # `[o.unsqueeze(1) for o in outs]`: the steps of `outs`, each mapped.
    single = node.for_in.inner_for_in is None and not node.for_in.ifs
    if isinstance(node, cst.ListComp) and single and isinstance(over, Stepped):
        return recurrence.mapped(over, values[0])
    if isinstance(node, cst.ListComp) and isinstance(values[0], (CellModule, LayerModule, RnnModule)):
        return Items((values[0],))  # `[nn.GRUCell(...) for i in range(layers)]`: modules alike, each as this one
    if (
        isinstance(node, cst.ListComp)
        and single
        and isinstance(over, Steps)
        and isinstance(node.for_in.target, cst.Name)
    ):
        return recurrence.comprehended(flow, node, Position(over), values[0])
    return UNKNOWN


def _boolean(flow: FunctionFlow, node: cst.BooleanOperation) -> Value:
    left = truth(value_of(flow, node.left))
    right = truth(value_of(flow, node.right))
    if left is None or right is None:
        return UNKNOWN
    both = evidence_of(left, right)
    if isinstance(node.operator, cst.And):
        return Literal(bool(left.value) and bool(right.value), both)
    return Literal(bool(left.value) or bool(right.value), both)


def _if_expression(flow: FunctionFlow, node: cst.IfExp) -> Value:
    """``2 if bidirectional else 1``: the branch a known condition takes; else both, if they agree."""
    decided = truth(value_of(flow, node.test))
    if decided is not None:
        chosen = value_of(flow, node.body if decided.value else node.orelse)
        if isinstance(chosen, Literal):
            return Literal(chosen.value, evidence_of(chosen, decided))
        flow.rely_on(decided)
        return chosen
    return merged_value(value_of(flow, node.body), value_of(flow, node.orelse))


def _name(flow: FunctionFlow, name: str) -> Value:
    if name == "self":
        return SelfRef()
    flow.names_read.add(name)
    value = flow.env.get(name)
    globals_known = name in flow.scope.bound_once or flow.live_globals
    if value is None and globals_known and flow.env is not flow.scope.globals:
        value = flow.scope.globals.get(name)  # a global the module's top-level code bound
    program = flow.scope.program
    if value is None and name in flow.scope.bound_once and program is not None and _in_other_module(flow):
        value = program.other_global(flow, name)
    if value is None or isinstance(value, Unknown):
        role = flow.scope.names.role_of(name)
        if value is None and role is Role.BATCH and flow.scope.constants.get(name) == Literal(1):
            return Literal(1)  # `batch_size = 1` atop a tutorial: one sample, whatever the name says
        if role is not None and not (value is None and _names_module(flow, name)):
            return Size((RoleSize(role),))
        if value is None and name in flow.scope.aliases:
            path = resolve(cst.Name(name), flow.scope.aliases) or name
            found = UNKNOWN if path.startswith("torch") else _imported(flow, name, None, None)
            return found if not isinstance(found, Unknown) else Path(path)
        if value is None and name in kb.CONVENTIONAL_IMPORTS and name not in flow.scope.bound:
            # `nn.LSTM(...)` in a file that never imports `nn` (it comes from `from utils import *`,
            # or from a notebook's earlier cell): almost surely torch's.
            path = kb.CONVENTIONAL_IMPORTS[name]
            return Path(path, (f"`{name}` is not imported in this file; read as `{path}`",))
        if name in ("True", "False", "None"):
            return Literal({"True": True, "False": False, "None": None}[name])
        if value is None and name in flow.scope.constants:
            return flow.scope.constants[name]
        if value is None:
            return project_name(flow, name) or _imported(flow, name, None, None)
        return UNKNOWN
    return _named(flow, name, seen_filled(flow, value) if flow.filled or flow.steps_written else value)


def _imported(flow: FunctionFlow, local: str, attribute: str | None, entry: str | None) -> Value:
    program = flow.scope.program
    found = program.module_constant(flow.scope, local, attribute, entry) if program is not None else UNKNOWN
    return _named(flow, attribute or entry or local, found)


def setting_entry(flow: FunctionFlow, node: cst.Subscript) -> Value:
    """``CONFIG['batch_first']`` of a module's dict of settings (this module's or an imported one)."""
    if not isinstance(node.value, cst.Name) or node.value.value in flow.env or len(node.slice) != 1:
        return UNKNOWN
    piece = node.slice[0].slice
    if not isinstance(piece, cst.Index) or not isinstance(piece.value, cst.SimpleString):
        return UNKNOWN
    key = piece.value.evaluated_value
    return _imported(flow, node.value.value, None, key) if isinstance(key, str) else UNKNOWN


def _in_other_module(flow: FunctionFlow) -> bool:
    """Whether ``flow`` runs a function of another module than the linted one (whose top-level code
    was not run)."""
    program = flow.scope.program
    return program is not None and bool(flow.scope.path) and normalised_path(flow.scope.path) != program.linted_path


def _names_module(flow: FunctionFlow, name: str) -> bool:
    """Whether an import binds ``name`` to a module of the project (``from model import layers``): a
    module, whatever a size of that name would mean."""
    program = flow.scope.program
    project = program.project if program is not None else None
    if name not in flow.scope.aliases or project is None:
        return False
    return project.module_named(flow.scope.path, name) is not None


def project_name(flow: FunctionFlow, name: str) -> ProjectName | None:
    """A class or function of the project that ``name`` (dotted) means in this module."""
    program = flow.scope.program
    key = program.resolve(flow.scope, name) if program is not None else None
    return ProjectName(key) if key is not None else None


def _named(flow: FunctionFlow, name: str, value: Value) -> Value:
    """A number read under a size's name keeps what the name says it counts."""
    if isinstance(value, Literal) and type(value.value) is int and value.value not in (1, -1):
        role = flow.scope.names.role_of(name)
        if role is not None:
            return replace(value, role=role)
    return value


def attribute(flow: FunctionFlow, node: cst.Attribute) -> Value:
    key = dotted_name(node)
    attr = node.attr.value
    if key is not None and key in flow.env and not isinstance(flow.env[key], Unknown):
        return _named(flow, attr, flow.env[key])
    base = value_of(flow, node.value)
    if isinstance(base, FieldBatch):
        return Batched(base.stacking, fields=True)  # `batch.text`: a field, or its (tokens, lengths)
    if isinstance(base, SelfRef) and attr in flow.attributes and not isinstance(flow.attributes[attr], Unknown):
        return _named(flow, attr, flow.attributes[attr])
    if isinstance(base, Instance) and not isinstance(base.attributes.get(attr, UNKNOWN), Unknown):
        return _named(flow, attr, base.attributes[attr])
    if isinstance(base, Either):
        held = functools.reduce(merged_value, (option.attributes.get(attr, UNKNOWN) for option in base.options))
        if not isinstance(held, Unknown):
            return _named(flow, attr, held)
    if isinstance(base, RnnModule) and attr in ("bidirectional", "batch_first"):
        setting = getattr(base, attr)
        return UNKNOWN if setting is None else Literal(setting, base.evidence)
    if isinstance(base, Tensor) and attr == "shape":
        return Shape(base)
    if isinstance(base, Tensor) and attr == "data":
        return base
    if isinstance(base, Path):
        if isinstance(node.value, cst.Name) and not base.path.startswith("torch"):
            found = _imported(flow, node.value.value, attr, None)  # `config.N_LAYERS` of a project module
            if not isinstance(found, Unknown):
                return found
        return Path(resolve(node, flow.scope.aliases) or f"{base.path}.{attr}", base.evidence)
    role = flow.scope.names.role_of(attr)
    return Size((RoleSize(role),)) if role is not None else UNKNOWN


def _binary(flow: FunctionFlow, node: cst.BinaryOperation) -> Value:
    left, right = value_of(flow, node.left), value_of(flow, node.right)
    if isinstance(node.operator, cst.MatrixMultiply) and isinstance(left, Tensor):
        pair_matrices(flow, node, left, right)
    value = _combined(node, left, right)
    if isinstance(value, Tensor) and value.padding is not None and isinstance(node.operator, (cst.Add, cst.Subtract)):
        # `scores + mask`, `x + (1 - mask) * -1e4`: a large negative number at the pads, which no max
        # or softmax then picks: the padding is masked (the padded operand's own name says nothing).
        for operand, code in ((left, node.left), (right, node.right)):
            carries_padding = isinstance(operand, Tensor) and operand.padding is not None
            if not carries_padding and names_a_mask(code):
                return replace(value, padding=None)
    return value


def _combined(node: cst.BinaryOperation, left: Value, right: Value) -> Value:
    if isinstance(node.operator, (cst.Add, cst.Subtract)) and (
        isinstance(left, Position) or isinstance(right, Position)
    ):
        # `seq_len - 1 - t`, `t + 1`: an integer index on the axis the loop walks, as `t` is.
        other = right if isinstance(left, Position) else left
        if isinstance(other, (Literal, Size, Position)):
            return left if isinstance(left, Position) else right
    folded = arithmetic(node.operator, left, right)
    if folded is not None:
        return folded
    if isinstance(node.operator, cst.Add) and isinstance(left, Items) and isinstance(right, Items):
        return Items(left.values + right.values)  # `(b, -1, heads) + x.size()[1:]`
    if isinstance(node.operator, cst.Multiply) and isinstance(left, Size) and isinstance(right, Size):
        return Size(left.atoms + right.atoms)
    if isinstance(left, Literal) and isinstance(right, Literal):
        return UNKNOWN  # literals that do not fold (floats, strings, division)
    if isinstance(left, (Size, Literal)) or isinstance(right, (Size, Literal)):
        tensor = left if isinstance(left, Tensor) else right if isinstance(right, Tensor) else None
        return tensor if tensor is not None else Size((OPAQUE_ATOM,))
    if isinstance(node.operator, cst.MatrixMultiply) and isinstance(left, Tensor):
        return matmul(left, right, node)
    if isinstance(left, (Tensor, SizeOnes)) and isinstance(right, (Tensor, SizeOnes)):
        return elementwise(left, right, node.left, node.right, isinstance(node.operator, cst.Multiply))
    return UNKNOWN


def names_a_mask(code: cst.BaseExpression) -> bool:
    """Whether the expression reads a name that says it is a mask (`mask`, `self.attn_mask`)."""
    stack: list[cst.CSTNode] = [code]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Name) and "mask" in node.value.lower():
            return True
        stack.extend(node.children)
    return False


def _child_expressions(node: cst.CSTNode) -> Iterator[cst.BaseExpression]:
    for child in node.children:
        if isinstance(child, cst.BaseExpression):
            yield child
        elif not isinstance(child, (cst.BaseSuite, cst.BaseStatement)):
            yield from _child_expressions(child)
