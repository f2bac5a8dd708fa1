"""What torch's own modules and functions do to layouts: RNNs (their settings, output and final
state), embeddings and linear layers, packing and unpacking, tensor factories and concatenation.

Functions of the flow that calls them: they read its scope and environment and report through it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

import libcst as cst

from shapelint.static import knowledge as kb
from shapelint.static.events import (
    PackEvent,
    ReduceEvent,
    RnnCallEvent,
    StepsJoinedEvent,
)
from shapelint.static.flow.constants import evidence_of
from shapelint.static.flow.loaders import batch_tensor
from shapelint.static.flow.tensor_methods import softmax
from shapelint.static.flow.tensor_ops import (
    as_role,
    axis_for,
    entry,
    keyword_name,
    literal_int,
)
from shapelint.static.imports import dotted_name, resolve
from shapelint.static.layout import (
    Axis,
    NonContiguity,
    Padding,
    RnnSource,
    Role,
    RoleSize,
    SizeAtom,
    Tensor,
    normalise_dim,
    permute,
)
from shapelint.static.values import (
    UNKNOWN,
    Batched,
    Items,
    Keyed,
    LayerModule,
    Literal,
    Packed,
    RnnModule,
    Size,
    SizeOnes,
    Stacking,
    Unknown,
    Value,
)

if TYPE_CHECKING:
    from shapelint.static.flow.function import FunctionFlow


def factory(flow: FunctionFlow, path: str, call: cst.Call, args: list[Value]) -> Value:
    """``torch.zeros(batch_size, num_layers, hidden)``: the sizes named are the layout."""
    sizes = [value for arg, value in zip(call.args, args) if arg.keyword is None]
    if path == "torch.full":
        sizes = sizes[:1]
    if len(sizes) == 1 and isinstance(sizes[0], Items):
        sizes = list(sizes[0].values)
    if not sizes or any(arg.star for arg in call.args):
        return UNKNOWN
    axes = tuple(axis_for(entry(size), call) for size in sizes)
    if all(axis.role is Role.UNKNOWN for axis in axes):
        return UNKNOWN
    return Tensor(axes, f"`{path.rpartition('.')[2]}` of named sizes", call)


def concatenate(flow: FunctionFlow, call: cst.Call, args: list[Value]) -> Value:
    """``torch.cat(tensors, dim)``: the other axes are those of every piece (take a known one)."""
    pieces = args[0].values if args and isinstance(args[0], Items) else ()
    dims = [v for arg, v in zip(call.args[1:], args[1:]) if keyword_name(arg) in (None, "dim")] or [Literal(0)]
    known = next((piece for piece in pieces if isinstance(piece, Tensor)), None)
    dim = dims[0].value if isinstance(dims[0], Literal) and isinstance(dims[0].value, int) else None
    position = normalise_dim(dim, known.rank) if known is not None and dim is not None else None
    if known is None and isinstance(dim, int) and dim >= 0 and resolve(call.func, flow.scope.aliases) in kb.JOINS:
        # Joined to a piece of one step (`cat((embedded, context), dim=2)` in a decoder): still one step.
        ones = frozenset().union(*(piece.positions for piece in pieces if isinstance(piece, SizeOnes)))
        if ones and dim not in ones:
            return SizeOnes(ones)
    if known is None or position is None:
        return UNKNOWN
    axes = list(known.axes)
    joined = axes[position]
    axes[position] = Axis(joined.role, call)
    same = all(
        isinstance(piece, Tensor) and piece.rank == known.rank and piece.axes[position] is joined for piece in pieces
    )
    if joined.role is Role.BATCH and len(pieces) > 1 and same:
        # The same samples once per piece (`cat([h_fwd, h_bwd], 0)`): pieces outermost, then the batch.
        axes[position] = Axis(Role.UNKNOWN, call, parts=(Axis(Role.UNKNOWN, call), joined))
    # A piece of one step fixes that axis of every piece to size 1 (`cat((embedded, context), dim=2)`).
    for one in frozenset().union(*(piece.positions for piece in pieces if isinstance(piece, SizeOnes))):
        if one != position and one < len(axes) and not axes[one].singleton:
            axes[one] = Axis(axes[one].role, call, singleton=True)
    # Pieces joined along another axis than time keep the padded steps of any of them.
    paddings = [piece.padding for piece in pieces if isinstance(piece, Tensor) and piece.padding is not None]
    padding = paddings[0] if paddings and axes[position].role is not Role.TIME else None
    rnn = _joined_outputs(flow, call, pieces) if axes[position].role is Role.FEAT else None
    return Tensor(tuple(axes), known.origin, known.where, padding=padding, rnn=rnn)


def _joined_outputs(flow: FunctionFlow, call: cst.Call, pieces: Sequence[Value]) -> RnnSource | None:
    """RNN outputs joined feature to feature (two directions run by hand): still outputs, step by step
    in one layout; whether they make a bidirectional RNN is not known. Reports a direction whose
    steps lie in the reverse order of the other's (SHP207)."""
    if len(pieces) < 2 or not all(isinstance(piece, Tensor) and piece.rnn is not None for piece in pieces):
        return None
    sources = [piece.rnn for piece in pieces if isinstance(piece, Tensor) and piece.rnn is not None]
    if any(source.state or source.batch_first is not sources[0].batch_first for source in sources):
        return None
    orders = [source.steps_order for source in sources]
    if len(pieces) == 2 and set(orders) == {"forward", "backward"} and isinstance(call.args[0].value, cst.List):
        forward, backward = pieces if orders[0] == "forward" else pieces[::-1]
        node = call.args[0].value.elements[orders.index("backward")].value
        assert isinstance(forward, Tensor) and isinstance(backward, Tensor)
        flow.emit(StepsJoinedEvent(call, forward, backward, node))
    return replace(sources[0], bidirectional=None, steps_order=None)


