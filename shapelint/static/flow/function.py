"""Follow axis layouts through one function body and report interesting calls as events.

The analysis is a single forward pass over the function: straight-line code updates an
environment of names to abstract values; branches are analysed from the same environment and
joined (a name keeps its value only if every branch agrees); names assigned in a loop are
unknown at the loop's head. Every expression is evaluated exactly once, so each call yields
at most one event.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import libcst as cst

from shapelint.static import knowledge as kb
from shapelint.static.events import (
    AxisIndex,
    Event,
    Evidence,
    Evidenced,
    IndexEvent,
    ReduceEvent,
    ReturnEvent,
    SliceOf,
)
from shapelint.static.flow.buffers import record_fill, seen_filled
from shapelint.static.flow.constants import arithmetic, comparison, evidence_of, truth
from shapelint.static.flow.declarations import annotation_layout
from shapelint.static.flow.joins import Env, join, merged_value
from shapelint.static.flow.loaders import batched_method, data_loader, iterated, iterator_call, torchtext_iterator
from shapelint.static.flow.tensor_methods import matmul, shape_from_sizes, subscript, tensor_method
from shapelint.static.flow.tensor_ops import OPAQUE_ATOM, elementwise
from shapelint.static.flow.torch_calls import (
    concatenate,
    factory,
    layer_call,
    linear_module,
    pack,
    pad_packed,
    padded_batch,
    parameter,
    pool_module,
    pooled,
    rnn_call,
    rnn_module,
    sequential_module,
    softmax_module,
)
from shapelint.static.imports import dotted_name, resolve
from shapelint.static.layout import (
    Axis,
    Padding,
    Role,
    RoleSize,
    Tensor,
)
from shapelint.static.project.index import ClassKey, normalised_path
from shapelint.static.values import (
    UNKNOWN,
    Batched,
    FieldBatch,
    Instance,
    Items,
    Keyed,
    LayerModule,
    Literal,
    Path,
    ProjectName,
    RnnModule,
    SelfRef,
    Shape,
    Size,
    SizeOnes,
    Unknown,
    Value,
)
from shapelint.static.walk import assigned_names, body_of, method_named

if TYPE_CHECKING:
    from shapelint.static.flow.scope import ModuleScope

# Loops per function whose first iteration is followed with the values from before the loop.
MAX_FIRST_ITERATIONS = 8


@dataclass
class FunctionFlow:
    """The forward pass over one function."""

    scope: ModuleScope
    attributes: dict[str, Value]
    env: Env = field(default_factory=dict)
    events: list[Evidenced] = field(default_factory=list)
    # Project settings this path has relied on so far (an RNN built from them, a branch they decided).
    evidence: dict[Evidence, None] = field(default_factory=dict)
    depth: int = 0  # how many calls deep into the project this analysis runs
    owner: cst.ClassDef | None = None  # the class of a method: where `self.method(...)` is found
    active: frozenset[cst.FunctionDef] = frozenset()  # the functions whose calls led here
    returned: Value | None = None  # what the function returns, joined over its `return`s
    function: cst.FunctionDef | None = None  # None for a module's top-level code
    recording: bool = True
    _declared_return: Tensor | None = None
    _names_read: set[str] = field(default_factory=set)
    _optional: set[str] = field(default_factory=set)  # parameters that default to None
    _left: bool = False  # the current path has returned or raised
    _loops_entered: int = 0  # loops whose first iteration was followed (nested loops multiply the work)
    _in_concat: set[cst.CSTNode] = field(default_factory=set)
    _fed_to: dict[cst.CSTNode, LayerModule] = field(default_factory=dict)
    indexings: list[tuple[cst.Subscript, Tensor, tuple[AxisIndex, ...], tuple[SliceOf | None, ...]]] = field(
        default_factory=list
    )
    # Time axes of buffers filled step by step from a padded tensor, and that padding (flow.buffers).
    filled: dict[Axis, Padding] = field(default_factory=dict)

    def run(self, function: cst.FunctionDef, arguments: dict[str, Value] | None = None, called: bool = False) -> None:
        """Analyse ``function``; ``arguments`` gives some parameters the values a caller passes.
        ``called``: they are all a call passes, so a parameter it leaves out has its default."""
        self.function = function
        params = (*function.params.posonly_params, *function.params.params, *function.params.kwonly_params)
        given = arguments or {}
        for param in params:
            passed = given.get(param.name.value, UNKNOWN)
            if called and param.name.value not in given and param.default is not None:
                passed = self._default(param, param.default)
            # What the caller passes is more precise than a declaration, unless nothing is known of it.
            self.env[param.name.value] = self._declared(param) if isinstance(passed, Unknown) else passed
            if isinstance(param.default, cst.Name) and param.default.value == "None":
                self._optional.add(param.name.value)
        if function.returns is not None:
            declared = annotation_layout(
                function.returns.annotation, function.returns, "the return value", self.scope.names
            )
            self._declared_return = declared if isinstance(declared, Tensor) else None
        self.run_statements(body_of(function.body))

    def run_statements(self, statements: Sequence[cst.BaseStatement]) -> None:
        """Analyse statements as a function body (a module's top level is run this way too)."""
        self._block(statements)
        self._emit_indexings()
        self.events = [replace(found, event=self._settle_padding(found.event)) for found in self.events]

    def live_padding(self, tensor: Tensor) -> Tensor:
        """On a path where the lengths are None (``if lengths is None:``), nothing was padded."""
        padding = tensor.padding
        if padding is not None and padding.lengths_name and self.env.get(padding.lengths_name) == Literal(None):
            return replace(tensor, padding=None)
        return tensor

    def _settle_padding(self, event: Event) -> Event:
        """An optional `lengths=None` that the function never reads is no evidence of a padded batch.

        (A required `lengths` that is never read is: the batch is padded and the code forgot it.)
        """
        if not isinstance(event, (IndexEvent, ReduceEvent)):
            return event
        padding = event.tensor.padding
        name = padding.lengths_name if padding is not None else None
        if name is None or name in self._names_read or name not in self._optional:
            return event
        return replace(event, tensor=replace(event.tensor, padding=None))

    def _emit_indexings(self) -> None:
        """Index events go out last: each must know every pick made on the same tensor's first axis."""
        picks: dict[int, set[int]] = {}
        for _, tensor, per_axis, _ in self.indexings:
            if per_axis and isinstance(per_axis[0], int):
                picks.setdefault(id(tensor.axes[0]), set()).add(per_axis[0])
        for node, tensor, per_axis, slices in self.indexings:
            siblings = frozenset(picks.get(id(tensor.axes[0]), ()))
            fed_to = self._fed_to.get(node)
            later = self.scope.program is not None and self.scope.program.settings_to_come
            self.emit(IndexEvent(node, tensor, per_axis, node in self._in_concat, siblings, fed_to, slices, later))

    # ------------------------------------------------------------ statements

    def _block(self, statements: Sequence[cst.BaseStatement]) -> None:
        for statement in statements:
            if self._left:
                return  # after return/raise: dead code
            self._statement(statement)

    def _statement(self, statement: cst.BaseStatement) -> None:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                self._small(small)
        elif isinstance(statement, cst.If):
            none_check = _none_check(statement.test)
            if none_check is not None and none_check[0] not in kb.LENGTHS_NAMES:
                none_check = None  # only whether lengths exist on a path matters here
            if none_check is None:
                decided = truth(self.expression(statement.test))
                if decided is not None:
                    self._rely_on(decided)
                    self._decided_branch(statement, bool(decided.value))
                    return
            before = dict(self.env)
            if none_check is not None and none_check[1]:
                self.env[none_check[0]] = Literal(None)  # `if lengths is None:` -- no lengths in this branch
            self._block(body_of(statement.body))
            after_body = dict(self.env)
            self._set_env(before)
            body_left, self._left = self._left, False
            if none_check is not None and not none_check[1]:
                self.env[none_check[0]] = Literal(None)
            if isinstance(statement.orelse, cst.If):
                self._statement(statement.orelse)
            elif isinstance(statement.orelse, cst.Else):
                self._block(body_of(statement.orelse.body))
            # A branch that returns or raises does not flow on: only the other one does.
            if body_left and not self._left:
                pass
            elif self._left and not body_left:
                self._set_env(after_body)
                self._left = False
            else:
                self._set_env(join(after_body, self.env))
        elif isinstance(statement, (cst.For, cst.While)):
            self._loop(statement)
        elif isinstance(statement, cst.With):
            for item in statement.items:
                self.expression(item.item)
                if item.asname is not None:
                    self._bind(item.asname.name, UNKNOWN)
            self._block(body_of(statement.body))
        elif isinstance(statement, cst.Try):
            before = dict(self.env)
            self._forget(assigned_names(statement))
            self._block(body_of(statement.body))
            self._left = False  # any statement of the body may have raised
            self._set_env(join(before, self.env))
            self._forget(assigned_names(statement))
            for handler in statement.handlers:
                self._block(body_of(handler.body))
                self._left = False
            if statement.orelse is not None:
                self._block(body_of(statement.orelse.body))
            if statement.finalbody is not None:
                self._block(body_of(statement.finalbody.body))
        elif isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            self.env[statement.name.value] = self._project_name(statement.name.value) or UNKNOWN
        else:  # match statements and anything newer: give up on what they assign
            self._forget(assigned_names(statement))

    def _decided_branch(self, statement: cst.If, taken: bool) -> None:
        """An ``if`` whose condition a setting decides: only the branch taken runs."""
        if taken:
            self._block(body_of(statement.body))
        elif isinstance(statement.orelse, cst.If):
            self._statement(statement.orelse)
        elif isinstance(statement.orelse, cst.Else):
            self._block(body_of(statement.orelse.body))

    def _rely_on(self, value: Literal) -> None:
        self.evidence.update(dict.fromkeys(value.evidence))

    def _observe_binding(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        observer = self.scope.program.observer if self.scope.program is not None else None
        if observer is not None and self.depth == 0:
            observer.assigned(self, target, value)

    def _set_env(self, values: Env) -> None:
        """Replace what the names hold, in place: the module's top-level environment is read live
        by the functions that its code calls (as their globals)."""
        if values is not self.env:
            self.env.clear()
            self.env.update(values)

    def _loop(self, loop: cst.For | cst.While) -> None:
        before = dict(self.env)
        reassigned = assigned_names(loop)
        if self._loops_entered < MAX_FIRST_ITERATIONS and any(
            isinstance(before.get(name), (Tensor, Items)) for name in reassigned
        ):
            # The first iteration sees the values from before the loop (a decoder's first step gets the
            # encoder's state); what later ones see is unknown, below.
            self._loops_entered += 1
            self._iteration(loop)
            self._set_env(dict(before))
            self._left = False
        self._forget(reassigned)
        self._iteration(loop)
        self._left = False  # the loop may not have run, or may have broken out
        self._set_env(join(before, self.env))
        if loop.orelse is not None:
            self._block(body_of(loop.orelse.body))

    def _iteration(self, loop: cst.For | cst.While) -> None:
        if isinstance(loop, cst.For):
            self._bind(loop.target, iterated(self.expression(loop.iter)))
        else:
            self.expression(loop.test)
        self._block(body_of(loop.body))

    def _forget(self, names: set[str]) -> None:
        for name in names:
            self.env[name] = UNKNOWN

    def _small(self, small: cst.BaseSmallStatement) -> None:
        if isinstance(small, cst.Assign):
            unpacked_from = _shape_owner(small.value)
            for target in small.targets:
                known = isinstance(self.env.get(unpacked_from or ""), Tensor)
                if unpacked_from and not known and isinstance(target.target, (cst.Tuple, cst.List)):
                    self._declare_from_unpacking(target.target, unpacked_from)
            value = self.expression(small.value)
            for target in small.targets:
                self._bind(target.target, value)
                self._observe_binding(target.target, small.value)
                if isinstance(target.target, cst.Subscript):
                    record_fill(self, target.target, small.value)
        elif isinstance(small, cst.AnnAssign):
            value = self.expression(small.value) if small.value is not None else UNKNOWN
            declared = annotation_layout(
                small.annotation.annotation, small, dotted_name(small.target) or "", self.scope.names
            )
            self._bind(small.target, declared if isinstance(declared, Tensor) else value)
        elif isinstance(small, cst.AugAssign):
            self.expression(small.value)
            self._bind(small.target, UNKNOWN)
        elif isinstance(small, cst.Return):
            value = self.expression(small.value) if small.value is not None else UNKNOWN
            self.returned = value if self.returned is None else merged_value(self.returned, value)
            if self._declared_return is not None and isinstance(value, Tensor):
                self.emit(ReturnEvent(small, self._declared_return, value))
            self._left = True
        elif isinstance(small, cst.Raise):
            if small.exc is not None:
                self.expression(small.exc)
            self._left = True
        elif isinstance(small, cst.Expr):
            self.expression(small.value)
        elif isinstance(small, cst.Assert):
            self.expression(small.test, record=False)  # a check of the values, not a use of them
        elif isinstance(small, cst.Del):
            self._bind(small.target, UNKNOWN)

    def _bind(self, target: cst.BaseExpression, value: Value) -> None:
        if isinstance(target, cst.Name):
            self.env[target.value] = value
        elif isinstance(target, (cst.Tuple, cst.List)):
            self._unpack(target, value)
        elif isinstance(target, cst.Attribute):
            key = dotted_name(target)
            if key is not None:
                self.env[key] = value
        elif isinstance(target, cst.StarredElement):
            self._bind(target.value, UNKNOWN)

    def _unpack(self, target: cst.Tuple | cst.List, value: Value) -> None:
        elements = [element.value for element in target.elements]
        if any(isinstance(element, cst.StarredElement) for element in target.elements):
            for element in elements:
                self._bind(element, UNKNOWN)
            return
        values: list[Value] = [UNKNOWN] * len(elements)
        if isinstance(value, Batched) and value.fields:
            # A batch's fields, each stacked on the batch axis; taken for tensors (a nested tuple is
            # rarer than indexing a sample out of a tensor, which must not pass for a batch).
            values = [replace(value, fields=False)] * len(elements)
        elif isinstance(value, Items) and len(value.values) == len(elements):
            values = list(value.values)
        elif isinstance(value, Shape) and value.tensor.rank == len(elements):
            values = [Size((axis,)) for axis in value.tensor.axes]
        elif isinstance(value, Shape):
            pass
        for element, item in zip(elements, values):
            self._bind(element, item)

    def _declare_from_unpacking(self, target: cst.Tuple | cst.List, tensor_name: str) -> None:
        """``batch_size, seq_len = tokens.shape`` declares the layout of an unknown ``tokens``."""
        roles = [
            self.scope.names.role_of(element.value.value) if isinstance(element.value, cst.Name) else None
            for element in target.elements
        ]
        if not any(roles):
            return
        axes = tuple(Axis(role or Role.UNKNOWN, target) for role in roles)
        self.env[tensor_name] = Tensor(axes, f"`{tensor_name}`, whose sizes are unpacked", target)

    # ------------------------------------------------------------ expressions

    def expression(self, node: cst.BaseExpression, record: bool = True) -> Value:
        """Evaluate ``node``; ``record=False`` evaluates without emitting events."""
        previous = self.recording
        self.recording = record and previous
        try:
            return self._expression(node)
        finally:
            self.recording = previous

    def _expression(self, node: cst.BaseExpression) -> Value:
        value = self._evaluate(node)
        observer = self.scope.program.observer if self.scope.program is not None else None
        if observer is not None and self.depth == 0:
            observer.evaluated(self, node, value)
        return value

    def _evaluate(self, node: cst.BaseExpression) -> Value:
        if isinstance(node, cst.Name):
            return self._name(node.value)
        if isinstance(node, cst.Attribute):
            return self._attribute(node)
        if isinstance(node, cst.Call):
            return self._call(node)
        if isinstance(node, cst.Subscript):
            return subscript(self, node)
        if isinstance(node, cst.Integer):
            return Literal(int(node.value, 0))
        if isinstance(node, cst.Float):
            return Literal(float(node.value))  # a scalar: `0.5 * logv` keeps the layout of `logv`
        if isinstance(node, cst.UnaryOperation):
            operand = self._expression(node.expression)
            if isinstance(node.operator, cst.Minus) and isinstance(operand, Literal) and isinstance(operand.value, int):
                return Literal(-operand.value, operand.evidence)
            if isinstance(node.operator, cst.Not) and (decided := truth(operand)) is not None:
                return Literal(not decided.value, decided.evidence)
            return UNKNOWN
        if isinstance(node, cst.BinaryOperation):
            return self._binary(node)
        if isinstance(node, (cst.Tuple, cst.List)):
            return Items(tuple(self._expression(element.value) for element in node.elements))
        if isinstance(node, cst.Dict):
            return self._dict(node)
        if isinstance(node, (cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)):
            return self._comprehension(node)
        if isinstance(node, cst.Lambda):
            return UNKNOWN  # a scope of its own; its names are not ours
        if isinstance(node, cst.Comparison):
            left = self._expression(node.left)
            results = []
            for target in node.comparisons:
                right = self._expression(target.comparator)
                results.append(comparison(target.operator, left, right))
                left = right
            if len(results) == 1 and results[0] is not None:
                return results[0]
            return UNKNOWN
        if isinstance(node, cst.BooleanOperation):
            return self._boolean(node)
        if isinstance(node, cst.IfExp):
            return self._if_expression(node)
        if isinstance(node, cst.SimpleString):
            text = node.evaluated_value
            return Literal(text) if isinstance(text, str) else UNKNOWN
        for child in _child_expressions(node):
            self._expression(child)
        return UNKNOWN

    def _dict(self, node: cst.Dict) -> Value:
        """A dict literal with string keys: settings that a ``**`` passes on."""
        entries = []
        for element in node.elements:
            if not isinstance(element, cst.DictElement) or not isinstance(element.key, cst.SimpleString):
                return UNKNOWN
            key = element.key.evaluated_value
            if not isinstance(key, str):
                return UNKNOWN
            entries.append((key, self._expression(element.value)))
        return Keyed(tuple(entries))

    def _comprehension(self, node: cst.ListComp | cst.SetComp | cst.DictComp | cst.GeneratorExp) -> Value:
        """``[model(x) for x, _ in loader]``: its element analysed once, with what each ``for`` binds;
        the names it binds are its own, so the function's are put back after."""
        outside = dict(self.env)
        clause: cst.CompFor | None = node.for_in
        while clause is not None:
            self._bind(clause.target, iterated(self.expression(clause.iter)))
            for condition in clause.ifs:
                self.expression(condition.test)
            clause = clause.inner_for_in
        parts = (node.key, node.value) if isinstance(node, cst.DictComp) else (node.elt,)
        for part in parts:
            self.expression(part)
        self._set_env(outside)
        return UNKNOWN

    def _boolean(self, node: cst.BooleanOperation) -> Value:
        left = truth(self._expression(node.left))
        right = truth(self._expression(node.right))
        if left is None or right is None:
            return UNKNOWN
        both = evidence_of(left, right)
        if isinstance(node.operator, cst.And):
            return Literal(bool(left.value) and bool(right.value), both)
        return Literal(bool(left.value) or bool(right.value), both)

    def _if_expression(self, node: cst.IfExp) -> Value:
        """``2 if bidirectional else 1``: the branch a known condition takes; else both, if they agree."""
        decided = truth(self._expression(node.test))
        if decided is not None:
            chosen = self._expression(node.body if decided.value else node.orelse)
            if isinstance(chosen, Literal):
                return Literal(chosen.value, evidence_of(chosen, decided))
            self._rely_on(decided)
            return chosen
        return merged_value(self._expression(node.body), self._expression(node.orelse))

    def _name(self, name: str) -> Value:
        if name == "self":
            return SelfRef()
        self._names_read.add(name)
        value = self.env.get(name)
        if value is None and name in self.scope.bound_once and self.env is not self.scope.globals:
            value = self.scope.globals.get(name)  # a global the module's top-level code bound
        if value is None or isinstance(value, Unknown):
            role = self.scope.names.role_of(name)
            if value is None and role is Role.BATCH and self.scope.constants.get(name) == Literal(1):
                return Literal(1)  # `batch_size = 1` atop a tutorial: one sample, whatever the name says
            if role is not None:
                return Size((RoleSize(role),))
            if value is None and name in self.scope.aliases:
                return Path(resolve(cst.Name(name), self.scope.aliases) or name)
            if value is None and name in kb.CONVENTIONAL_IMPORTS and name not in self.scope.bound:
                # `nn.LSTM(...)` in a file that never imports `nn` (it comes from `from utils import *`,
                # or from a notebook's earlier cell): almost surely torch's.
                path = kb.CONVENTIONAL_IMPORTS[name]
                return Path(path, (f"`{name}` is not imported in this file; read as `{path}`",))
            if name in ("True", "False", "None"):
                return Literal({"True": True, "False": False, "None": None}[name])
            if value is None and name in self.scope.constants:
                return self.scope.constants[name]
            if value is None:
                return self._project_name(name) or UNKNOWN
            return UNKNOWN
        return self._named(name, seen_filled(self, value) if self.filled else value)

    def _project_name(self, name: str) -> ProjectName | None:
        """A class or function of the project that ``name`` (dotted) means in this module."""
        program = self.scope.program
        key = program.resolve(self.scope, name) if program is not None else None
        return ProjectName(key) if key is not None else None

    def _named(self, name: str, value: Value) -> Value:
        """A number read under a size's name keeps what the name says it counts."""
        if isinstance(value, Literal) and type(value.value) is int and value.value not in (1, -1):
            role = self.scope.names.role_of(name)
            if role is not None:
                return replace(value, role=role)
        return value

    def _attribute(self, node: cst.Attribute) -> Value:
        key = dotted_name(node)
        attr = node.attr.value
        if key is not None and key in self.env and not isinstance(self.env[key], Unknown):
            return self._named(attr, self.env[key])
        base = self._expression(node.value)
        if isinstance(base, FieldBatch):
            return Batched(base.stacking, fields=True)  # `batch.text`: a field, or its (tokens, lengths)
        if isinstance(base, SelfRef) and attr in self.attributes and not isinstance(self.attributes[attr], Unknown):
            return self._named(attr, self.attributes[attr])
        if isinstance(base, Instance) and not isinstance(base.attributes.get(attr, UNKNOWN), Unknown):
            return self._named(attr, base.attributes[attr])
        if isinstance(base, RnnModule) and attr in ("bidirectional", "batch_first"):
            setting = getattr(base, attr)
            return UNKNOWN if setting is None else Literal(setting, base.evidence)
        if isinstance(base, Tensor) and attr == "shape":
            return Shape(base)
        if isinstance(base, Tensor) and attr == "data":
            return base
        if isinstance(base, Path):
            return Path(resolve(node, self.scope.aliases) or f"{base.path}.{attr}", base.evidence)
        role = self.scope.names.role_of(attr)
        return Size((RoleSize(role),)) if role is not None else UNKNOWN

    def _binary(self, node: cst.BinaryOperation) -> Value:
        left, right = self._expression(node.left), self._expression(node.right)
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

    # ------------------------------------------------------------ calls

    def _torch_elementwise(self, path: str, call: cst.Call, args: list[Value]) -> Value:
        """``torch.mul(a, b)`` and its kin, as ``a * b``."""
        if len(args) != 2 or any(arg.keyword is not None or arg.star for arg in call.args):
            return UNKNOWN
        left, right = args
        if not isinstance(left, (Tensor, SizeOnes)) or not isinstance(right, (Tensor, SizeOnes)):
            return UNKNOWN
        multiply = path in kb.MULTIPLICATIONS
        return elementwise(left, right, call.args[0].value, call.args[1].value, multiply)

    def _call(self, call: cst.Call) -> Value:
        func = call.func
        if call.args and resolve(func, self.scope.aliases) in kb.CONCATENATIONS:
            pieces = call.args[0].value
            if isinstance(pieces, (cst.List, cst.Tuple)):
                self._in_concat.update(element.value for element in pieces.elements)
        if isinstance(func, cst.Attribute):
            receiver = self._expression(func.value)
            args = [self._expression(arg.value) for arg in call.args]
            if isinstance(receiver, Tensor):
                return tensor_method(self, receiver, func.attr.value, call, args)
            if isinstance(receiver, Batched) and func.attr.value not in kb.RESHAPING_METHODS:
                return batched_method(receiver, func.attr.value)
            if func.attr.value in kb.RESHAPING_METHODS and not isinstance(receiver, (Path, SelfRef)):
                return shape_from_sizes(self, call, args)
            if func.attr.value == "unsqueeze" and args and isinstance(args[0], Literal):
                # A decoder's one-step input: the RNN then knows that axis has size 1.
                position = args[0].value
                if isinstance(position, int) and not isinstance(position, bool) and position >= 0:
                    return SizeOnes(frozenset({position}))
            if isinstance(receiver, Instance) and self.scope.program is not None:
                return self.scope.program.call_instance(self, receiver, func.attr.value, call, args)
            if isinstance(receiver, SelfRef):
                method = self._own_method(func.attr.value)
                if method is not None:
                    return self._call_own_method(method, call, args)
            if isinstance(receiver, Path):
                named = self._project_name(dotted_name(func) or "")
                if named is not None:
                    return self._call_project(named, call, args)
                path = resolve(func, self.scope.aliases) or f"{receiver.path}.{func.attr.value}"
                return self._function(path, call, args, receiver.evidence)
            callee = self._attribute_of(receiver, func)
        else:
            callee = self._expression(func)
            args = [self._expression(arg.value) for arg in call.args]
            if isinstance(func, cst.Name) and func.value not in self.env:
                if func.value == "len":
                    return self._len(call, args)
                iterator = iterator_call(resolve(func, self.scope.aliases) or func.value, args, call)
                if iterator is not None:
                    return iterator
        if isinstance(callee, RnnModule):
            return rnn_call(self, callee, call, args)
        if isinstance(callee, LayerModule):
            if isinstance(func, cst.Attribute) and isinstance(receiver, SelfRef) and len(call.args) == 1:
                only = call.args[0]
                if only.keyword is None and not only.star:
                    self._fed_to[only.value] = callee
            return layer_call(self, callee, call, args)
        if isinstance(callee, Path):
            named = self._project_name(dotted_name(func) or "")
            if named is not None:
                return self._call_project(named, call, args)
            return self._function(callee.path, call, args, callee.evidence)
        if isinstance(callee, (ProjectName, Instance)):
            return self._call_project(callee, call, args)
        return UNKNOWN

    def _call_project(self, callee: ProjectName | Instance, call: cst.Call, args: list[Value]) -> Value:
        """A construction of a project class, a call of one of its objects, or of a project function."""
        program = self.scope.program
        if program is None:
            return UNKNOWN
        if isinstance(callee, Instance):
            return program.call_instance(self, callee, "forward", call, args)
        if isinstance(callee.key, ClassKey):
            return program.construct(self, callee.key, call, args)
        return program.call_function(self, callee.key, call, args)

    def _own_method(self, name: str) -> tuple[cst.FunctionDef, ModuleScope] | None:
        """``self.name`` as a method of this class (or of a project base), unless an attribute holds it."""
        if self.owner is None or f"self.{name}" in self.env or name in self.attributes:
            return None
        own = method_named(self.owner, name)
        if own is not None:
            return own, self.scope
        program = self.scope.program
        if program is None or not self.scope.path:
            return None
        return program.method(ClassKey(normalised_path(self.scope.path), self.owner.name.value), name)

    def _call_own_method(self, method: tuple[cst.FunctionDef, ModuleScope], call: cst.Call, args: list[Value]) -> Value:
        program = self.scope.program
        if program is None:
            return UNKNOWN
        attributes = dict(self.attributes)
        attributes.update({key[5:]: value for key, value in self.env.items() if key.startswith("self.")})
        function, scope = method
        return program.invoke(self, function, scope, attributes, call, args, self.owner, deeper=False)

    def _attribute_of(self, receiver: Value, func: cst.Attribute) -> Value:
        if isinstance(receiver, SelfRef):
            return self._attribute(func)
        return UNKNOWN

    def _function(self, path: str, call: cst.Call, args: list[Value], evidence: tuple[str, ...] = ()) -> Value:
        """A call of a torch function or class (``evidence``: how the name was taken to be torch's)."""
        if path in kb.RNN_CLASSES:
            return rnn_module(self, path, call, args, evidence)
        if path in kb.EMBEDDING_CLASSES:
            return LayerModule("embedding")
        if path in kb.LINEAR_CLASSES:
            return linear_module(self, path, call)
        if path in kb.ELEMENTWISE_MODULES:
            return LayerModule("elementwise")
        if path == kb.SEQUENTIAL:
            return sequential_module(call, args)
        if path == kb.DATA_LOADER:
            return data_loader(self, call, args)
        if path in kb.TORCHTEXT_ITERATORS or path.removesuffix(".splits") in kb.TORCHTEXT_ITERATORS:
            return torchtext_iterator(self, call, args, splits=path.endswith(".splits"))
        if path == kb.PAD_SEQUENCE:
            return padded_batch(self, call, args)
        if path in kb.SOFTMAX_MODULES:
            return softmax_module(self, call, args)
        if path in kb.POOL_MODULES:
            return pool_module(self, path, call, args)
        if path in kb.POOL_FUNCTIONS:
            given, size = [*args, UNKNOWN, UNKNOWN][:2]
            return pooled(self, given, kb.POOL_FUNCTIONS[path], call, size, adaptive="adaptive" in path)
        if path == kb.PARAMETER:
            return parameter(self, call, args)
        if path in kb.SOFTMAX_FUNCTIONS | kb.MATMUL_FUNCTIONS and args and isinstance(args[0], Tensor):
            method = path.rpartition(".")[2]
            return tensor_method(self, args[0], method, call, args[1:], receiver=call.args[0].value, offset=1)
        if path == kb.PACK_PADDED:
            return pack(self, call, args)
        if path == kb.PAD_PACKED:
            return pad_packed(self, call, args)
        if path in kb.ELEMENTWISE_FUNCTIONS:
            return args[0] if args and isinstance(args[0], Tensor) else UNKNOWN
        if path in kb.BINARY_FUNCTIONS:
            return self._torch_elementwise(path, call, args)
        if path in kb.FACTORIES:
            return factory(self, path, call, args)
        if path in ("torch.cat", "torch.concat", "torch.concatenate"):
            return concatenate(self, call, args)
        method = path.rpartition(".")[2]
        is_torch_function = path.startswith("torch.") and path.count(".") == 1
        if is_torch_function and method in kb.TENSOR_FUNCTIONS | kb.REDUCTIONS and args and isinstance(args[0], Tensor):
            # torch.reshape(x, shape), torch.transpose(x, 0, 1), ...: the method on x.
            return tensor_method(self, args[0], method, call, args[1:], receiver=call.args[0].value, offset=1)
        return UNKNOWN

    def _len(self, call: cst.Call, args: list[Value]) -> Value:
        if len(call.args) != 1:
            return UNKNOWN
        argument = call.args[0].value
        if args and isinstance(args[0], Tensor) and args[0].rank:
            return Size((args[0].axes[0],))
        if isinstance(argument, cst.Name) and argument.value in self.scope.names.sequences:
            return Size((RoleSize(Role.TIME),))
        return UNKNOWN

    # ------------------------------------------------------------ modules

    # ------------------------------------------------------------ tensor methods

    # ------------------------------------------------------------ indexing

    # ------------------------------------------------------------ declarations

    def _default(self, param: cst.Param, default: cst.BaseExpression) -> Value:
        value = self.expression(default, record=False)
        if not isinstance(value, Literal) or value.value is None:
            return value
        owner = f"{self.owner.name.value}." if self.owner is not None else ""
        assert self.function is not None
        said = f"`{param.name.value}` is {value.value!r} by default in `{owner}{self.function.name.value}`"
        return replace(value, evidence=(*value.evidence, said))

    def _declared(self, param: cst.Param) -> Value:
        if param.annotation is None:
            return UNKNOWN
        return annotation_layout(param.annotation.annotation, param, param.name.value, self.scope.names)

    def emit(self, event: Event) -> None:
        if self.recording:
            path = self.other_file()
            self.events.append(Evidenced(event, tuple(self.evidence), self.scope.module if path else None, path))

    def other_file(self) -> str:
        """The file of this function when it is not the linted one (reached by a call from it, and
        reported there), else ""."""
        program = self.scope.program
        path = normalised_path(self.scope.path) if self.scope.path else ""
        return "" if program is None or path == program.linted_path else path


def _none_check(test: cst.BaseExpression) -> tuple[str, bool] | None:
    """``x is None`` -> (x, True): the body runs without x; ``x is not None`` / ``x`` -> (x, False)."""
    if isinstance(test, cst.Name) and test.value not in ("True", "False", "None"):
        return test.value, False
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        inner = _none_check(test.expression)
        return (inner[0], not inner[1]) if inner is not None else None
    if (
        isinstance(test, cst.Comparison)
        and isinstance(test.left, cst.Name)
        and len(test.comparisons) == 1
        and isinstance(test.comparisons[0].comparator, cst.Name)
        and test.comparisons[0].comparator.value == "None"
    ):
        operator = test.comparisons[0].operator
        if isinstance(operator, (cst.Is, cst.IsNot)):
            return test.left.value, isinstance(operator, cst.Is)
    return None


def _shape_owner(node: cst.BaseExpression) -> str | None:
    """``x`` in ``x.shape`` or ``x.size()``."""
    if isinstance(node, cst.Call) and not node.args:
        node = node.func
        if not (isinstance(node, cst.Attribute) and node.attr.value == "size"):
            return None
    elif not (isinstance(node, cst.Attribute) and node.attr.value == "shape"):
        return None
    return node.value.value if isinstance(node.value, cst.Name) else None


def _child_expressions(node: cst.CSTNode) -> Iterator[cst.BaseExpression]:
    for child in node.children:
        if isinstance(child, cst.BaseExpression):
            yield child
        elif not isinstance(child, (cst.BaseSuite, cst.BaseStatement)):
            yield from _child_expressions(child)
