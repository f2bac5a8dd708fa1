"""The tracer: module hooks and a TorchFunctionMode that follow data axes through a real run.

It never changes a computation: every op runs as called, and the tracer only reads
shapes and records what it saw. Findings are worked out when asked for, once the run
has shown which input axis is the batch.
"""

from __future__ import annotations

import functools
import re
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

import torch
from torch import nn
from torch.overrides import TorchFunctionMode
from torch.utils.weak import WeakTensorKeyDictionary

from shapelint.findings import Finding
from shapelint.runtime import LayoutWarning
from shapelint.runtime.axes import FEATURES, Label, Labels, Origin, moved, reshaped
from shapelint.runtime.declarations import (
    annotation_dims,
    declared_checker,
    declared_return,
    dimension_roles,
    parameter_names,
)
from shapelint.runtime.evidence import Evidence
from shapelint.runtime.judging import judge, kept_tensor_words, returns_swapped
from shapelint.runtime.observations import (
    DeclaredReturn,
    InitialState,
    LastPick,
    Observation,
    PackedLengths,
    PadMask,
    TokenPadding,
)
from shapelint.runtime.ops import aligned_by_size, expanded, index_plan, permutation, rows_indexed, squeezed
from shapelint.runtime.places import called_by_torch, raised_at, user_place
from shapelint.runtime.probe import isolated, mixes_samples, tensors_in, token_input
from shapelint.runtime.rules import tensor_words
from shapelint.runtime.rules.backward_last_step import BackwardLastStep
from shapelint.runtime.rules.batch_dependence import BatchDependence
from shapelint.runtime.rules.batch_first_state import BatchFirstState
from shapelint.runtime.rules.batch_time_swap import BatchTimeSwap
from shapelint.runtime.rules.declared_layout_violation import DeclaredLayoutViolation, summarise
from shapelint.runtime.rules.last_step_padding import LastStepPadding
from shapelint.runtime.rules.lengths_mismatch import LengthsMismatch
from shapelint.runtime.rules.padding_leak import PaddingLeak
from shapelint.runtime.rules.unused_direction import UnusedDirection
from shapelint.runtime.tensors import dtype, held, rows_are_padded_sequences
from shapelint.runtime.threads import own_threads
from shapelint.runtime.wording import as_written

_RNNS = (nn.RNNBase,)
# torch's refusal of an initial state: "Expected hidden[0] size (2, 3, 16), got [3, 2, 16]".
_HIDDEN_SIZE = re.compile(r"Expected hidden(?:\[\d\])? size \((?P<expected>[\d, ]+)\), got \[(?P<got>[\d, ]+)\]")
_RESHAPES = {"view", "reshape", "flatten", "unflatten", "view_as", "reshape_as"}
_POOLS = {"mean", "nanmean", "sum", "max", "amax", "logsumexp"}
_LOSSES = {
    "cross_entropy",
    "nll_loss",
    "mse_loss",
    "l1_loss",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "smooth_l1_loss",
    "kl_div",
}
# Products of matrices (batched or not): they pair rows of one operand with the other's.
_PRODUCTS = ("matmul", "__matmul__", "bmm")
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
F = TypeVar("F", bound=Callable[..., Any])
# Per model class, worked out on its first top-level call: the checker of forward's annotations, and its
# declared return.
_CHECKERS: dict[type[nn.Module], Callable[..., None] | None] = {}
_RETURNS: dict[type[nn.Module], tuple[str, tuple[str | None, ...], str] | None] = {}


@dataclass
class _BidirectionalCall:
    """One call of a bidirectional RNN within the current top-level call, and what of its results
    the model has used so far: rows of ``h_n``/``c_n`` read one by one, or something wholesale."""

    rnn: nn.RNNBase
    where: str
    states: tuple[torch.Tensor, ...]  # h_n, and c_n for an LSTM
    output: torch.Tensor  # a PackedSequence's data when packed
    stand_ins: list[torch.Tensor] = field(default_factory=list)  # the output after dropout, tanh, ...
    rows_read: set[int] = field(default_factory=set)
    whole: bool = False  # the output, or a state as a whole, reached an op
    last_row_at: str | None = None  # where h_n's last row (the backward direction) was first read
    last_step_at: str | None = None  # where the output's last step was first taken with both directions' features
    last_step: torch.Tensor | None = None  # what that read returned
    # The backward direction's summary of the whole sequence reached an op: the output's first step or the
    # output as a whole, a state's last row or a state as a whole, or the halves of the last step taken apart.
    backward_used: bool = False


@dataclass
class _State:
    labels: WeakTensorKeyDictionary = field(default_factory=WeakTensorKeyDictionary)
    observations: list[Observation] = field(default_factory=list)
    evidence: Evidence = field(default_factory=Evidence)
    depth: int = 0
    names: dict[int, str] = field(default_factory=dict)
    busy: bool = False  # the tracer's own tensor work: not the user's ops
    steps: int = 0  # top-level calls seen
    declared_violations: list[Finding] = field(default_factory=list)  # found at call time, not judged later
    probed: set[int] = field(default_factory=set)
    square_probed: set[int] = field(default_factory=set)  # modules run again on a batch one sample short
    square_probing: bool = False  # that run is under way
    pad_mask: PadMask | None = None
    errors: list[str] = field(default_factory=list)
    token_padding: dict[Origin, TokenPadding] = field(default_factory=dict)
    packs: list[PackedLengths] = field(default_factory=list)
    last_pack: tuple[Label | None, Label | None] | None = None  # (batch, time) as the last pack was told
    bidirectional: list[_BidirectionalCall] = field(default_factory=list)  # in the current top-level call
    last_picks: dict[str, LastPick] = field(default_factory=dict)  # by place: the first seen there
    initial_states: dict[str, InitialState] = field(default_factory=dict)
    returns: dict[str, DeclaredReturn] = field(default_factory=dict)
    input_sources: dict[tuple[int, str], str] = field(default_factory=dict)  # by (top-level module, argument)
    arguments: set[str] = field(default_factory=set)  # the names of the top-level calls' tensor arguments
    layouts_used: set[str] = field(default_factory=set)  # the keys of `layouts` that met their argument