def rnn_module(flow: FunctionFlow, path: str, call: cst.Call, args: list[Value], evidence: tuple[str, ...]) -> Value:
    signature = kb.RNN_CLASSES[path]
    passed_on = [value for arg, value in zip(call.args, args) if arg.star]
    if not all(isinstance(value, Keyed) for value in passed_on) or any(arg.star == "*" for arg in call.args):
        return RnnModule(None, None, None, signature.returns_cell_state, call)
    positions = parameter_positions(call, signature.positional)
    settings = {name: args[index] for name, index in positions.items()}
    for keyed in passed_on:
        assert isinstance(keyed, Keyed)
        settings.update(keyed.entries)  # `nn.LSTM(**self.cell_dict)`

    def setting(name: str) -> int | bool | None:
        value = settings.get(name, Literal(kb.RNN_DEFAULTS[name]))
        if not isinstance(value, Literal) or not isinstance(value.value, (int, bool)):
            return None
        return value.value

    layers, bidirectional = setting("num_layers"), setting("bidirectional")
    layers_dirs = None if layers is None or bidirectional is None else int(layers) * (2 if bidirectional else 1)
    batch_first = setting("batch_first")
    # With a projection, the final state has `proj_size` features, not `hidden_size`.
    plain = "hidden_size" in positions and settings.get("proj_size", Literal(0)) == Literal(0)
    width = settings.get("hidden_size") if plain else None
    return RnnModule(
        None if batch_first is None else bool(batch_first),
        layers_dirs,
        None if bidirectional is None else bool(bidirectional),
        signature.returns_cell_state,
        call,
        call.args[positions["hidden_size"]].value if plain else None,
        (
            *evidence,
            *evidence_of(*(settings.get(name, UNKNOWN) for name in ("num_layers", "bidirectional", "batch_first"))),
        ),
        literal_int(width) if width is not None else None,
    )


