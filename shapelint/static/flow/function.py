"""Follow axis layouts through one function body and report interesting calls as events.

The analysis is a single forward pass over the function: straight-line code updates an
environment of names to abstract values; branches are analysed from the same environment and
joined (a name keeps its value only if every branch agrees); names assigned in a loop are
unknown at the loop's head. Every expression is evaluated exactly once, so each call yields
at most one event.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import libcst as cst

from shapelint.static import knowledge as kb
from shapelint.static.events import (
    AttentionEvent,
    AxisIndex,
    Event,
    Evidence,
    Evidenced,
    IndexEvent,
    ReduceEvent,
    ReturnEvent,
    RnnCallEvent,
    SliceOf,
    SqueezeEvent,
)
from shapelint.static.flow import expressions, recurrence
from shapelint.static.flow.buffers import record_fill
from shapelint.static.flow.constants import truth
from shapelint.static.flow.declarations import annotation_layout
from shapelint.static.flow.joins import Env, join, join_after_loop, merged_value
from shapelint.static.flow.loaders import iterated
from shapelint.static.flow.tensor_methods import written_at
from shapelint.static.flow.tensor_ops import drop_axes
from shapelint.static.imports import dotted_name
from shapelint.static.layout import (
    Axis,
    Padding,
    RnnSource,
    Role,
    Tensor,
)
from shapelint.static.project.index import normalised_path
from shapelint.static.values import (
    UNKNOWN,
    Batched,
    Items,
    LayerModule,
    Literal,
    Nested,
    Packed,
    Shape,
    Size,
    Stepped,
    Steps,
    Unknown,
    Value,
)
from shapelint.static.walk import assigned_names, body_of

if TYPE_CHECKING:
    from shapelint.static.flow.scope import ModuleScope

# `x += y`, `x -= y`, `x *= y`, `x /= y`: in place on a tensor, its shape stays.
_IN_PLACE_ARITHMETIC = (cst.AddAssign, cst.SubtractAssign, cst.MultiplyAssign, cst.DivideAssign)

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
    # Called (however deep) from the module's top-level code as it runs: a global holds what that code
    # bound up to the call, however often it is bound, as Python looks it up when the call runs.
    live_globals: bool = False
    _declared_return: Tensor | None = None
    names_read: set[str] = field(default_factory=set)
    optional: set[str] = field(default_factory=set)  # parameters that default to None
    _left: bool = False  # the current path has returned or raised
    _loops_entered: int = 0  # loops whose first iteration was followed (nested loops multiply the work)
    loop_carried: frozenset[str] = frozenset()  # names the loops around the current statement assign again
    in_concat: set[cst.CSTNode] = field(default_factory=set)
    fed_to: dict[cst.CSTNode, LayerModule] = field(default_factory=dict)
    indexings: list[tuple[cst.Subscript, Tensor, tuple[AxisIndex, ...], tuple[SliceOf | None, ...]]] = field(
        default_factory=list
    )
    # Time axes of buffers filled step by step from a padded tensor, and that padding (flow.buffers).
    filled: dict[Axis, Padding] = field(default_factory=dict)
    # Loops over positions (flow.recurrence): those whose body runs now, innermost last; all met so far;
    # the time axes given to the steps of recurrences, one per size counted.
    stepping: list[recurrence.Loop] = field(default_factory=list)
    loops: dict[cst.For, recurrence.Loop] = field(default_factory=dict)
    step_axes: dict[tuple[object, Role], Axis] = field(default_factory=dict)
    # Time axes of buffers that a recurrence writes its steps into (flow.buffers): as whose outputs.
    steps_written: dict[Axis, tuple[RnnSource, str]] = field(default_factory=dict)
    _own_calls: set[int] | None = None  # the ids of the calls in this function's code, once asked

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
                self.optional.add(param.name.value)
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
        if self.depth == 0:
            self.events = _mark_starting_states(self.events)

    def holds(self, node: cst.CSTNode | None) -> bool:
        """Whether ``node`` lies in this function's own code (a value built here, not in a helper)."""
        if self.function is None or node is None:
            return self.function is None
        if self._own_calls is None:
            collector = _CallCollector()
            self.function.visit(collector)
            self._own_calls = collector.calls
        return id(node) in self._own_calls

    def lengths_in_scope(self) -> list[str]:
        """The lengths and padding masks this function holds (bound, and not None on this path), sorted."""
        return sorted(name for name in kb.LENGTHS_NAMES if name in self.env and self.env[name] != Literal(None))

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
        if isinstance(event, AttentionEvent):
            return replace(event, padding=None) if self._unread_option(event.padding) else event
        if not isinstance(event, (IndexEvent, SqueezeEvent, ReduceEvent)):
            return event
        if not self._unread_option(event.tensor.padding):
            return event
        return replace(event, tensor=replace(event.tensor, padding=None))

    def _unread_option(self, padding: Padding | None) -> bool:
        name = padding.lengths_name if padding is not None else None
        return name is not None and name not in self.names_read and name in self.optional

    def _emit_indexings(self) -> None:
        """Index events go out last: each must know every pick made on the same tensor's first axis."""
        picks: dict[int, set[int]] = {}
        for _, tensor, per_axis, _ in self.indexings:
            if per_axis and isinstance(per_axis[0], int):
                picks.setdefault(id(tensor.axes[0]), set()).add(per_axis[0])
        for node, tensor, per_axis, slices in self.indexings:
            siblings = frozenset(picks.get(id(tensor.axes[0]), ()))
            fed_to = self.fed_to.get(node)
            later = self.scope.program is not None and self.scope.program.settings_to_come
            self.emit(IndexEvent(node, tensor, per_axis, node in self.in_concat, siblings, fed_to, slices, later))

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
                    self.rely_on(decided)
                    self._decided_branch(statement, bool(decided.value))
                    return
            before = dict(self.env)
            if none_check is not None and none_check[1]:
                self.env[none_check[0]] = Literal(None)  # `if lengths is None:` -- no lengths in this branch
            self._block(body_of(statement.body))
            after_body = dict(self.env)
            self.set_env(before)
            body_left, self._left = self._left, False
            if none_check is not None and not none_check[1]:
                self.env[none_check[0]] = Literal(None)
            if isinstance(statement.orelse, cst.If):
                self._statement(statement.orelse)
            elif isinstance(statement.orelse, cst.Else):
                self._block(body_of(statement.orelse.body))
            with_lengths = dict(self.env) if none_check is not None and none_check[1] else after_body
            # A branch that returns or raises does not flow on: only the other one does.
            if body_left and not self._left:
                pass
            elif self._left and not body_left:
                self.set_env(after_body)
                self._left = False
            else:
                other = dict(self.env)
                self.set_env(join(after_body, other))
                # `if lengths is not None: x = pack_padded_sequence(x, lengths)`, or a branch that unpacks the
                # lengths and packs (`if isinstance(emb, tuple): x, lengths = emb; x = pack(x, lengths)`):
                # packed wherever lengths say it is padded (without them, nothing is).
                packing = with_lengths if none_check is not None else _binding_lengths(before, after_body, other)
                if packing is not None:
                    self.env.update({name: value for name, value in packing.items() if isinstance(value, Packed)})
        elif isinstance(statement, (cst.For, cst.While)):
            self._loop(statement)
        elif isinstance(statement, cst.With):
            for item in statement.items:
                self.expression(item.item)
                if item.asname is not None:
                    self.bind(item.asname.name, UNKNOWN)
            self._block(body_of(statement.body))
        elif isinstance(statement, cst.Try):
            before = dict(self.env)
            self._forget(assigned_names(statement))
            self._block(body_of(statement.body))
            self._left = False  # any statement of the body may have raised
            self.set_env(join(before, self.env))
            self._forget(assigned_names(statement))
            for handler in statement.handlers:
                self._block(body_of(handler.body))
                self._left = False
            if statement.orelse is not None:
                self._block(body_of(statement.orelse.body))
            if statement.finalbody is not None:
                self._block(body_of(statement.finalbody.body))
        elif isinstance(statement, cst.FunctionDef) and self.function is not None:
            # A function defined in this one: called (or returned and called) with what it sees here.
            self.env[statement.name.value] = Nested(statement, self.scope, self.attributes, self.owner)
        elif isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            self.env[statement.name.value] = expressions.project_name(self, statement.name.value) or UNKNOWN
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

    def rely_on(self, value: Literal) -> None:
        self.evidence.update(dict.fromkeys(value.evidence))

    def _observe_binding(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        observer = self.scope.program.observer if self.scope.program is not None else None
        if observer is not None and self.depth == 0:
            observer.assigned(self, target, value)

    def set_env(self, values: Env) -> None:
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
            if not self._left and self._loops_entered < MAX_FIRST_ITERATIONS and _relaid(before, self.env, reassigned):
                # The second round sees what the first left, where that is a tensor laid out otherwise (the
                # time-major stack a layer written by hand leaves to the next one).
                self._loops_entered += 1
                self._iteration(loop)
            self.set_env(dict(before))
            self._left = False
        # A list of steps only extended in the loop (`outs += [h]`) keeps what it holds: the round adds to it.
        extended = {
            name
            for name in reassigned - assigned_names(loop, augmented=False)
            if isinstance(before.get(name), Stepped) or before.get(name) == Items(())
        }
        self._forget(reassigned - extended)
        self._iteration(loop)
        self._left = False  # the loop may not have run, or may have broken out
        self.set_env(join_after_loop(before, self.env))
        if loop.orelse is not None:
            self._block(body_of(loop.orelse.body))

    def _iteration(self, loop: cst.For | cst.While) -> None:
        walking = None
        if isinstance(loop, cst.For):
            over = self.expression(loop.iter)
            if isinstance(over, Tensor) and over.rank > 1:
                # `for x_t in x`: the slices of its first axis, one a round, as `x.unbind(0)` gives them.
                over = Steps(over.axes[0], loop.iter, slices=drop_axes(over, {0}, loop.iter))
            bound = iterated(over)
            self.bind(loop.target, bound)
            walking = recurrence.entered(self, loop, over, bound)
        else:
            self.expression(loop.test)
        outer = self.loop_carried
        self.loop_carried = outer | assigned_names(loop)
        if walking is not None:
            self.stepping.append(walking)
        self._block(body_of(loop.body))
        if walking is not None:
            self.stepping.pop()
        self.loop_carried = outer

    def _in_place(self, statement: cst.AugAssign) -> Value:
        """``x += y`` on a tensor ``x``: ``y`` broadcasts into ``x``, whose axes stay as they are, whatever
        ``y`` is; a mask added or multiplied in (``scores += mask``) leaves no padding to weigh."""
        operand = self.expression(statement.value)
        target = self.expression(statement.target, record=False)
        if not isinstance(target, Tensor) or not isinstance(statement.operator, _IN_PLACE_ARITHMETIC):
            return UNKNOWN
        operand_padded = isinstance(operand, Tensor) and operand.padding is not None
        if target.padding is not None and not operand_padded and expressions.names_a_mask(statement.value):
            return replace(target, padding=None)
        return target

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
                self.bind(target.target, value)
                self._observe_binding(target.target, small.value)
                if isinstance(target.target, cst.Subscript):
                    record_fill(self, target.target, small.value, value)
                    written_at(self, target.target)
        elif isinstance(small, cst.AnnAssign):
            value = self.expression(small.value) if small.value is not None else UNKNOWN
            declared = annotation_layout(
                small.annotation.annotation, small, dotted_name(small.target) or "", self.scope.names
            )
            self.bind(small.target, declared if isinstance(declared, Tensor) else value)
        elif isinstance(small, cst.AugAssign):
            held = self.env.get(small.target.value) if isinstance(small.target, cst.Name) else None
            if isinstance(held, Stepped) or held == Items(()):
                self.bind(small.target, self._extended(small, self.expression(small.value)))
            else:
                self.bind(small.target, self._in_place(small))
        elif isinstance(small, cst.Return):
            value = self.expression(small.value) if small.value is not None else UNKNOWN
            self.returned = value if self.returned is None else _returns_joined(self.returned, value)
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
            self.bind(small.target, UNKNOWN)

    def _extended(self, small: cst.AugAssign, added: Value) -> Value:
        """``outs += [h]`` in a loop over positions: one more step."""
        if not (isinstance(small.operator, cst.AddAssign) and isinstance(small.target, cst.Name)):
            return UNKNOWN
        if not (isinstance(added, Items) and len(added.values) == 1):
            return UNKNOWN
        name = small.target.value
        return recurrence.appended(self, name, self.env.get(name, UNKNOWN), added.values[0], front=False)

    def bind(self, target: cst.BaseExpression, value: Value) -> None:
        if isinstance(target, cst.Name):
            self.env[target.value] = value
        elif isinstance(target, (cst.Tuple, cst.List)):
            self._unpack(target, value)
        elif isinstance(target, cst.Attribute):
            key = dotted_name(target)
            if key is not None:
                self.env[key] = value
        elif isinstance(target, cst.StarredElement):
            self.bind(target.value, UNKNOWN)

    def _unpack(self, target: cst.Tuple | cst.List, value: Value) -> None:
        elements = [element.value for element in target.elements]
        if any(isinstance(element, cst.StarredElement) for element in target.elements):
            for element in elements:
                self.bind(element, UNKNOWN)
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
            self.bind(element, item)

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
            return expressions.value_of(self, node)
        finally:
            self.recording = previous

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


def _relaid(before: Env, after: Env, names: set[str]) -> bool:
    """Whether a round of a loop left one of ``names`` a tensor with batch and time the other way round
    (a batch-first input, then the time-major stack of a layer written by hand). Not any other change:
    what a round computes from less than it knows (a decoder's one step no longer known as one) would
    mislead the next."""
    for name in names:
        old, new = before.get(name), after.get(name)
        if not (isinstance(old, Tensor) and isinstance(new, Tensor)):
            continue
        if (old.is_time_major() and new.is_batch_first()) or (old.is_batch_first() and new.is_time_major()):
            return True
    return False


def _returns_joined(first: Value, second: Value) -> Value:
    """What a function returns over its ``return``s: a path that returns ``None`` (an in-place variant,
    ``if self.inplace: x *= m; return None``) gives a caller that uses the result nothing to use."""
    if first == Literal(None) and isinstance(second, Tensor):
        return second
    if second == Literal(None) and isinstance(first, Tensor):
        return first
    return merged_value(first, second)


def _mark_starting_states(events: list[Evidenced]) -> list[Evidenced]:
    """Picks of a padded final state that, anywhere in this analysis (the decoder a model calls, the
    attention its decoder calls), also starts another RNN: SHP305 reports the state at its source."""
    starting = {
        id(state.axes[0])
        for found in events
        if isinstance(found.event, RnnCallEvent)
        for state in found.event.initial_state
        if state.rank and state.padding is not None and state.padding.state_of not in (None, found.event.rnn_where)
    }
    if not starting:
        return events
    return [
        replace(found, event=replace(found.event, starts_another_rnn=True))
        if isinstance(found.event, (IndexEvent, SqueezeEvent))
        and found.event.tensor.rank
        and id(found.event.tensor.axes[0]) in starting
        else found
        for found in events
    ]


class _CallCollector(cst.CSTVisitor):
    def __init__(self) -> None:
        self.calls: set[int] = set()

    def visit_Call(self, node: cst.Call) -> None:
        self.calls.add(id(node))


def _binding_lengths(before: Env, one: Env, other: Env) -> Env | None:
    """Of two branches, the one that alone binds lengths that were not bound before them."""
    binds = [any(name in branch and name not in before for name in kb.LENGTHS_NAMES) for branch in (one, other)]
    if binds == [True, False]:
        return one
    return other if binds == [False, True] else None


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
