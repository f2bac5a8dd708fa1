"""What a model uses of a bidirectional RNN's results: the rows of `h_n` it reads, the steps of the
output it takes with both halves, and whether the backward direction's summary reaches anything.

Each call of a bidirectional RNN inside a model is watched until the end of the model's top-level
call, through the ops the mode sees; then SHP509 (only `h_n[-1]` used) and SHP511 (`out[:, -1]`
with both halves, and nothing else carrying the backward summary) are judged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn
from torch.nn.utils.rnn import PackedSequence

from shapelint.runtime.ops import index_plan, rows_indexed
from shapelint.runtime.places import called_by_torch, user_place
from shapelint.runtime.probe import tensors_in
from shapelint.runtime.record import Recorder
from shapelint.runtime.rules import tensor_words
from shapelint.runtime.rules.backward_last_step import BackwardLastStep
from shapelint.runtime.rules.unused_direction import UnusedDirection
from shapelint.runtime.tensors import dtype, held

# Ops that read only a tensor's metadata, not its values: no use of an RNN's result.
_METADATA = {"size", "dim", "numel", "__len__", "stride", "is_contiguous"}
# Ops that can take the features of one step apart, so that one direction's half may go on alone.
_PARTS = {
    "__getitem__",
    "select",
    "narrow",
    "split",
    "split_with_sizes",
    "tensor_split",
    "chunk",
    "unbind",
    "view",
    "reshape",
    "unflatten",
    "index_select",
    "gather",
}
# Ops that map each value of one tensor to the value at the same place (given nothing but scalars besides):
# their result stands in for a bidirectional RNN's output, steps and halves where they were.
_POSITIONWISE = {
    "dropout",
    "alpha_dropout",
    "feature_alpha_dropout",
    "relu",
    "tanh",
    "sigmoid",
    "gelu",
    "elu",
    "leaky_relu",
    "selu",
    "silu",
    "softplus",
    "layer_norm",
    "contiguous",
    "clone",
    "detach",
    "float",
    "double",
    "half",
    "to",
    "mul",
    "__mul__",
    "__rmul__",
    "div",
    "__truediv__",
}


@dataclass
class BidirectionalCall:
    """One call of a bidirectional RNN within the current top-level call, and what of its results
    the model has used so far: rows of ``h_n``/``c_n`` read one by one, or something wholesale."""

    rnn: nn.RNNBase
    where: str
    states: tuple[torch.Tensor, ...]  # h_n, and c_n for an LSTM
    output: torch.Tensor  # a PackedSequence's data when packed
    lengths: torch.Tensor | None  # each sample's real length, in the batch's order, when the run tells
    # The output after dropout, tanh, ..., or unpacked: what stands in for it, steps and halves where they were.
    stand_ins: list[torch.Tensor] = field(default_factory=list)
    steps_dim: dict[int, int] = field(default_factory=dict)  # by id of the output or a stand-in: its time dim
    rows_read: set[int] = field(default_factory=set)
    whole: bool = False  # the output, or a state as a whole, reached an op
    last_row_at: str | None = None  # where h_n's last row (the backward direction) was first read
    last_step_at: str | None = None  # where the output's last step was first taken with both directions' features
    last_step: torch.Tensor | None = None  # what that read returned
    last_step_of: tuple[torch.Tensor, int] | None = None  # the tensor it was read from, and its time dim
    gathered: bool = False  # read at each sample's own last step (`out[rows, lengths - 1]`), not at -1
    # The backward direction's summary of the whole sequence reached an op: the output's first step or the
    # output as a whole, a state's last row or a state as a whole, or the halves of the last step taken apart.
    backward_used: bool = False


class DirectionWatch(Recorder):
    """Follows the results of the bidirectional RNN calls inside a model until its call ends."""

    def _watch_directions(self, module: nn.RNNBase, given: Any, output: Any) -> None:
        if not isinstance(output, tuple) or len(output) != 2:
            return
        result, hidden = output
        packed = isinstance(result, PackedSequence)
        data = result.data if packed else result
        states = tuple(tensors_in(hidden))
        if not (isinstance(data, torch.Tensor) and states and states[0].dim() == 3):
            return
        time = 1 if module.batch_first else 0
        self._here.busy = True
        try:
            lengths = _packed_lengths(result) if packed else self._padded_lengths(given, time)
        finally:
            self._here.busy = False
        call = BidirectionalCall(module, user_place(), states, data, lengths)
        if not packed:
            call.steps_dim[id(data)] = time
        self._here.bidirectional.append(call)

    def _padded_lengths(self, given: Any, time: int) -> torch.Tensor | None:
        """The real lengths of a padded batch given to an RNN, in its order, from the tokens' padding."""
        mask, labels = self._here.pad_mask, self._get(given)
        if mask is None or labels is None or len(labels) != 3:
            return None
        batch, step = mask.rows_in(labels), labels[time]
        if batch != 1 - time or step is None or step.single() != mask.time:
            return None
        if (given.shape[batch], given.shape[time]) != tuple(mask.real.shape):
            return None
        lengths: torch.Tensor = mask.real.sum(1)
        return lengths

    def _observe_directions(self, func: Any, args: Any, kwargs: Any, result: Any) -> None:
        """Which results of the watched bidirectional RNN calls this op uses."""
        name = getattr(func, "__name__", "")
        if name in _METADATA or (name == "__get__" and not isinstance(result, torch.Tensor)):
            return  # `.shape`, `.size(0)`, `.dtype` read no values
        tensors = list(held((args, kwargs)))
        given = {id(tensor) for tensor in tensors}
        # Weights (a layer norm's) are no data: the output may still be the op's only data input.
        data_inputs = sum(1 for tensor in tensors if not isinstance(tensor, nn.Parameter))
        for call in self._here.bidirectional:
            if call.whole and call.backward_used:
                continue  # nothing left to learn about this call
            output = next((tensor for tensor in (call.output, *call.stand_ins) if id(tensor) in given), None)
            if output is not None and result is output:
                pass  # handed back as it is (`contiguous()` of a contiguous tensor)
            elif output is not None and self._stands_in(name, data_inputs, output, result):
                call.stand_ins.append(result)
                if id(output) in call.steps_dim:
                    call.steps_dim[id(result)] = call.steps_dim[id(output)]
            elif output is not None and name == "_pad_packed_sequence" and isinstance(result, tuple):
                # Unpacked: the steps are back, on the time dim `batch_first` says.
                batch_first = bool(args[2]) if len(args) > 2 else bool(kwargs.get("batch_first", False))
                call.stand_ins.append(result[0])
                call.steps_dim[id(result[0])] = 1 if batch_first else 0
            elif output is not None and name == "index_select" and id(output) in call.steps_dim and called_by_torch():
                # `pad_packed_sequence` putting the samples back in the order they were given.
                call.stand_ins.append(result)
                call.steps_dim[id(result)] = call.steps_dim[id(output)]
            elif output is not None:
                call.whole = True
                self._observe_output_step(call, output, name, args, kwargs, result)
            if call.last_step is not None and id(call.last_step) in given and name in _PARTS:
                call.backward_used = True  # which half goes on is beyond what the tracer follows
            for position, state in enumerate(call.states):
                if id(state) not in given:
                    continue
                rows = rows_indexed(state, name, args)
                if rows is None:
                    call.whole = call.backward_used = True
                    break
                call.rows_read |= rows
                if state.shape[0] - 1 in rows:
                    call.backward_used = True
                    if position == 0 and call.last_row_at is None:
                        call.last_row_at = user_place()

    @staticmethod
    def _stands_in(name: str, data_inputs: int, output: torch.Tensor, result: Any) -> bool:
        """``self.dropout(out)``: a position-wise op on the output alone, which keeps its shape."""
        return (
            name in _POSITIONWISE
            and data_inputs == 1
            and isinstance(result, torch.Tensor)
            and result.shape == output.shape
        )

    def _observe_output_step(
        self, call: BidirectionalCall, output: torch.Tensor, name: str, args: Any, kwargs: Any, result: Any
    ) -> None:
        """``out[:, -1]`` (``out[-1]`` time-major) or ``out[rows, lengths - 1]`` with every feature, or
        another use of the output (``output`` is the output itself or what stands in for it)."""
        time = call.steps_dim.get(id(output))
        both_halves = isinstance(result, torch.Tensor) and result.shape[-1] == output.shape[-1]
        plan = None
        if time is not None and name in ("__getitem__", "select") and args and args[0] is output and output.dim() == 3:
            plan = index_plan(name, args[1:], kwargs, 3)
            if plan is None and name == "__getitem__" and both_halves and self._at_last_steps(call, args[1], time):
                if call.last_step_at is None:
                    call.last_step_at, call.last_step, call.last_step_of = user_place(), result, (output, time)
                    call.gathered = True
                return
        if time is None or plan is None or set(plan[1]) != {time}:
            call.backward_used = True  # the output as a whole, or one sample of it
            return
        position, steps = plan[1][time], output.shape[time]
        if position % steps == 0:
            call.backward_used = True  # the first step holds the backward direction's summary
        elif position == -1 and both_halves and call.last_step_at is None:
            call.last_step_at, call.last_step, call.last_step_of = user_place(), result, (output, time)

    def _at_last_steps(self, call: BidirectionalCall, index: Any, time: int) -> bool:
        """``out[torch.arange(B), lengths - 1]`` (time-major: ``out[lengths - 1, torch.arange(B)]``): every
        sample's own last real step, read by a pair of index tensors, all features kept."""
        if call.lengths is None or not isinstance(index, tuple) or len(index) < 2:
            return False
        if any(item not in (slice(None), Ellipsis) for item in index[2:]):
            return False
        rows, steps = (index[0], index[1]) if time == 1 else (index[1], index[0])
        if not (isinstance(rows, torch.Tensor) and isinstance(steps, torch.Tensor)):
            return False
        self._here.busy = True
        try:
            lengths = call.lengths.to("cpu")
            rows, steps = rows.to("cpu"), steps.to("cpu")
            if rows.shape != lengths.shape or steps.shape != lengths.shape:
                return False
            return bool((rows == torch.arange(len(lengths))).all()) and bool((steps == lengths - 1).all())
        finally:
            self._here.busy = False

    def _judge_directions(self, model: nn.Module, output: Any) -> None:
        """At the end of a top-level call: the watched calls that used only the backward direction of
        their last layer, unless their results leave the call (returned, or kept in an attribute)."""
        calls, self._here.bidirectional = self._here.bidirectional, []
        unused = [
            (call, call.last_row_at)
            for call in calls
            if call.last_row_at is not None and not call.whole and call.states[0].shape[0] - 2 not in call.rows_read
        ]
        last_steps = [(call, call.last_step_at) for call in calls if call.last_step_at and not call.backward_used]
        if not (unused or last_steps) or output is None:
            return  # None: the forward raised (or keeps its results where the tracer cannot see)
        kept = {id(tensor) for tensor in held(output)}
        kept.update(id(tensor) for submodule in model.modules() for tensor in held(vars(submodule)))
        for call, place in unused:
            if kept.isdisjoint(map(id, (call.output, *call.stand_ins, *call.states))):
                h_n = call.states[0]
                finding = UnusedDirection.finding(
                    place,
                    self._name(call.rnn),
                    type(call.rnn).__name__,
                    call.where,
                    tuple(h_n.shape),
                    dtype(h_n),
                )
                self._state.found_at_call.append(finding)
        for call, place in last_steps:
            if call.last_step_of is not None and kept.isdisjoint(map(id, (call.output, *call.stand_ins, *call.states))):
                out, time = call.last_step_of
                roles = ("batch", "time", "feat") if time == 1 else ("time", "batch", "feat")
                finding = BackwardLastStep.finding(
                    place,
                    self._name(call.rnn),
                    type(call.rnn).__name__,
                    call.where,
                    tensor_words(dtype(out), tuple(out.shape), roles),
                    time == 1,
                    call.rnn.hidden_size,
                    call.gathered,
                )
                self._state.found_at_call.append(finding)


def _packed_lengths(packed: PackedSequence) -> torch.Tensor:
    """Each sample's length in a packed batch, in the order the samples were given to the pack."""
    sizes = packed.batch_sizes
    lengths = (sizes[None, :] > torch.arange(int(sizes[0]))[:, None]).sum(1)  # sorted longest first
    order = packed.unsorted_indices
    return lengths if order is None else lengths[order.to(lengths.device)]