def linear_module(flow: FunctionFlow, path: str, call: cst.Call) -> LayerModule:
    if any(arg.star for arg in call.args):
        return LayerModule("linear", sized_on_first_call=path in kb.LAZY_CLASSES)
    positional = kb.LINEAR_POSITIONAL[1:] if path in kb.LAZY_CLASSES else kb.LINEAR_POSITIONAL
    positions = parameter_positions(call, positional)
    out = positions.get("out_features")
    given = call.args[out].value if out is not None else None
    out_is_one = isinstance(given, cst.Integer) and given.value == "1"
    if path in kb.LAZY_CLASSES:
        return LayerModule("linear", sized_on_first_call=True, out_is_one=out_is_one)
    index = positions.get("in_features")
    return LayerModule("linear", None if index is None else call.args[index].value, out_is_one=out_is_one)


def bilinear_module(call: cst.Call) -> LayerModule:
    """``nn.Bilinear(in1, in2, out)``: maps like a linear layer; ``out_is_one``: a score per position."""
    out = call.args[2].value if len(call.args) > 2 and not any(arg.star for arg in call.args[:3]) else None
    return LayerModule("bilinear", out_is_one=isinstance(out, cst.Integer) and out.value == "1")


def sequential_module(call: cst.Call, args: list[Value]) -> Value:
    """``nn.Sequential(nn.Linear(h, 24), nn.ReLU(), nn.Linear(24, 1))``: a chain of linear layers and
    elementwise ones maps layouts as one linear layer does (scores per step, when it ends in one)."""
    if not args or any(arg.star for arg in call.args):
        return UNKNOWN
    layers = [arg for arg in args if isinstance(arg, LayerModule) and arg.kind in ("linear", "elementwise")]
    if len(layers) != len(args):
        return UNKNOWN
    linear = [layer for layer in layers if layer.kind == "linear"]
    if not linear:
        return LayerModule("elementwise")
    first = linear[0]
    return LayerModule("linear", first.in_size, first.sized_on_first_call, out_is_one=linear[-1].out_is_one)


def softmax_module(flow: FunctionFlow, call: cst.Call, args: list[Value]) -> LayerModule:
    """``nn.Softmax(dim=1)``: its ``dim`` (None: the legacy implicit choice)."""
    dim = argument(flow, call, args, "dim", 0) if call.args else None
    return LayerModule("softmax", dim=dim)


def pool_module(flow: FunctionFlow, path: str, call: cst.Call, args: list[Value]) -> LayerModule:
    """``nn.MaxPool1d(kernel_size)``, ``nn.AdaptiveAvgPool1d(output_size)``: the size is kept."""
    size = argument(flow, call, args, "output_size" if "Adaptive" in path else "kernel_size", 0)
    return LayerModule(kb.POOL_MODULES[path], dim=size if call.args else None)


def pooled(flow: FunctionFlow, tensor: Value, op: str, call: cst.Call, size: Value | None, adaptive: bool) -> Value:
    """``F.max_pool1d(x, k)``, ``nn.AdaptiveAvgPool1d(1)(x)``: a max or mean over windows of the last
    axis of ``x`` (batch, channels, length). With one window over all of it (a kernel of the time
    axis's own size, an adaptive output of 1), that is a reduction over time; smaller windows along
    time leave a (shorter) time axis."""
    if not isinstance(tensor, Tensor) or tensor.rank != 3 or not call.args:
        return UNKNOWN
    last = tensor.axes[2]
    if adaptive:
        whole = size == Literal(1)
    else:
        atoms: tuple[SizeAtom, ...] = size.atoms if isinstance(size, Size) else ()
        whole = len(atoms) == 1 and (atoms[0] is last or atoms[0] == RoleSize(Role.TIME))
    if whole:
        flow.emit(ReduceEvent(call, op, call.args[0].value, flow.live_padding(tensor), 2))
        return UNKNOWN
    if adaptive or last.role is not Role.TIME:
        return UNKNOWN
    # Windows along time: a shorter time axis, whose last windows cover the padding the input ends with.
    padding = replace(tensor.padding, axis=None) if tensor.padding is not None else None
    return replace(tensor.with_axes((*tensor.axes[:2], Axis(Role.TIME, call)), None), padding=padding)


