"""Calls as the flow meets them: torch's functions and modules, the project's classes, functions
and methods (followed through `program.py`), and the tensor methods of `tensor_methods.py`."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import libcst as cst

from shapelint.static import knowledge as kb
from shapelint.static.flow import expressions, recurrence
from shapelint.static.flow.attention import attention_call, attention_module
from shapelint.static.flow.loaders import batched_method, data_loader, iterator_call, torchtext_iterator
from shapelint.static.flow.tensor_methods import einsum, shape_from_sizes, tensor_method
from shapelint.static.flow.tensor_ops import OPAQUE_ATOM, elementwise
from shapelint.static.flow.torch_calls import (
    bilinear_module,
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
    pooled_rows,
    rnn_call,
    rnn_module,
    sequential_module,
    softmax_module,
)
from shapelint.static.imports import dotted_name, resolve
from shapelint.static.layout import Axis, Role, RoleSize, Tensor
from shapelint.static.project.index import ClassKey, normalised_path
from shapelint.static.values import (
    UNKNOWN,
    AttentionModule,
    Batched,
    CellModule,
    Either,
    Instance,
    Items,
    LayerModule,
    Literal,
    Nested,
    Path,
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
from shapelint.static.walk import method_named

if TYPE_CHECKING:
    from shapelint.static.flow.function import FunctionFlow
    from shapelint.static.flow.scope import ModuleScope


def value_of_call(flow: FunctionFlow, call: cst.Call) -> Value:
    """What a call gives, and the event it makes where one matters."""
    func = call.func
    if call.args and resolve(func, flow.scope.aliases) in kb.CONCATENATIONS:
        pieces = call.args[0].value
        if isinstance(pieces, (cst.List, cst.Tuple)):
            flow.in_concat.update(element.value for element in pieces.elements)
    if isinstance(func, cst.Attribute):
        receiver = expressions.value_of(flow, func.value)
        args = [expressions.value_of(flow, arg.value) for arg in call.args]
        if func.attr.value in kb.SHAPE_CHANGING_IN_PLACE:
            changed = (
                tensor_method(flow, receiver, func.attr.value[:-1], call, args)
                if isinstance(receiver, Tensor)
                else UNKNOWN
            )
            flow.bind(func.value, changed)
            return changed
        if func.attr.value in kb.MASKING_IN_PLACE and isinstance(receiver, Tensor):
            masked = replace(receiver, padding=None)
            flow.bind(func.value, masked)
            return masked
        if func.attr.value in kb.NEW_TENSOR_METHODS and not isinstance(receiver, (Path, SelfRef)):
            return factory(flow, kb.NEW_TENSOR_METHODS[func.attr.value], call, args)
        if isinstance(receiver, Tensor):
            return tensor_method(flow, receiver, func.attr.value, call, args)
        if func.attr.value == "unbind" and isinstance(receiver, Unknown):
            return Steps(None, call, slices=UNKNOWN)  # steps of something: a loop over them walks an axis
        if func.attr.value in kb.STEP_LIST_METHODS and isinstance(func.value, cst.Name):
            return _fill_list(flow, func.value, receiver, func.attr.value, args)
        if isinstance(receiver, Unknown) and func.attr.value == "permute":
            return _permuted(flow, call, args)
        if isinstance(receiver, SizeOnes) and func.attr.value == "repeat":
            return _tiled(flow, receiver, call, args)
        if isinstance(receiver, Batched) and func.attr.value not in kb.RESHAPING_METHODS:
            return batched_method(receiver, func.attr.value, args)
        if func.attr.value in kb.RESHAPING_METHODS and not isinstance(receiver, (Path, SelfRef)):
            return shape_from_sizes(flow, call, args)
        if func.attr.value == "unsqueeze" and args and isinstance(args[0], Literal):
            # A decoder's one-step input: the RNN then knows that axis has size 1.
            position = args[0].value
            if isinstance(position, int) and not isinstance(position, bool) and position >= 0:
                return SizeOnes(frozenset({position}))
        if isinstance(receiver, (Instance, Either)) and flow.scope.program is not None:
            return flow.scope.program.call_instance(flow, receiver, func.attr.value, call, args)
        if isinstance(receiver, SelfRef):
            method = _own_method(flow, func.attr.value)
            if method is not None:
                return _call_own_method(flow, method, call, args)
        if isinstance(receiver, Path):
            named = expressions.project_name(flow, dotted_name(func) or "")
            if named is not None:
                return _call_project(flow, named, call, args)
            path = resolve(func, flow.scope.aliases) or f"{receiver.path}.{func.attr.value}"
            return _torch_function(flow, path, call, args, receiver.evidence)
        callee = _attribute_of(flow, receiver, func)
    else:
        callee = expressions.value_of(flow, func)
        args = [expressions.value_of(flow, arg.value) for arg in call.args]
        if isinstance(func, cst.Name) and func.value not in flow.env:
            if func.value == "len":
                return _len(flow, call, args)
            if func.value == "getattr" and len(args) == 2 and isinstance(args[0], Path):
                # `getattr(nn, rnn_type)` with a known `rnn_type` ("LSTM"): that class of the module.
                name = args[1]
                if isinstance(name, Literal) and isinstance(name.value, str) and name.value.isidentifier():
                    return Path(f"{args[0].path}.{name.value}", (*args[0].evidence, *name.evidence))
            iterator = iterator_call(resolve(func, flow.scope.aliases) or func.value, args, call)
            if iterator is not None:
                return iterator
            if func.value in ("reversed", "list") and len(args) == 1 and isinstance(args[0], Stepped):
                return recurrence.reversed_steps(args[0]) if func.value == "reversed" else args[0]
    if isinstance(callee, RnnModule):
        return rnn_call(flow, callee, call, args)
    if isinstance(callee, AttentionModule):
        return attention_call(flow, callee, call, args)
    if isinstance(callee, CellModule):
        return recurrence.cell_call(flow, callee, call, args)
    if isinstance(callee, LayerModule):
        if isinstance(func, cst.Attribute) and isinstance(receiver, SelfRef) and len(call.args) == 1:
            only = call.args[0]
            if only.keyword is None and not only.star:
                flow.fed_to[only.value] = callee
        return layer_call(flow, callee, call, args)
    if isinstance(callee, Path):
        named = expressions.project_name(flow, dotted_name(func) or "")
        if named is not None:
            return _call_project(flow, named, call, args)
        return _torch_function(flow, callee.path, call, args, callee.evidence)
    if isinstance(callee, (ProjectName, Instance, Either)):
        return _call_project(flow, callee, call, args)
    if isinstance(callee, Nested) and flow.scope.program is not None:
        return flow.scope.program.invoke_nested(flow, callee, call, args)
    return UNKNOWN


def _fill_list(flow: FunctionFlow, name: cst.Name, held: Value, method: str, args: list[Value]) -> Value:
    """``outs.append(h)``, ``outs.insert(0, h)``, ``outs.reverse()``: what the list ``name`` then holds."""
    if method == "reverse" and not args:
        filled: Value = recurrence.reversed_steps(held) if isinstance(held, Stepped) else UNKNOWN
    elif method == "append" and len(args) == 1:
        filled = recurrence.appended(flow, name.value, held, args[0], front=False)
    elif method == "insert" and len(args) == 2 and args[0] == Literal(0):
        filled = recurrence.appended(flow, name.value, held, args[1], front=True)
    else:
        filled = UNKNOWN
    if isinstance(held, (Items, Stepped)):
        flow.bind(name, filled)
    return Literal(None)


def _call_project(
    flow: FunctionFlow, callee: ProjectName | Instance | Either, call: cst.Call, args: list[Value]
) -> Value:
    """A construction of a project class, a call of one of its objects, or of a project function."""
    program = flow.scope.program
    if program is None:
        return UNKNOWN
    if isinstance(callee, (Instance, Either)):
        return program.call_instance(flow, callee, "forward", call, args)
    if isinstance(callee.key, ClassKey):
        return program.construct(flow, callee.key, call, args)
    return program.call_function(flow, callee.key, call, args)


def _own_method(flow: FunctionFlow, name: str) -> tuple[cst.FunctionDef, ModuleScope] | None:
    """``self.name`` as a method of this class (or of a project base), unless an attribute holds it."""
    if flow.owner is None or f"self.{name}" in flow.env or name in flow.attributes:
        return None
    own = method_named(flow.owner, name)
    if own is not None:
        return own, flow.scope
    program = flow.scope.program
    if program is None or not flow.scope.path:
        return None
    return program.method(ClassKey(normalised_path(flow.scope.path), flow.owner.name.value), name)


def _call_own_method(
    flow: FunctionFlow, method: tuple[cst.FunctionDef, ModuleScope], call: cst.Call, args: list[Value]
) -> Value:
    program = flow.scope.program
    if program is None:
        return UNKNOWN
    attributes = dict(flow.attributes)
    attributes.update({key[5:]: value for key, value in flow.env.items() if key.startswith("self.")})
    function, scope = method
    return program.invoke(flow, function, scope, attributes, call, args, flow.owner, deeper=False)


def _attribute_of(flow: FunctionFlow, receiver: Value, func: cst.Attribute) -> Value:
    if isinstance(receiver, SelfRef):
        return expressions.attribute(flow, func)
    return UNKNOWN


def _torch_function(
    flow: FunctionFlow, path: str, call: cst.Call, args: list[Value], evidence: tuple[str, ...] = ()
) -> Value:
    """A call of a torch function or class (``evidence``: how the name was taken to be torch's)."""
    if path in kb.SCALAR_FUNCTIONS and len(args) == 1 and isinstance(args[0], (Size, Literal)):
        return Size((OPAQUE_ATOM,))
    if path in kb.PASS_THROUGH_ITERATORS:
        return iterator_call(path, args, call) or UNKNOWN  # `tqdm.tqdm(loader)`: the loader
    if path in kb.RNN_CLASSES:
        return rnn_module(flow, path, call, args, evidence)
    if path in kb.CELL_CLASSES:
        return CellModule(kb.CELL_CLASSES[path], call)
    if path == kb.ATTENTION_CLASS:
        return attention_module(call, args, evidence)
    if path == kb.ATTENTION_FUNCTION:
        return attention_call(flow, None, call, args)
    if path in kb.EMBEDDING_CLASSES:
        return LayerModule("embedding")
    if path in kb.LINEAR_CLASSES:
        return linear_module(flow, path, call)
    if path == kb.BILINEAR:
        return bilinear_module(call)
    if path in kb.ELEMENTWISE_MODULES:
        return LayerModule("elementwise")
    if path == kb.MODULE_LIST:
        return args[0] if len(args) == 1 and isinstance(args[0], Items) else UNKNOWN
    if path == kb.SEQUENTIAL:
        return sequential_module(call, args)
    if path == kb.DATA_LOADER:
        return data_loader(flow, call, args)
    if path in kb.TORCHTEXT_ITERATORS or path.removesuffix(".splits") in kb.TORCHTEXT_ITERATORS:
        return torchtext_iterator(flow, call, args, splits=path.endswith(".splits"))
    if path == kb.PAD_SEQUENCE:
        return padded_batch(flow, call, args)
    if path in kb.SOFTMAX_MODULES:
        return softmax_module(flow, call, args)
    if path in kb.POOL_MODULES:
        return pool_module(flow, path, call, args)
    if path in kb.POOL_FUNCTIONS:
        given, size = [*args, UNKNOWN, UNKNOWN][:2]
        return pooled(flow, given, kb.POOL_FUNCTIONS[path], call, size, adaptive="adaptive" in path)
    if path in kb.POOL_2D_FUNCTIONS:
        given, kernel = [*args, UNKNOWN, UNKNOWN][:2]
        return pooled_rows(flow, given, kb.POOL_2D_FUNCTIONS[path], call, kernel)
    if path == kb.PARAMETER:
        return parameter(flow, call, args)
    if path == kb.EINSUM:
        return einsum(call, args)
    if path in kb.SOFTMAX_FUNCTIONS | kb.MATMUL_FUNCTIONS and args and isinstance(args[0], Tensor):
        method = path.rpartition(".")[2]
        return tensor_method(flow, args[0], method, call, args[1:], receiver=call.args[0].value, offset=1)
    if path == kb.PACK_PADDED:
        return pack(flow, call, args)
    if path == kb.PAD_PACKED:
        return pad_packed(flow, call, args)
    if path in kb.ELEMENTWISE_FUNCTIONS:
        return args[0] if args and isinstance(args[0], Tensor) else UNKNOWN
    if path in kb.BINARY_FUNCTIONS:
        return _torch_elementwise(flow, path, call, args)
    if path in kb.FACTORIES:
        return factory(flow, path, call, args)
    if path in ("torch.cat", "torch.concat", "torch.concatenate"):
        if args and isinstance(args[0], Stepped):
            return recurrence.joined_steps(call, args)
        return concatenate(flow, call, args)
    if path == "torch.stack":
        return recurrence.stacked(call, args)
    method = path.rpartition(".")[2]
    is_torch_function = path.startswith("torch.") and path.count(".") == 1
    if is_torch_function and method in kb.TENSOR_FUNCTIONS | kb.REDUCTIONS and args and isinstance(args[0], Tensor):
        # torch.reshape(x, shape), torch.transpose(x, 0, 1), ...: the method on x.
        return tensor_method(flow, args[0], method, call, args[1:], receiver=call.args[0].value, offset=1)
    return UNKNOWN


def _torch_elementwise(flow: FunctionFlow, path: str, call: cst.Call, args: list[Value]) -> Value:
    """``torch.mul(a, b)`` and its kin, as ``a * b``."""
    if len(args) != 2 or any(arg.keyword is not None or arg.star for arg in call.args):
        return UNKNOWN
    left, right = args
    if not isinstance(left, (Tensor, SizeOnes)) or not isinstance(right, (Tensor, SizeOnes)):
        return UNKNOWN
    multiply = path in kb.MULTIPLICATIONS
    return elementwise(left, right, call.args[0].value, call.args[1].value, multiply)


def _permuted(flow: FunctionFlow, call: cst.Call, args: list[Value]) -> Value:
    """``x.permute(1, 0, 2)`` of a tensor of unknown layout: the dims say its rank, and the result is
    non-contiguous whatever its axes mean (a view that merges axes apart raises)."""
    dims = args[0].values if len(args) == 1 and isinstance(args[0], Items) else args
    if not dims or not all(isinstance(dim, Literal) and type(dim.value) is int for dim in dims):
        return UNKNOWN
    rank = len(dims)
    unknown = Tensor(tuple(Axis(Role.UNKNOWN, call) for _ in range(rank)), "permuted tensor", call)
    return tensor_method(flow, unknown, "permute", call, args)


def _tiled(flow: FunctionFlow, receiver: SizeOnes, call: cst.Call, args: list[Value]) -> Value:
    """``context.unsqueeze(1).repeat(1, n_layers, 1)``: the size-1 axes a count tiles are axes of what the
    count counts (the layers of an initial state), the others of unknown role; the counts give the rank."""
    counts = args[0].values if len(args) == 1 and isinstance(args[0], Items) else args
    if not counts or max(receiver.positions) >= len(counts):
        return UNKNOWN
    axes = tuple(Axis(Role.UNKNOWN, call, singleton=position in receiver.positions) for position in range(len(counts)))
    return tensor_method(flow, Tensor(axes, "copy tiled by `repeat`", call), "repeat", call, args)


def _len(flow: FunctionFlow, call: cst.Call, args: list[Value]) -> Value:
    if len(call.args) != 1:
        return UNKNOWN
    argument = call.args[0].value
    if args and isinstance(args[0], Tensor) and args[0].rank:
        return Size((args[0].axes[0],))
    if args and isinstance(args[0], Shape):
        return Literal(args[0].tensor.rank)  # `len(x.size())`: the number of axes
    if isinstance(argument, cst.Name) and argument.value in flow.scope.names.sequences:
        return Size((RoleSize(Role.TIME),))
    if isinstance(argument, cst.Name) and argument.value in flow.scope.names.sequence_lists:
        return Size((RoleSize(Role.BATCH),))
    return UNKNOWN