class _Mode(TorchFunctionMode):
    """Labels the results of the ops that move axes; every op itself runs unchanged."""

    def __init__(self, tracer: Tracer) -> None:
        super().__init__()
        self.tracer = tracer

    def __torch_function__(self, func: Any, types: Any, args: Any = (), kwargs: Any = None) -> Any:
        kwargs = kwargs or {}
        result = func(*args, **kwargs)
        try:
            self.tracer._after_op(func, args, kwargs, result)
        except Exception as error:  # a bug of ours must never break the user's run
            self.tracer._internal_error(error)
        return result


class Tracer:
    """Follows the data axes of every (or one) ``nn.Module`` while active. See :func:`trace`."""

    def __init__(
        self,
        model: nn.Module | None = None,
        *,
        layouts: dict[str, str] | None = None,
        provenance: bool = True,
        first_n_steps: int | None = None,
        probe: bool = True,
    ) -> None:
        self.model = model
        self.layouts = dict(layouts or {})
        self.provenance = provenance
        self.probe = probe
        self.first_n_steps = first_n_steps
        self._state = _State()
        self._handles: list[Any] = []
        self._mode: _Mode | None = None
        self._active = False

    # ------------------------------------------------------------ install / remove

    def __enter__(self) -> Tracer:
        if self._active:
            raise RuntimeError("this tracer is already active")
        self._state = _State()
        self._active = True
        try:
            self._install_hooks()
            if self.provenance:
                self._mode = _Mode(self)
                self._mode.__enter__()  # type: ignore[no-untyped-call]
        except BaseException:
            self._detach()
            self._active = False
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self._detach()
        self._active = False
        unused = [name for name in self.layouts if name not in self._state.layouts_used]
        if unused and self._state.arguments:
            seen = ", ".join(sorted(self._state.arguments))
            warnings.warn(
                f"shapelint: layouts for {', '.join(map(repr, unused))} matched no tensor argument of a traced "
                f"model (its tensor arguments: {seen}; a tensor inside a tuple argument `x` is `x[0]`, `x[1]`)",
                LayoutWarning,
                stacklevel=2,
            )

    def _detach(self) -> None:
        """Remove the hooks and the mode; safe to call twice and from inside a hook."""
        self._remove_hooks()
        mode, self._mode = self._mode, None
        if mode is None:
            return
        depth = torch._C._len_torch_function_stack()
        if depth and torch._C._get_function_stack_at(depth - 1) is mode:
            mode.__exit__(None, None, None)
        else:  # another mode was entered on top of ours: leave it there, inert
            mode.tracer = _INERT

    def __call__(self, function: F) -> F:
        """Use as a decorator: the function runs traced; findings accumulate on this tracer."""

        @functools.wraps(function)
        def traced(*args: Any, **kwargs: Any) -> Any:
            with self:
                return function(*args, **kwargs)

        return traced  # type: ignore[return-value]

    def _install_hooks(self) -> None:
        before, after = self._guarded(self._before_module), self._guarded(self._after_module)
        if self.model is None:
            register_pre = nn.modules.module.register_module_forward_pre_hook
            register_post = nn.modules.module.register_module_forward_hook
            self._handles.append(register_pre(before))
            self._handles.append(register_post(after, always_call=True))
        else:
            for name, module in self.model.named_modules():
                self._state.names[id(module)] = name or type(module).__name__
                self._handles.append(module.register_forward_pre_hook(before))
                self._handles.append(module.register_forward_hook(after, always_call=True))

    def _guarded(self, hook: Callable[..., None]) -> Callable[..., None]:
        """A hook that records its own failure instead of breaking the user's forward pass."""

        @functools.wraps(hook)
        def guarded(*args: Any) -> None:
            try:
                hook(*args)
            except Exception as error:
                self._internal_error(error)

        return guarded

    def _internal_error(self, error: Exception) -> None:
        self.errors.append(f"{type(error).__name__}: {error}")

    @property
    def errors(self) -> list[str]:
        """Failures of the tracer itself (a bug of shapelint's): the run went on without those observations."""
        return self._state.errors

    def _remove_hooks(self) -> None:
        while self._handles:
            self._handles.pop().remove()

    # ------------------------------------------------------------ labels

    def labels_of(self, tensor: torch.Tensor) -> Labels | None:
        """The labels of a tensor, if the tracer has followed it."""
        return self._get(tensor)

    def _get(self, value: object) -> Labels | None:
        if not isinstance(value, torch.Tensor):
            return None
        labels: Labels | None = self._state.labels.get(value)  # type: ignore[no-untyped-call]
        return labels

    def _set(self, tensor: Any, labels: Labels | None) -> None:
        if isinstance(tensor, torch.Tensor) and labels is not None and len(labels) == tensor.dim():
            self._state.labels[tensor] = labels

    def _after_op(self, func: Any, args: Any, kwargs: Any, result: Any) -> None:
        if self._state.bidirectional and not self._state.busy:
            self._observe_directions(func, args, kwargs, result)
        if not self._state.labels or self._state.busy:
            return
        first = args[0] if args else None
        name = getattr(func, "__name__", "")
        if name == "_pack_padded_sequence" and isinstance(first, torch.Tensor) and len(args) >= 3:
            self.observe_pack(first, args[1], bool(args[2]))
        elif name == "_pad_packed_sequence" and isinstance(result, tuple) and self._state.last_pack is not None:
            batch, time = self._state.last_pack
            batch_first = bool(args[2]) if len(args) > 2 else bool(kwargs.get("batch_first", False))
            self._set(result[0], (batch, time, FEATURES) if batch_first else (time, batch, FEATURES))
        labels = self._get(first)
        if labels is not None and name in _POOLS and self._state.pad_mask is not None:
            assert isinstance(first, torch.Tensor)
            self._check_pool(name, first, labels, args[1:], kwargs)  # max returns (values, indices)
        if name == "__setitem__" and isinstance(first, torch.Tensor) and len(args) == 3 and labels is None:
            self._after_setitem(first, args[1], args[2])
        if not isinstance(result, torch.Tensor):
            return
        if name in ("cat", "concat", "stack") and isinstance(first, (list, tuple)):
            self._after_concat(name, first, args, kwargs, result)
            return
        if name in _LOSSES:
            self._observe_loss(name, args)
        elif name in _PRODUCTS:
            self._observe_product(name, args)
        if labels is None:
            return
        assert isinstance(first, torch.Tensor)
        if name in _RESHAPES:
            self._set(result, reshaped(labels, tuple(first.shape), tuple(result.shape), user_place()))
        elif name in ("transpose", "swapaxes", "swapdims", "permute", "movedim", "moveaxis", "t"):
            order = permutation(first, name, args[1:], kwargs)
            if order is not None:
                self._set(result, moved(labels, order, user_place()))
        elif name == "squeeze":
            self._set(result, squeezed(labels, tuple(first.shape), args[1:], kwargs))
        elif name in ("__getitem__", "select", "unsqueeze"):
            plan = index_plan(name, args[1:], kwargs, first.dim())
            if plan is not None:
                self._set(result, self._after_index(first, labels, *plan))
            elif tuple(result.shape) == tuple(first.shape):
                self._set(result, _reordered(labels, 0))  # `x[sorted_idx]`: the rows sorted for packing
        elif name == "index_select" and tuple(result.shape) == tuple(first.shape):
            dim = kwargs.get("dim", args[1] if len(args) > 1 else 0)
            self._set(result, _reordered(labels, int(dim) % first.dim()))
        elif name == "unfold" and result.dim() == first.dim() + 1:
            # The unfolded axis keeps its role (one window per step); each window's steps are a sample's features.
            self._set(result, (*labels, FEATURES))
        elif name == "narrow":
            self._set(result, aligned_by_size(labels, tuple(first.shape), tuple(result.shape)))
        elif name == "expand":
            self._set(result, expanded(labels, tuple(first.shape), tuple(result.shape)))
        elif name in ("linear", *_PRODUCTS) and result.dim() == first.dim():
            self._set(result, (*labels[:-1], FEATURES))
        elif tuple(result.shape) == tuple(first.shape):
            self._set(result, labels)  # element-wise

    def _after_index(
        self, tensor: torch.Tensor, labels: Labels, kept: tuple[int | None, ...], picked: dict[int, int]
    ) -> Labels:
        """The labels of ``tensor[...]``. When it drops a data axis, the axes left remember where, and an
        index at -1 (``out[:, -1]``) is kept for the rules that judge last steps."""
        after = tuple(labels[dim] if dim is not None else None for dim in kept)
        dropped = [(dim, label) for dim in picked if (label := labels[dim]) and label.origins and label not in after]
        if not dropped:
            return after
        here = user_place()
        after = tuple(replace(label, moved_at=here) if label and label.origins else label for label in after)
        for dim, label in dropped:
            axis = label.single()
            if picked[dim] != -1 or axis is None or tensor.shape[dim] < 2:
                continue  # -1 only: a loop over the positions (`out[:, t]`) reads them all, the last one too
            if here not in self._state.last_picks and any(label is not None and label.origins for label in after):
                axes = tuple(label.single() if label is not None else None for label in labels)
                pick = LastPick(here, axis, dim, axes, tuple(tensor.shape), dtype(tensor))
                self._state.last_picks[here] = pick
            if self._state.pad_mask is not None and self._state.pad_mask.time == axis:
                self._check_last_step(tensor, labels, dim, here)
        return after

    def _after_setitem(self, target: torch.Tensor, index: Any, value: Any) -> None:
        """``h0[:, 0] = proj(context)``: an unlabelled tensor filled from a labelled one takes its axes."""
        given = self._get(value)
        plan = index_plan("__getitem__", (index,), {}, target.dim()) if given is not None else None
        if given is None or plan is None or len(given) > len(plan[0]):
            return
        labels: list[Label | None] = [None] * target.dim()
        # The value broadcasts against the indexed part: its dims line up with that part's last ones.
        for size, label, dim in zip(value.shape, given, plan[0][len(plan[0]) - len(given) :]):
            if dim is not None and size == target.shape[dim]:
                labels[dim] = label
        if any(label is not None and label.origins for label in labels):
            self._set(target, tuple(labels))

    def _after_concat(self, name: str, pieces: Any, args: Any, kwargs: Any, result: torch.Tensor) -> None:
        labelled = [p for p in pieces if isinstance(p, torch.Tensor) and p in self._state.labels]
        if not labelled or name == "stack":
            return
        first = labelled[0]
        dim = kwargs.get("dim", args[1] if len(args) > 1 else 0)
        labels = list(self._state.labels[first])
        labels[dim % first.dim()] = FEATURES if dim % first.dim() == first.dim() - 1 else labels[dim % first.dim()]
        self._set(result, tuple(labels))

    # ------------------------------------------------------------ module hooks

    def _before_module(self, module: nn.Module, args: tuple[Any, ...]) -> None:
        state = self._state
        if state.busy:
            return  # the tracer's own runs (the probe)
        state.depth += 1
        if state.depth == 1 and not state.square_probing:
            self._label_inputs(module, args)
            self._check_declared(module, args)
            if self.probe and id(module) not in state.probed:
                state.probed.add(id(module))
                self._probe(module, args)
            if self.probe and id(module) not in state.square_probed:
                self._square_probe(module, args)
        if isinstance(module, _RNNS) and args:
            self._observe_rnn(module, args)
        elif isinstance(module, nn.Linear) and args and isinstance(args[0], torch.Tensor):
            labels = self._get(args[0])
            if labels is not None:
                state.observations.append(Observation("linear", user_place(), self._name(module), labels))

    def _after_module(self, module: nn.Module, args: tuple[Any, ...], output: Any) -> None:
        state = self._state
        if state.busy:
            return
        state.depth = max(0, state.depth - 1)
        if isinstance(module, nn.Embedding) and args and isinstance(output, torch.Tensor):
            labels = self._get(args[0])
            if labels is not None:
                self._set(output, (*labels, FEATURES))
                if module.padding_idx is not None and args[0].dim() == 2:
                    self._padding_evidence(args[0], module.padding_idx, labels)
                elif args[0].dim() == 2 and self._trailing_zeros(args[0]):
                    self._padding_evidence(args[0], 0, labels)
        elif isinstance(module, _RNNS) and args:
            self._label_rnn_outputs(module, args[0], output)
            # A top-level RNN's results all go back to the caller, and without the mode no op is seen.
            if module.bidirectional and state.depth > 0 and self._mode is not None:
                self._watch_directions(module, output)
        if state.depth == 0:
            if state.bidirectional:
                self._judge_directions(module, output)
            if isinstance(output, torch.Tensor):
                self._observe_return(module, output)
            for tensor in tensors_in(output):
                labels = self._get(tensor)
                if labels is not None:
                    state.observations.append(Observation("output", "", self._name(module), labels))
            state.steps += 1
            if self.first_n_steps is not None and state.steps >= self.first_n_steps:
                self._detach()  # enough seen: the rest of the run goes at full speed

    def _check_pool(self, name: str, tensor: torch.Tensor, labels: Labels, rest: Any, kwargs: dict[str, Any]) -> None:
        """A mean/sum/max over the time axis of a padded batch: do the padded steps take part?"""
        mask = self._state.pad_mask
        assert mask is not None
        dims = kwargs.get("dim", rest[0] if rest else None)
        if not isinstance(dims, int) or tensor.dim() < 2:
            return
        dim = dims % tensor.dim()
        batch = mask.rows_in(labels)
        if labels[dim] is None or labels[dim].single() != mask.time or batch is None:  # type: ignore[union-attr]
            return
        steps = tensor.shape[dim]
        if tensor.shape[batch] != mask.real.shape[0] or steps > mask.real.shape[1]:
            return
        self._state.busy = True
        try:
            real = mask.real[:, :steps]
            if bool(real.all()):
                return  # no padding within these steps
            shape = [1] * tensor.dim()
            shape[batch], shape[dim] = real.shape
            order = (0, 1) if batch < dim else (1, 0)
            padded = ~real.permute(*order).reshape(shape).expand_as(tensor)
            values = tensor.detach()[padded]
            if name in ("mean", "nanmean"):
                leaks = True  # the divisor counts the padded steps
            elif name == "sum":
                leaks = bool((values != 0).any())
            else:
                leaks = bool(torch.isfinite(values).any())
        finally:
            self._state.busy = False
        if leaks:
            self._state.declared_violations.append(PaddingLeak.finding(user_place(), name, mask.time))

    def _check_last_step(self, tensor: torch.Tensor, labels: Labels, dim: int, here: str) -> None:
        """``out[:, -1]`` over the time axis of a padded batch: is that step padding for some sample, with a
        value other than at the sample's last real step (where a masked running sum would have stopped)?"""
        mask = self._state.pad_mask
        assert mask is not None
        batch = mask.rows_in(labels)
        if not tensor.is_floating_point():
            return  # token ids are no summary (`tokens[:, -1] == pad` asks about the padding itself)
        if batch is None or (tensor.shape[batch], tensor.shape[dim]) != tuple(mask.real.shape):
            return  # not this batch's samples, or not the tokens' own steps (a shifted or cut sequence)
        self._state.busy = True
        try:
            real = mask.real.to(tensor.device)
            samples, steps = real.shape
            last_real = (real * torch.arange(1, steps + 1, device=real.device)).argmax(1)
            values = tensor.detach().movedim((batch, dim), (0, 1))
            at_end, at_last_real = values[:, -1], values[torch.arange(samples, device=real.device), last_real]
            differs = (at_end != at_last_real).reshape(samples, -1).any(1)
            wrong = differs & ~real[:, -1] & real.any(1)
            lengths = real.sum(1)[wrong].tolist()
        finally:
            self._state.busy = False
        if lengths:
            roles = ["batch" if i == batch else "time" if i == dim else "feat" for i in range(tensor.dim())]
            described = tensor_words(dtype(tensor), tuple(tensor.shape), roles)
            finding = LastStepPadding.finding(here, mask.time, described, lengths, samples)
            self._state.declared_violations.append(finding)

    def _padding_evidence(self, tokens: torch.Tensor, pad: int, labels: Labels) -> None:
        """In a padded batch each sample is real tokens then padding (or the reverse): the axis
        whose rows look like that is the batch."""
        for label in labels[:2]:
            if label is not None and (origin := label.single()) is not None:
                self._state.token_padding.pop(origin, None)  # a new batch: forget the last one's padding
                mask = self._state.pad_mask
                if mask is not None and origin in (mask.batch, mask.time):
                    self._state.pad_mask = None
        self._state.busy = True
        try:
            real = (tokens != pad).int()
            if bool(real.all()):
                return  # no padding: nothing to see
            samples = [real, real.t()]  # rows are samples if the batch is axis 0, or axis 1
            padded_rows = [rows_are_padded_sequences(rows) for rows in samples]
            counts = [sorted(rows.sum(1).tolist()) for rows in samples]
            left = [bool((rows[:, 1:] - rows[:, :-1] >= 0).all()) for rows in samples]
        finally:
            self._state.busy = False
        declared = self._declared_batch_axis(labels[:2])
        if padded_rows[0] != padded_rows[1] or (declared is not None and padded_rows[declared]):
            # Lengths sorted for packing pad the columns like the rows: then only a declaration tells.
            batch = declared if declared is not None else (0 if padded_rows[0] else 1)
            self._state.evidence.saw_batch_axis(labels[batch], labels[1 - batch])
            sample_label, step_label = labels[batch], labels[1 - batch]
            sample = sample_label.single() if sample_label is not None else None
            step = step_label.single() if step_label is not None else None
            if sample is not None and step is not None:
                reordered_at = sample_label.reordered_at if sample_label is not None else None
                self._state.pad_mask = PadMask(sample, step, samples[batch].bool(), reordered_at)
        for batch, label in enumerate(labels[:2]):
            origin, time = (label.single() if label is not None else None), labels[1 - batch]
            if origin is not None and time is not None:
                padded_left = left[batch] and padded_rows[batch]
                self._state.token_padding[origin] = TokenPadding(
                    counts[batch], padded_left, time, tokens.shape[1 - batch]
                )

    def _trailing_zeros(self, tokens: torch.Tensor) -> bool:
        """An Embedding without `padding_idx` over token ids padded with 0 all the same: along one axis
        only, every row is real tokens then zeros (or the reverse), and at least two rows end (or start)
        with two zeros or more. A 0 that is a real token sits among real tokens and breaks that, and two
        random zeros side by side at the end of two rows are rare."""
        if tokens.is_floating_point() or tokens.dtype == torch.bool:
            return False
        self._state.busy = True
        try:
            real = (tokens != 0).int()
            if bool(real.all()):
                return False
            shapes = [rows_are_padded_sequences(rows) for rows in (real, real.t())]
            if shapes[0] == shapes[1]:
                return False
            rows = real if shapes[0] else real.t()
            return int((rows.sum(1) <= rows.size(1) - 2).sum()) >= 2
        finally:
            self._state.busy = False

    def _declared_batch_axis(self, labels: Labels) -> int | None:
        """Which of these axes a declared layout names the batch, if one does."""
        declared = self._state.evidence.declared
        origins = [label.single() if label is not None else None for label in labels]
        roles = [declared.get(origin) if origin is not None else None for origin in origins]
        return roles.index("batch") if roles.count("batch") == 1 else None

    def _label_inputs(self, module: nn.Module, args: tuple[Any, ...], probing: bool = False) -> None:
        """Each dimension of each tensor argument of a top-level call is a data axis of its own
        (``probing``: the square probe's inputs, whose sizes are no evidence of the data's)."""
        names = parameter_names(module, len(args))
        for name, value in self._input_tensors(zip(names, args)):
            self._state.arguments.add(name)
            if value.dim() > 0 and value not in self._state.labels:
                source = self._input_source(module, name)
                origins = tuple(Origin(source, dim) for dim in range(value.dim()))
                self._state.labels[value] = tuple(Label((origin,)) for origin in origins)
                if self._state.pad_mask is not None and self._state.pad_mask.batch.source == source:
                    self._state.pad_mask = None  # new tokens: the last ones' padding says nothing of them
                if not probing:
                    self._state.evidence.saw_sizes(source, tuple(value.shape))
                self._declare(module, name, origins)

    @staticmethod
    def _input_tensors(named: Iterable[tuple[str, Any]]) -> Iterator[tuple[str, torch.Tensor]]:
        """The tensor arguments, and those inside a tuple or list argument (``model((tokens, lengths))``),
        named ``x[0]``, ``x[1]``."""
        for name, value in named:
            if isinstance(value, torch.Tensor):
                yield name, value
            elif isinstance(value, (tuple, list)):
                for index, item in enumerate(value):
                    if isinstance(item, torch.Tensor):
                        yield f"{name}[{index}]", item

    def _input_source(self, module: nn.Module, name: str) -> str:
        """The name an input's axes go by: the argument's name, unless another top-level module (an
        encoder and a decoder called one after the other) already has an argument of that name, whose
        sizes and roles are another's."""
        sources = self._state.input_sources
        key = (id(module), name)
        if key not in sources:
            taken = {source for (other, _), source in sources.items() if other != id(module)}
            sources[key] = name if name not in taken else f"{self._name(module)}.{name}"
        return sources[key]

    def _declare(self, module: nn.Module, name: str, origins: tuple[Origin, ...]) -> None:
        """``layouts={"tokens": "batch seq"}`` or a jaxtyping annotation on ``forward``."""
        spec = self.layouts.get(name) or annotation_dims(module.forward, name)
        roles = dimension_roles(spec) if spec is not None else ()
        if len(roles) != len(origins):
            if name in self.layouts and name not in self._state.layouts_used:
                self._state.layouts_used.add(name)
                warnings.warn(
                    f"shapelint: layouts[{name!r}] = {spec!r} names {len(roles)} dims, but `{name}` of "
                    f"`{self._name(module)}` has {len(origins)}: ignored",
                    LayoutWarning,
                    stacklevel=2,
                )
            return
        self._state.layouts_used.add(name)
        for origin, role in zip(origins, roles):
            if role is not None:
                self._state.evidence.declare(origin, role)

    def _probe(self, module: nn.Module, args: tuple[Any, ...]) -> None:
        position = token_input(args)
        if position is None:
            return
        place = user_place()
        self._state.busy = True
        try:
            mixed = mixes_samples(module, args, position)
        finally:
            self._state.busy = False
        if mixed:
            source = parameter_names(module, len(args))[position]
            self._state.declared_violations.append(BatchDependence.finding(place, self._name(module), source))

    def _square_probe(self, module: nn.Module, args: tuple[Any, ...]) -> None:
        """Where two sizes coincide (batch == seq_len, or a batch as large as an RNN's layers *
        directions), a view that swaps two axes or a state built batch-first moves nothing the sizes
        can show. So the call runs once more, traced, on its inputs one row short along axis 0: there
        the sizes differ, and a view that re-cuts memory across the two axes shows as on any other
        batch, while a batch-first state makes the RNN refuse it. Nothing of that run reaches the user:
        no gradient, the same random state, no hook but the tracer's, every module's attributes put back.
        """
        names = parameter_names(module, len(args))
        inputs = [(name, value) for name, value in self._input_tensors(zip(names, args)) if value.dim() > 0]
        if not inputs or not _sizes_coincide([value for _, value in inputs], module):
            return
        self._state.square_probed.add(id(module))
        name, first = inputs[0]
        shorter = _one_short(args, first.shape[0])
        if shorter is None:
            return
        place = user_place()
        self._state.square_probing = True
        try:
            ours = frozenset(handle.id for handle in self._handles)
            with isolated(module, ours), torch.no_grad(), torch.random.fork_rng(devices=[]), own_threads():
                self._label_inputs(module, shorter, probing=True)
                module(*shorter)
        except Exception as error:  # a model that cannot run one sample short is judged only by why
            self._batch_first_state_refused(module, error, Origin(self._input_source(module, name), 0), place)
        finally:
            self._state.square_probing = False

    def _batch_first_state_refused(self, module: nn.Module, error: Exception, batch: Origin, called: str) -> None:
        """The RNN refused the initial state of the shorter batch as the swap of what it expects: the
        state holds the batch where the layers go, and only batch == layers * directions let it pass."""
        refused = _HIDDEN_SIZE.search(str(error))
        if refused is None:
            return
        expected, got = refused.group("expected").split(", "), refused.group("got").split(", ")
        if len(expected) == 3 and [got[1], got[0], got[2]] == expected:
            where = raised_at(error) or called
            shape = tuple(int(size) + (1 if index == 0 else 0) for index, size in enumerate(got))
            state = f"a tensor of shape {shape}"
            rnn = next((self._name(sub) for sub in module.modules() if isinstance(sub, _RNNS)), "the RNN")
            self._state.declared_violations.append(BatchFirstState.finding(where, rnn, batch, state))

    def _check_declared(self, module: nn.Module, args: tuple[Any, ...]) -> None:
        """Run the jaxtyping annotations of ``forward`` through beartype; a violation is a finding."""
        if type(module) not in _CHECKERS:
            _CHECKERS[type(module)] = declared_checker(type(module))
        checker = _CHECKERS[type(module)]
        if checker is None:
            return
        self._state.busy = True
        try:
            checker(*args)
        except Exception as error:  # jaxtyping's TypeCheckError and beartype's violations
            problem = summarise(str(error))
            self._state.declared_violations.append(
                DeclaredLayoutViolation.finding(user_place(), self._name(module), problem)
            )
        finally:
            self._state.busy = False

    def _observe_rnn(self, module: nn.RNNBase, args: tuple[Any, ...]) -> None:
        given = args[0]
        if isinstance(given, torch.Tensor) and given.dim() == 3:
            labels = self._get(given)
            if labels is not None:
                place = user_place()
                self._state.observations.append(
                    Observation("rnn", place, self._name(module), labels, module.batch_first)
                )
                hidden = args[1] if len(args) > 1 else None
                state = hidden[0] if isinstance(hidden, tuple) else hidden
                if isinstance(state, torch.Tensor) and state.dim() == 3:
                    self._state.evidence.saw_batch_size(labels[:2], state.shape[1], given.shape[:2])
                    self._observe_initial_state(module, state, place)

    def _observe_initial_state(self, module: nn.RNNBase, state: torch.Tensor, place: str) -> None:
        """Keep an initial state whose first axis, layers * directions, holds an input's axis: whether
        that axis is the batch, the run tells by the end."""
        labels = self._get(state)
        first = labels[0] if labels is not None else None
        axis = first.single() if first is not None else None
        if axis is not None and axis.dim >= 0 and place not in self._state.initial_states:
            seen = InitialState(place, self._name(module), axis, tuple(state.shape), dtype(state))
            self._state.initial_states[place] = seen

    def _label_rnn_outputs(self, module: nn.RNNBase, given: Any, output: Any) -> None:
        if not isinstance(output, tuple):
            return
        if isinstance(given, torch.Tensor) and given.dim() == 3 and (labels := self._get(given)) is not None:
            # The RNN runs along its time slot: the output keeps the input's first two dims.
            self._set(output[0], (labels[0], labels[1], FEATURES))
            batch = labels[0] if module.batch_first else labels[1]
        elif self._state.last_pack is not None:
            batch = self._state.last_pack[0]  # a packed input: the axes the pack was given
        else:
            return
        # h_n/c_n: (layers * directions, batch, hidden) whatever batch_first says.
        layers = Label((Origin(f"the layers*directions of `{self._name(module)}`'s final state", -1),))
        for state in tensors_in(output[1]):
            self._set(state, (layers, batch, FEATURES))

    def _watch_directions(self, module: nn.RNNBase, output: Any) -> None:
        if not isinstance(output, tuple) or len(output) != 2:
            return
        result, hidden = output
        data = result[0] if isinstance(result, tuple) else result  # a PackedSequence is a tuple, data first
        states = tuple(tensors_in(hidden))
        if isinstance(data, torch.Tensor) and states and states[0].dim() == 3:
            self._state.bidirectional.append(_BidirectionalCall(module, user_place(), states, data))

    def _observe_directions(self, func: Any, args: Any, kwargs: Any, result: Any) -> None:
        """Which results of the watched bidirectional RNN calls this op uses."""
        name = getattr(func, "__name__", "")
        if name in _METADATA or (name == "__get__" and not isinstance(result, torch.Tensor)):
            return  # `.shape`, `.size(0)`, `.dtype` read no values
        tensors = list(held((args, kwargs)))
        given = {id(tensor) for tensor in tensors}
        # Weights (a layer norm's) are no data: the output may still be the op's only data input.
        data_inputs = sum(1 for tensor in tensors if not isinstance(tensor, nn.Parameter))
        for call in self._state.bidirectional:
            if call.whole and call.backward_used:
                continue  # nothing left to learn about this call
            output = next((tensor for tensor in (call.output, *call.stand_ins) if id(tensor) in given), None)
            if output is not None and result is output:
                pass  # handed back as it is (`contiguous()` of a contiguous tensor)
            elif output is not None and self._stands_in(name, data_inputs, output, result):
                call.stand_ins.append(result)
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
        self, call: _BidirectionalCall, output: torch.Tensor, name: str, args: Any, kwargs: Any, result: Any
    ) -> None:
        """``out[:, -1]`` (``out[-1]`` time-major) with every feature, or another use of the output
        (``output`` is the output itself or what stands in for it)."""
        time = 1 if call.rnn.batch_first else 0
        plan = None
        if name in ("__getitem__", "select") and args and args[0] is output and output.dim() == 3:
            plan = index_plan(name, args[1:], kwargs, 3)
        if plan is None or set(plan[1]) != {time}:
            call.backward_used = True  # the output as a whole, or one sample of it
            return
        position, steps = plan[1][time], output.shape[time]
        both_halves = isinstance(result, torch.Tensor) and result.shape[-1] == output.shape[-1]
        if position % steps == 0:
            call.backward_used = True  # the first step holds the backward direction's summary
        elif position == -1 and both_halves and call.last_step_at is None:
            call.last_step_at, call.last_step = user_place(), result

    def _judge_directions(self, model: nn.Module, output: Any) -> None:
        """At the end of a top-level call: the watched calls that used only the backward direction of
        their last layer, unless their results leave the call (returned, or kept in an attribute)."""
        calls, self._state.bidirectional = self._state.bidirectional, []
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
                self._state.declared_violations.append(finding)
        for call, place in last_steps:
            if kept.isdisjoint(map(id, (call.output, *call.stand_ins, *call.states))):
                out = call.output
                roles = ("batch", "time", "feat") if call.rnn.batch_first else ("time", "batch", "feat")
                finding = BackwardLastStep.finding(
                    place,
                    self._name(call.rnn),
                    type(call.rnn).__name__,
                    call.where,
                    tensor_words(dtype(out), tuple(out.shape), roles),
                    call.rnn.batch_first,
                    call.rnn.hidden_size,
                )
                self._state.declared_violations.append(finding)

    def _observe_return(self, model: nn.Module, output: torch.Tensor) -> None:
        """Keep a returned tensor whose ``forward`` declares its layout (``-> Float[Tensor, "batch seq tags"]``)."""
        if type(model) not in _RETURNS:
            _RETURNS[type(model)] = declared_return(type(model))
        declared = _RETURNS[type(model)]
        labels = self._get(output)
        if declared is None or labels is None or declared[2] in self._state.returns:
            return
        spec, roles, place = declared
        axes = tuple(label.single() if label is not None else None for label in labels)
        seen = DeclaredReturn(place, self._name(model), spec, roles, axes, tuple(output.shape), dtype(output))
        self._state.returns[place] = seen

    def _observe_product(self, name: str, args: Any) -> None:
        """``torch.bmm(outputs, hidden)``: each operand pairs its rows with the other's, sample by sample."""
        for tensor in args[:2]:
            labels = self._get(tensor) if isinstance(tensor, torch.Tensor) else None
            if labels is not None:
                self._state.observations.append(Observation("product", user_place(), f"torch.{name}", labels))

    def _observe_loss(self, name: str, args: Any) -> None:
        for tensor in args[:2]:
            labels = self._get(tensor) if isinstance(tensor, torch.Tensor) else None
            if labels is not None:
                self._state.observations.append(Observation("loss", user_place(), name, labels))
        target = args[1] if len(args) > 1 else None
        if isinstance(target, torch.Tensor) and target.dim() == 1 and self._get(target) is None:
            # One target per sample (a classifier): its length is the batch size of the last inputs.
            self._state.evidence.saw_targets(target.shape[0])

    def observe_pack(self, data: torch.Tensor, lengths: Any, batch_first: bool) -> None:
        """Called for ``pack_padded_sequence``: which labelled axis it was told is the batch."""
        labels = self._get(data)
        if labels is None or data.dim() < 2:
            return
        count = len(lengths) if hasattr(lengths, "__len__") else None
        if count is not None:
            self._state.evidence.saw_batch_size(labels[:2], count, data.shape[:2])
        self._state.last_pack = (labels[0], labels[1]) if batch_first else (labels[1], labels[0])
        place = user_place()
        self._state.observations.append(Observation("pack", place, "pack_padded_sequence", labels, batch_first))
        batch, time = self._state.last_pack
        origin = batch.single() if batch is not None else None
        padding = self._state.token_padding.get(origin) if origin is not None else None
        time_size = data.shape[0 if not batch_first else 1]
        # Only when the packed steps are the tokens' own steps (not windows, not a shifted sequence).
        same_steps = padding is not None and time == padding.time and time_size == padding.time_size
        if padding is not None and count is not None and same_steps:
            self._state.busy = True
            try:
                told = sorted(int(n) for n in lengths)
            finally:
                self._state.busy = False
            self._state.packs.append(PackedLengths(place, origin, padding, told))  # type: ignore[arg-type]

    def _name(self, module: nn.Module) -> str:
        return self._state.names.get(id(module), type(module).__name__)

    # ------------------------------------------------------------ findings

    @property
    def findings(self) -> list[Finding]:
        """What the run showed, judged with everything the run taught about which axis is the batch."""
        state, roles = self._state, self._state.evidence.roles()
        found: dict[tuple[str, str], Finding] = {}
        judged = [
            finding for observation in state.observations for finding in judge(observation, roles, state.last_picks)
        ]
        lengths = (
            LengthsMismatch.finding(pack)
            for pack in state.packs
            if roles.get(pack.batch) == "batch" and (pack.tokens.left or pack.tokens.counts != pack.lengths)
        )
        initial_states = (
            BatchFirstState.finding(seen.where, seen.rnn, seen.axis, tensor_words(seen.dtype, seen.shape))
            for seen in state.initial_states.values()
            if roles.get(seen.axis) == "batch"
        )
        # An RNN that ran along the batch swaps batch and time in all that follows: its finding says where.
        swapped = any(finding.code == BatchTimeSwap.code for finding in judged)
        returns = (
            DeclaredLayoutViolation.returned(seen.where, seen.model, seen.declared, kept_tensor_words(seen, roles))
            for seen in state.returns.values()
            if not swapped and returns_swapped(seen, roles)
        )
        for finding in (*state.declared_violations, *judged, *lengths, *initial_states, *returns):
            found.setdefault((finding.code, f"{finding.path}:{finding.line}"), finding)
        if any(code != BatchDependence.code for code, _ in found):
            # The probe is the last resort: when the axes already say where samples mix, it adds nothing.
            found = {key: finding for key, finding in found.items() if key[0] != BatchDependence.code}
        return sorted(as_written(list(found.values())))