def pooled_rows(flow: FunctionFlow, tensor: Value, op: str, call: cst.Call, kernel: Value) -> Value:
    """``F.avg_pool2d(x, (x.shape[1], 1))`` of ``x`` (batch, time, feat), a one-channel image per sample
    to the pooling: a window as tall as the second-to-last axis and one wide pools that axis whole."""
    if not isinstance(tensor, Tensor) or tensor.rank not in (3, 4) or not call.args:
        return UNKNOWN
    if not isinstance(kernel, Items) or len(kernel.values) != 2:
        return UNKNOWN
    height, width = kernel.values
    rows = tensor.axes[-2]
    atoms: tuple[SizeAtom, ...] = height.atoms if isinstance(height, Size) else ()
    one_wide = isinstance(width, Literal) and width.value == 1
    if one_wide and len(atoms) == 1 and (atoms[0] is rows or atoms[0] == RoleSize(Role.TIME)):
        flow.emit(ReduceEvent(call, op, call.args[0].value, flow.live_padding(tensor), tensor.rank - 2))
    return UNKNOWN


def parameter(flow: FunctionFlow, call: cst.Call, args: list[Value]) -> Value:
    """``nn.Parameter(t)`` is ``t``; ``nn.Parameter(torch.zeros(hidden))`` is at least known as a vector,
    ``nn.Parameter(torch.randn(hidden, hidden))`` as a matrix (``q @ W @ k.transpose(1, 2)``)."""
    if not args:
        return UNKNOWN
    if isinstance(args[0], Tensor):
        return args[0]
    made = call.args[0].value
    if isinstance(made, cst.Call) and resolve(made.func, flow.scope.aliases) in kb.VECTOR_FACTORIES:
        sizes = [arg for arg in made.args if arg.keyword is None]
        plain = not any(size.star or isinstance(size.value, (cst.Tuple, cst.List)) for size in sizes)
        if len(sizes) in (1, 2) and plain:
            axes = tuple(Axis(Role.UNKNOWN, call) for _ in sizes)
            return Tensor(axes, "a parameter vector" if len(axes) == 1 else "a parameter matrix", call)
    return UNKNOWN


