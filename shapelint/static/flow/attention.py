"""Multi-head attention as the flow meets it: ``nn.MultiheadAttention`` built (its ``batch_first``) and
called (the layout it reads its query, key and value in, the masks it is given, what it returns), and
``F.multi_head_attention_forward``, which always reads ``(time, batch, feat)``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst

from shapelint.static import knowledge as kb
from shapelint.static.events import AttentionEvent, MaskInScope
from shapelint.static.flow.constants import evidence_of
from shapelint.static.flow.torch_calls import parameter_positions
from shapelint.static.imports import dotted_name
from shapelint.static.layout import Axis, Padding, Role, Tensor
from shapelint.static.values import UNKNOWN, AttentionModule, Items, Literal, Value
from shapelint.static.walk import body_of, walk

if TYPE_CHECKING:
    from shapelint.static.flow.function import FunctionFlow

# Methods that keep a mask's polarity, and those of them that set its dtype.
_KEEPING = frozenset({"unsqueeze", "squeeze", "to", "cuda", "cpu", "detach", "contiguous"})
_DTYPES = frozenset({"bool", "float", "long", "int", "byte", "type"})


def attention_module(call: cst.Call, args: list[Value], evidence: tuple[str, ...]) -> AttentionModule:
    """``nn.MultiheadAttention(embed_dim, num_heads, ..., batch_first=False)``."""
    if any(arg.star for arg in call.args):
        return AttentionModule(None, call, evidence)
    positions = parameter_positions(call, kb.ATTENTION_POSITIONAL)
    setting = args[positions["batch_first"]] if "batch_first" in positions else Literal(False)
    if not isinstance(setting, Literal) or not isinstance(setting.value, (bool, int)):
        return AttentionModule(None, call, evidence)
    return AttentionModule(bool(setting.value), call, (*evidence, *evidence_of(setting)))


def attention_call(flow: FunctionFlow, module: AttentionModule | None, call: cst.Call, args: list[Value]) -> Value:
    """A call of an ``nn.MultiheadAttention`` (``module``) or of ``F.multi_head_attention_forward``:
    reports it, and gives ``(output, weights)``, the output laid out as the query."""
    batch_first = module.batch_first if module is not None else False
    if module is not None:
        flow.evidence.update(dict.fromkeys(module.evidence))
    signature = kb.ATTENTION_CALL if module is not None else kb.ATTENTION_FUNCTION_CALL
    positions = parameter_positions(call, signature)
    if "query" not in positions or "key" not in positions:
        return UNKNOWN
    given = {name: args[index] for name, index in positions.items()}
    nodes = {name: call.args[index].value for name, index in positions.items()}
    masked = any(arg.star for arg in call.args) or any(
        name in nodes and not _written_off(nodes[name]) for name in kb.ATTENTION_MASKS
    )
    query = _tensor(flow, given.get("query"))
    key = _tensor(flow, given["key"])
    masks = _masks_in_scope(flow)
    padding = key.padding if key is not None else None
    if padding is None and masks and _self_attention(nodes):
        # As an RNN in the same function would, the attention runs over the batch those lengths pad.
        padding = Padding(call, packed=False, lengths_name=min(mask.name for mask in masks))
    flow.emit(
        AttentionEvent(
            call,
            module.where if module else None,
            batch_first,
            query,
            key,
            nodes["query"],
            nodes["key"],
            masked,
            padding,
            masks,
        )
    )
    return _results(call, batch_first, query, key, given)


def _written_off(node: cst.BaseExpression) -> bool:
    """``key_padding_mask=None``, ``is_causal=False``: written as passing nothing."""
    return isinstance(node, cst.Name) and node.value in ("None", "False")


def _tensor(flow: FunctionFlow, value: Value | None) -> Tensor | None:
    if isinstance(value, Tensor) and value.rank == 3:
        return flow.live_padding(value)
    return None


def _self_attention(nodes: dict[str, cst.BaseExpression]) -> bool:
    """``att(x, x, x)``: query, key and value are the same name (a cross-attention's key may be
    memory of another length, that the batch's lengths say nothing of)."""
    names = {dotted_name(nodes[name]) for name in ("query", "key", "value") if name in nodes}
    return len(names) == 1 and None not in names


def _results(
    call: cst.Call, batch_first: bool | None, query: Tensor | None, key: Tensor | None, given: dict[str, Value]
) -> Value:
    """The output has the query's batch and time (and its padding); the weights, averaged over the
    heads, are (batch, query time, key time) (None with ``need_weights=False``)."""
    if query is None or batch_first is None or not (query.is_batch_first() if batch_first else query.is_time_major()):
        return UNKNOWN
    time, batch = query.role_position(Role.TIME), query.role_position(Role.BATCH)
    assert time is not None and batch is not None
    axes = list(query.axes)
    axes[3 - time - batch] = Axis(Role.FEAT, call)
    output = Tensor(tuple(axes), "output of the multi-head attention", call, padding=query.padding)
    weights: Value = UNKNOWN
    key_time = key.role_position(Role.TIME) if key is not None else None
    averaged = all(given.get(name) != Literal(False) for name in ("need_weights", "average_attn_weights"))
    if key is not None and key_time is not None and averaged:
        weights = Tensor(
            (query.axes[batch], query.axes[time], key.axes[key_time]), "weights of the multi-head attention", call
        )
    return Items((output, weights))


def _masks_in_scope(flow: FunctionFlow) -> tuple[MaskInScope, ...]:
    """The lengths and padding masks this function holds (not None on this path)."""
    return tuple(_mask(flow, name) for name in flow.lengths_in_scope())


def _mask(flow: FunctionFlow, name: str) -> MaskInScope:
    """Where ``name`` is bound and, for a mask built by one comparison, where it is true."""
    function = flow.function
    if function is None:
        return MaskInScope(name, None)
    params = (*function.params.posonly_params, *function.params.params, *function.params.kwonly_params)
    param = next((param for param in params if param.name.value == name), None)
    bindings = [
        small
        for statement in walk(body_of(function.body))
        if isinstance(statement, cst.SimpleStatementLine)
        for small in statement.body
        if isinstance(small, cst.Assign)
        and any(isinstance(target.target, cst.Name) and target.target.value == name for target in small.targets)
    ]
    if param is not None or len(bindings) != 1:
        return MaskInScope(name, param)
    true_at, boolean = _polarity(bindings[0].value)
    return MaskInScope(name, bindings[0], true_at, boolean)


def _polarity(node: cst.BaseExpression) -> tuple[str | None, bool]:
    """Where a mask built by ``node`` is true, and whether it is a bool tensor: ``tokens != PAD`` and
    ``tokens > 0`` are true at the real steps, ``tokens == PAD`` and ``tokens == 0`` at the padding
    (``mask == 1`` may be either: None)."""
    boolean: bool | None = None  # the outermost dtype conversion decides
    while isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
        method = node.func.attr.value
        if method in _DTYPES and boolean is None:
            boolean = method == "bool"
        elif method not in _KEEPING | _DTYPES:
            break
        node = node.func.value
    compared: tuple[type[cst.BaseCompOp] | str, cst.BaseExpression] | None = None
    if isinstance(node, cst.Comparison) and len(node.comparisons) == 1:
        compared = (type(node.comparisons[0].operator), node.comparisons[0].comparator)
    elif isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and len(node.args) == 1:
        compared = (node.func.attr.value, node.args[0].value)
    if compared is None:
        return None, False
    operator, other = compared
    zero = isinstance(other, cst.Integer) and other.value == "0"
    padding_index = zero or "pad" in (dotted_name(other) or "").lower()
    if operator in (cst.NotEqual, "ne") or (operator in (cst.GreaterThan, "gt") and zero):
        return "real", boolean is not False
    if operator in (cst.Equal, "eq") and padding_index:
        return "padding", boolean is not False
    return None, False