def trace(
    model: nn.Module | None = None,
    *,
    layouts: dict[str, str] | None = None,
    provenance: bool = True,
    first_n_steps: int | None = None,
    probe: bool = True,
) -> Tracer:
    """Follow the batch and time axes through a real run.

    ``with shapelint.trace() as tr:`` traces every module; ``shapelint.trace(model)`` one
    model; either also works as a decorator. ``layouts`` declares the layout of top-level
    inputs by argument name (``{"tokens": "batch seq"}``; ``"x[0]"`` for a tensor inside a
    tuple argument ``x``), as a jaxtyping annotation on ``forward`` would. ``provenance=False``
    keeps only the module hooks (no op-level tracking: cheaper, sees only what flows straight
    between modules). ``first_n_steps`` detaches the tracer after that many top-level calls.
    ``probe`` (on by default) runs each top-level model twice more on its first call, with one
    sample's tokens changed, to see whether samples leak into each other. ``tr.findings`` lists what was found.
    """
    return Tracer(model, layouts=layouts, provenance=provenance, first_n_steps=first_n_steps, probe=probe)


def _sizes_coincide(inputs: list[torch.Tensor], module: nn.Module) -> bool:
    """Two axes of an input of the same size (more than one), or a leading axis as long as an RNN of
    the model has layers * directions: layouts that sizes cannot tell apart."""
    for value in inputs:
        sizes = [size for size in value.shape if size > 1]
        if len(sizes) != len(set(sizes)):
            return True
    stacks = {sub.num_layers * (2 if sub.bidirectional else 1) for sub in module.modules() if isinstance(sub, _RNNS)}
    return any(value.shape[0] in stacks and value.shape[0] > 1 for value in inputs)


def _one_short(args: tuple[Any, ...], size: int) -> tuple[Any, ...] | None:
    """The arguments with one row fewer wherever axis 0 has ``size`` rows (the tokens, their lengths,
    a mask), and inside tuple or list arguments; None when that leaves nothing (one row)."""
    if size < 2:
        return None

    def short(value: Any) -> Any:
        if isinstance(value, torch.Tensor) and value.dim() > 0 and value.shape[0] == size:
            return value[: size - 1].clone()
        if isinstance(value, (tuple, list)):
            return type(value)(short(item) for item in value)
        return value

    return tuple(short(value) for value in args)


def _reordered(labels: Labels, dim: int) -> Labels:
    """The labels after the positions along ``dim`` were permuted (``x[idx]``, ``index_select``) by the
    user's code; torch's own reorders come in pairs that cancel (a pack sorts, its unpack sorts back)."""
    if called_by_torch():
        return labels
    here = user_place()
    return tuple(replace(label, reordered_at=here) if i == dim and label else label for i, label in enumerate(labels))


class _Inert:
    """What a mode left under another one after detaching reports to: nothing."""

    def _after_op(self, *args: object) -> None:
        return None


_INERT: Any = _Inert()