def rnn_call(flow: FunctionFlow, rnn: RnnModule, call: cst.Call, args: list[Value]) -> Value:
    if not args or rnn.batch_first is None:
        return UNKNOWN
    flow.evidence.update(dict.fromkeys(rnn.evidence))
    given = batch_tensor(flow, args[0], call, features=True) if isinstance(args[0], Batched) else args[0]
    state = args[1] if len(args) > 1 else UNKNOWN
    initial = tuple(v for v in (state.values if isinstance(state, Items) else (state,)) if isinstance(v, Tensor))
    known_input = given if isinstance(given, Tensor) else None
    apart = tuple(not flow.holds(state.where) for state in initial)
    flow.emit(RnnCallEvent(call, rnn.where, rnn.batch_first, rnn.layers_dirs, known_input, initial, apart))
    batch, time = Axis(Role.BATCH, call, assumed=True), Axis(Role.TIME, call, assumed=True)
    if isinstance(given, Tensor) and given.rank == 3:
        if given.is_time_major() if rnn.batch_first else given.is_batch_first():
            return UNKNOWN  # the RNN reads the axes swapped: nothing after it is known
        batch_slot = 0 if rnn.batch_first else 1
        batch = as_role(given.axes[batch_slot], Role.BATCH, call)
        time = as_role(given.axes[1 - batch_slot], Role.TIME, call)
    elif isinstance(given, Packed):
        if given.tensor is not None:
            batch, time = given.tensor.axes[1], given.tensor.axes[0]
    elif isinstance(given, SizeOnes):
        batch_slot = 0 if rnn.batch_first else 1
        if batch_slot in given.positions:
            batch = Axis(Role.BATCH, call, singleton=True)
        if 1 - batch_slot in given.positions:
            time = Axis(Role.TIME, call, singleton=True)
    elif not isinstance(given, Unknown):
        return UNKNOWN
    hidden = Axis(Role.FEAT, call)
    layers = Axis(Role.UNKNOWN, call)
    if rnn.layers_dirs == 1:
        layers = Axis(Role.LAYERS, call, singleton=True)
    elif rnn.layers_dirs is not None or rnn.bidirectional:
        layers = Axis(Role.LAYERS, call)  # two directions give two rows at least, whatever the layers
    layer_count = None
    if rnn.layers_dirs is not None and rnn.bidirectional is not None:
        layer_count = rnn.layers_dirs // (2 if rnn.bidirectional else 1)
    source = RnnSource(rnn.where, False, rnn.bidirectional, rnn.batch_first, rnn.state_size, layer_count, rnn.width)
    time_major = Tensor((time, batch, hidden), "output of the RNN (batch_first=False)", call, rnn=source)
    # Over a padded batch that is not packed, the state is the one after the padding.
    padding = None if isinstance(given, Packed) else run_padding(flow, call, given)
    final = Tensor(
        (layers, batch, Axis(Role.FEAT, call)),
        "final state of the RNN",
        call,
        rnn=replace(source, state=True),
        padding=replace(padding, state_of=rnn.where) if padding is not None else None,
    )
    hidden_state: Value = Items((final, replace(final))) if rnn.returns_cell_state else final
    if isinstance(given, Packed):
        return Items((Packed(time_major), hidden_state))
    if rnn.batch_first:
        # Over whole sequences the output is a transposed view; one step per call (a decoder's) is contiguous.
        cause = None if _may_be_one_step(flow, call, given) else NonContiguity(call, batch_first_rnn=True)
        origin = "output of the RNN (batch_first=True)"
        out = Tensor((batch, time, hidden), origin, call, (1.0, 0.0, 2.0), cause, source, padding)
        return Items((out, hidden_state))
    return Items((replace(time_major, padding=padding), hidden_state))


def run_padding(flow: FunctionFlow, call: cst.Call, given: Value) -> Padding | None:
    """Whether an RNN runs over padded steps of its batch.

    Lengths in scope (a parameter or a name assigned before the call, not None on this path) say
    so; `_settle_padding` later drops that if they are optional and never used. Else a batch that came
    padded (a collate function's `pad_sequence`, a torchtext iterator) says so, or a project that pads
    its token batches (a collate function, torchtext, a loader). Either only for an RNN fed whole
    sequences: not one step (a decoder's), not a sequence of known length one.
    """
    one_step = isinstance(given, SizeOnes) or (isinstance(given, Tensor) and any(axis.singleton for axis in given.axes))
    if one_step or _steps_its_own_state(flow, call):
        return None  # a decoder's step reads no padding, whatever masks its attention holds
    lengths = flow.lengths_in_scope()
    if lengths:
        return Padding(call, packed=False, lengths_name=lengths[0])
    batches = given.padding.batches if isinstance(given, Tensor) and given.padding is not None else None
    if batches is not None:
        return Padding(call, packed=False, at_end=batches.pads_at_end, batches=batches)
    program = flow.scope.program
    pipeline = program.pipeline_padding(flow.scope.path) if program is not None else None
    if pipeline is None:
        return None
    evidence, at_end = pipeline
    return Padding(call, packed=False, pipeline=evidence, at_end=at_end)


def _may_be_one_step(flow: FunctionFlow, call: cst.Call, given: Value) -> bool:
    """Whether an RNN may read one step per call. Known when its input's layout is; else one given the state to
    start from (`self.rnn(embedded, hidden)`, unless that state is a parameter that defaults to None), or an
    input named a step, may be a decoder's."""
    if isinstance(given, SizeOnes):
        return True
    if not isinstance(given, Unknown) or not call.args:
        return False
    state = call.args[1].value if len(call.args) > 1 else None
    first = call.args[0].value
    named_step = isinstance(first, cst.Name) and "step" in first.value.lower()
    given_state = state is not None and not (isinstance(state, cst.Name) and state.value in flow.optional)
    return named_step or given_state or any(arg.star for arg in call.args)


def _steps_its_own_state(flow: FunctionFlow, call: cst.Call) -> bool:
    """`out, hidden = self.rnn(step, hidden)` in a loop that assigns `hidden` again: the RNN goes on
    from the state it left, a step (a decoder's) per turn of the loop."""
    if len(call.args) < 2 or not flow.loop_carried:
        return False
    state = call.args[1].value
    names = [element.value for element in state.elements] if isinstance(state, (cst.Tuple, cst.List)) else [state]
    return bool(names) and all(isinstance(name, cst.Name) and name.value in flow.loop_carried for name in names)


def layer_call(flow: FunctionFlow, layer: LayerModule, call: cst.Call, args: list[Value]) -> Value:
    given = args[0] if args else UNKNOWN
    if layer.kind == "bilinear":
        # Both inputs have the output's leading axes: the one known (the padded one, if either is) says them.
        known = [arg for arg in args[:2] if isinstance(arg, Tensor)]
        given = next((arg for arg in known if arg.padding is not None), known[0] if known else UNKNOWN)
    if layer.kind == "embedding" and isinstance(given, Unknown) and flow.scope.names.input_layout is not None:
        given = configured_tokens(flow, call)
    elif layer.kind == "embedding" and isinstance(given, Batched):
        given = batch_tensor(flow, given, call, features=False)
    if isinstance(given, SizeOnes) and layer.kind in ("embedding", "elementwise"):
        return given  # `embedding(token.unsqueeze(1))`: one decoder step, whatever its sizes, still one step
    if not isinstance(given, Tensor):
        return UNKNOWN
    if layer.kind == "elementwise":
        return given
    if layer.kind == "softmax":
        receiver = call.args[0].value if call.args else call
        return softmax(flow, given, "softmax", call, receiver, layer.dim)
    if layer.kind in ("max", "mean"):
        return pooled(flow, given, layer.kind, call, layer.dim, adaptive=False)
    if layer.kind == "embedding":
        axes = (*given.axes, Axis(Role.FEAT, call))
        return Tensor(axes, f"embedding of {given.origin}", given.where, padding=given.padding)
    out = Axis(Role.FEAT, call, singleton=layer.out_is_one)
    return replace(given.with_axes((*given.axes[:-1], out), None), origin=given.origin)


def configured_tokens(flow: FunctionFlow, call: cst.Call) -> Tensor:
    """Tokens of unknown layout, laid out as `input-layout` in [tool.shapelint] says."""
    batch, time = Axis(Role.BATCH, call), Axis(Role.TIME, call)
    axes = (batch, time) if flow.scope.names.input_layout == "batch-first" else (time, batch)
    tokens = short_code(call.args[0].value) if call.args else "tokens"
    return Tensor(axes, f"`{tokens}` ({flow.scope.names.input_layout} by `input-layout` in [tool.shapelint])", call)


def pack(flow: FunctionFlow, call: cst.Call, args: list[Value]) -> Value:
    batch_first = argument(flow, call, args, "batch_first", kb.BATCH_FIRST_POSITION[kb.PACK_PADDED])
    given = args[0] if args else UNKNOWN
    if not isinstance(batch_first, Literal) or not isinstance(given, Tensor) or given.rank < 2:
        return Packed(None)
    flow.emit(PackEvent(call, call.args[0].value, given, bool(batch_first.value)))
    if given.is_time_major() if batch_first.value else given.is_batch_first():
        return Packed(None)  # packed the wrong way round: what comes out is not known
    if batch_first.value:
        given = permute(given, (1, 0, *range(2, given.rank)), NonContiguity(call))
    return Packed(given)


def pad_packed(flow: FunctionFlow, call: cst.Call, args: list[Value]) -> Value:
    batch_first = argument(flow, call, args, "batch_first", kb.BATCH_FIRST_POSITION[kb.PAD_PACKED])
    packed = args[0] if args else UNKNOWN
    if isinstance(packed, Tensor) and packed.rnn is not None and not packed.rnn.state:
        # The output of an RNN run over a sequence the flow did not see packed (a parameter): it is
        # packed too, and what comes out of `pad_packed_sequence` is laid out as its `batch_first` says.
        batch, time = packed.role_position(Role.BATCH), packed.role_position(Role.TIME)
        if batch is None or time is None or packed.rank != 3:
            return UNKNOWN
        packed = Packed(
            Tensor((packed.axes[time], packed.axes[batch], packed.axes[2]), packed.origin, call, rnn=packed.rnn)
        )
    if not isinstance(batch_first, Literal) or not isinstance(packed, (Packed, Unknown)):
        return UNKNOWN
    padding = Padding(
        call, packed=True, padding_value_set=any(keyword_name(arg) == "padding_value" for arg in call.args)
    )
    unpacked = packed.tensor if isinstance(packed, Packed) else None
    if unpacked is None:
        # A packed run the flow did not see (a parameter, a helper's result): the layout is the
        # one `pad_packed_sequence` itself gives, (time, batch, features) unless `batch_first`.
        axes = (Axis(Role.TIME, call), Axis(Role.BATCH, call), Axis(Role.FEAT, call))
        unpacked = Tensor(axes, "padded output of `pad_packed_sequence`", call)
    time_major = replace(
        unpacked,
        origin="padded output of `pad_packed_sequence`",
        where=call,
        memory=None,
        noncontiguous=None,
        padding=padding,
    )
    if batch_first.value:
        cause = NonContiguity(call)
        order = (1, 0, *range(2, time_major.rank))
        axes = tuple(time_major.axes[i] for i in order)
        ranks = tuple(float(i) for i in order)
        padded = Tensor(axes, time_major.origin, call, ranks, cause, time_major.rnn, padding)
        return Items((padded, UNKNOWN))
    return Items((time_major, UNKNOWN))


def padded_batch(flow: FunctionFlow, call: cst.Call, args: list[Value]) -> Value:
    """``pad_sequence(sequences, batch_first=False)``: a batch, time-major unless ``batch_first``."""
    batch_first = argument(flow, call, args, "batch_first", 1)
    if not isinstance(batch_first, Literal) or not isinstance(batch_first.value, bool):
        return UNKNOWN
    stacking = Stacking(call, flow.scope.module, flow.scope.path, "pad_sequence", time_major=not batch_first.value)
    return Batched(stacking)


def argument(flow: FunctionFlow, call: cst.Call, args: list[Value], keyword: str, position: int) -> Value:
    for arg, value in zip(call.args, args):
        if arg.keyword is not None and arg.keyword.value == keyword:
            return value
    positional = [value for arg, value in zip(call.args, args) if arg.keyword is None and not arg.star]
    if position < len(positional):
        return positional[position]
    if any(arg.star for arg in call.args):
        return UNKNOWN
    return Literal(False)


def parameter_positions(call: cst.Call, positional: Sequence[str]) -> dict[str, int]:
    """Parameter name -> index in ``call.args`` of the argument given for it (the call has no ``*``)."""
    names = iter(positional)
    positions = {}
    for index, arg in enumerate(call.args):
        if arg.star:
            continue
        name = arg.keyword.value if arg.keyword is not None else next(names, None)
        if name is not None:
            positions[name] = index
    return positions


def short_code(node: cst.BaseExpression) -> str:
    """A name or dotted name as written; other expressions as `...`."""
    return dotted_name(node) or "..."
