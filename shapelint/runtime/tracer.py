"""The tracer: module hooks and a TorchFunctionMode that follow data axes through a real run.

It never changes a computation: every op runs as called, and the tracer only reads
shapes and records what it saw. Findings are worked out when asked for, once the run
has shown which input axis is the batch.
"""

from __future__ import annotations

import functools
import inspect
import os
import sys
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

import torch
from torch import nn
from torch.overrides import TorchFunctionMode
from torch.utils.weak import WeakTensorKeyDictionary

from shapelint.findings import Finding
from shapelint.runtime.axes import FEATURES, Label, Labels, Origin, moved, reshaped
from shapelint.runtime.evidence import Evidence
from shapelint.runtime.probe import mixes_samples, tensors_in, token_input
from shapelint.runtime.rules.batch_dependence import BatchDependence
from shapelint.runtime.rules.batch_time_swap import BatchTimeSwap
from shapelint.runtime.rules.declared_layout_violation import DeclaredLayoutViolation, summarise
from shapelint.runtime.rules.layers_as_batch import LayersAsBatch
from shapelint.runtime.rules.lengths_mismatch import LengthsMismatch
from shapelint.runtime.rules.mixed_axes import MixedAxes
from shapelint.runtime.rules.pack_batch_first import PackBatchFirst
from shapelint.runtime.rules.padding_leak import PaddingLeak
from shapelint.runtime.rules.unused_direction import UnusedDirection
from shapelint.static.knowledge import DIMENSION_ROLES

_RNNS = (nn.RNNBase,)
_HERE = str(Path(__file__).resolve().parent.parent)  # the shapelint package
_REFERENCE_MODELS = os.path.join(_HERE, "reference", "models")  # inside the package, but written as user code
_TORCH = str(Path(torch.__file__).resolve().parent)
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
# Ops that read only a tensor's metadata, not its values: no use of an RNN's result.
_METADATA = {"size", "dim", "numel", "__len__", "stride", "is_contiguous"}
F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Observation:
    """Labels seen where they matter: an RNN's input, a Linear's, a loss's, a model output, a pack."""

    kind: str  # "rnn", "linear", "loss", "output", "pack"
    where: str
    module: str
    labels: Labels
    batch_first: bool | None = None


@dataclass(frozen=True)
class TokenPadding:
    """Per sample (if this axis is the batch): how many real tokens, and whether padding comes first."""

    counts: list[int]
    left: bool
    time: Label
    time_size: int


@dataclass(frozen=True)
class PackedLengths:
    """The lengths a ``pack_padded_sequence`` was given, beside what the tokens show."""

    where: str
    batch: Origin
    tokens: TokenPadding
    lengths: list[int]


@dataclass(frozen=True)
class PadMask:
    """The real (not padding) tokens of the last padded batch, samples as rows."""

    batch: Origin
    time: Origin
    real: torch.Tensor


@dataclass
class _BidirectionalCall:
    """One call of a bidirectional RNN within the current top-level call, and what of its results
    the model has used so far: rows of ``h_n``/``c_n`` read one by one, or something wholesale."""

    rnn: nn.RNNBase
    where: str
    states: tuple[torch.Tensor, ...]  # h_n, and c_n for an LSTM
    output: torch.Tensor  # a PackedSequence's data when packed
    rows_read: set[int] = field(default_factory=set)
    whole: bool = False  # the output, or a state as a whole, reached an op
    last_row_at: str | None = None  # where h_n's last row (the backward direction) was first read


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
    pad_mask: PadMask | None = None
    errors: list[str] = field(default_factory=list)
    token_padding: dict[Origin, TokenPadding] = field(default_factory=dict)
    packs: list[PackedLengths] = field(default_factory=list)
    last_pack: tuple[Label | None, Label | None] | None = None  # (batch, time) as the last pack was told
    bidirectional: list[_BidirectionalCall] = field(default_factory=list)  # in the current top-level call


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
        if not isinstance(result, torch.Tensor):
            return
        if name in ("cat", "concat", "stack") and isinstance(first, (list, tuple)):
            self._after_concat(name, first, args, kwargs, result)
            return
        if name in _LOSSES:
            self._observe_loss(name, args)
        if labels is None:
            return
        assert isinstance(first, torch.Tensor)
        if name in _RESHAPES:
            self._set(result, reshaped(labels, tuple(first.shape), tuple(result.shape), _user_place()))
        elif name in ("transpose", "swapaxes", "swapdims", "permute", "movedim", "moveaxis", "t"):
            order = _permutation(first, result, name, args[1:], kwargs)
            if order is not None:
                self._set(result, moved(labels, order, _user_place()))
        elif name == "squeeze":
            self._set(result, _squeezed(labels, tuple(first.shape), args[1:], kwargs))
        elif name in ("__getitem__", "select", "unsqueeze"):
            kept = _indexed(labels, name, args[1:], kwargs, first.dim())
            self._set(result, _note_dropped(labels, kept, _user_place) if kept is not None else None)
        elif name == "unfold" and result.dim() == first.dim() + 1:
            # The unfolded axis keeps its role (one window per step); each window's steps are a sample's features.
            self._set(result, (*labels, FEATURES))
        elif name in ("narrow", "expand"):
            self._set(result, _aligned_by_size(labels, tuple(first.shape), tuple(result.shape)))
        elif name in ("linear", "matmul", "__matmul__"):
            self._set(result, (*labels[:-1], FEATURES))
        elif tuple(result.shape) == tuple(first.shape):
            self._set(result, labels)  # element-wise

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
        if state.depth == 1:
            self._label_inputs(module, args)
            self._check_declared(module, args)
            if self.probe and id(module) not in state.probed:
                state.probed.add(id(module))
                self._probe(module, args)
        if isinstance(module, _RNNS) and args:
            self._observe_rnn(module, args)
        elif isinstance(module, nn.Linear) and args and isinstance(args[0], torch.Tensor):
            labels = self._get(args[0])
            if labels is not None:
                state.observations.append(Observation("linear", _user_place(), self._name(module), labels))

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
        elif isinstance(module, _RNNS) and args:
            self._label_rnn_outputs(module, args[0], output)
            # A top-level RNN's results all go back to the caller, and without the mode no op is seen.
            if module.bidirectional and state.depth > 0 and self._mode is not None:
                self._watch_directions(module, output)
        if state.depth == 0:
            if state.bidirectional:
                self._judge_directions(module, output)
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
        positions = {label.single(): i for i, label in enumerate(labels) if label is not None and label.single()}
        if labels[dim] is None or labels[dim].single() != mask.time or mask.batch not in positions:  # type: ignore[union-attr]
            return
        batch = positions[mask.batch]
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
            self._state.declared_violations.append(PaddingLeak.finding(_user_place(), name, mask.time))

    def _padding_evidence(self, tokens: torch.Tensor, pad: int, labels: Labels) -> None:
        """In a padded batch each sample is real tokens then padding (or the reverse): the axis
        whose rows look like that is the batch."""
        for label in labels[:2]:
            if label is not None and (origin := label.single()) is not None:
                self._state.token_padding.pop(origin, None)  # a new batch: forget the last one's padding
        self._state.busy = True
        try:
            real = (tokens != pad).int()
            if bool(real.all()):
                return  # no padding: nothing to see
            samples = [real, real.t()]  # rows are samples if the batch is axis 0, or axis 1
            padded_rows = [_rows_are_padded_sequences(rows) for rows in samples]
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
                self._state.pad_mask = PadMask(sample, step, samples[batch].bool())
        for batch, label in enumerate(labels[:2]):
            origin, time = (label.single() if label is not None else None), labels[1 - batch]
            if origin is not None and time is not None:
                padded_left = left[batch] and padded_rows[batch]
                self._state.token_padding[origin] = TokenPadding(
                    counts[batch], padded_left, time, tokens.shape[1 - batch]
                )

    def _declared_batch_axis(self, labels: Labels) -> int | None:
        """Which of these axes a declared layout names the batch, if one does."""
        declared = self._state.evidence.declared
        origins = [label.single() if label is not None else None for label in labels]
        roles = [declared.get(origin) if origin is not None else None for origin in origins]
        return roles.index("batch") if roles.count("batch") == 1 else None

    def _label_inputs(self, module: nn.Module, args: tuple[Any, ...]) -> None:
        """Each dimension of each tensor argument of a top-level call is a data axis of its own."""
        names = _parameter_names(module, len(args))
        for name, value in zip(names, args):
            if isinstance(value, torch.Tensor) and value.dim() > 0 and value not in self._state.labels:
                origins = tuple(Origin(name, dim) for dim in range(value.dim()))
                self._state.labels[value] = tuple(Label((origin,)) for origin in origins)
                self._state.evidence.saw_sizes(name, tuple(value.shape))
                self._declare(module, name, origins)

    def _declare(self, module: nn.Module, name: str, origins: tuple[Origin, ...]) -> None:
        """``layouts={"tokens": "batch seq"}`` or a jaxtyping annotation on ``forward``."""
        spec = self.layouts.get(name) or _annotation_dims(module, name)
        if spec is None:
            return
        dims = spec.split()
        if len(dims) != len(origins):
            return
        for origin, dim in zip(origins, dims):
            role = DIMENSION_ROLES.get(dim.strip("_?").lower())
            if role is not None and role.value in ("batch", "time"):
                self._state.evidence.declare(origin, role.value)

    def _probe(self, module: nn.Module, args: tuple[Any, ...]) -> None:
        position = token_input(args)
        if position is None:
            return
        place = _user_place()
        self._state.busy = True
        try:
            mixed = mixes_samples(module, args, position)
        finally:
            self._state.busy = False
        if mixed:
            source = _parameter_names(module, len(args))[position]
            self._state.declared_violations.append(BatchDependence.finding(place, self._name(module), source))

    def _check_declared(self, module: nn.Module, args: tuple[Any, ...]) -> None:
        """Run the jaxtyping annotations of ``forward`` through beartype; a violation is a finding."""
        if type(module) not in _CHECKERS:
            _CHECKERS[type(module)] = _declared_checker(type(module))
        checker = _CHECKERS[type(module)]
        if checker is None:
            return
        self._state.busy = True
        try:
            checker(*args)
        except Exception as error:  # jaxtyping's TypeCheckError and beartype's violations
            problem = summarise(str(error))
            self._state.declared_violations.append(
                DeclaredLayoutViolation.finding(_user_place(), self._name(module), problem)
            )
        finally:
            self._state.busy = False

    def _observe_rnn(self, module: nn.RNNBase, args: tuple[Any, ...]) -> None:
        given = args[0]
        if isinstance(given, torch.Tensor) and given.dim() == 3:
            labels = self._get(given)
            if labels is not None:
                place = _user_place()
                self._state.observations.append(
                    Observation("rnn", place, self._name(module), labels, module.batch_first)
                )
                hidden = args[1] if len(args) > 1 else None
                state = hidden[0] if isinstance(hidden, tuple) else hidden
                if isinstance(state, torch.Tensor) and state.dim() == 3:
                    self._state.evidence.saw_batch_size(labels[:2], state.shape[1], given.shape[:2])

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
            self._state.bidirectional.append(_BidirectionalCall(module, _user_place(), states, data))

    def _observe_directions(self, func: Any, args: Any, kwargs: Any, result: Any) -> None:
        """Which results of the watched bidirectional RNN calls this op uses."""
        name = getattr(func, "__name__", "")
        if name in _METADATA or (name == "__get__" and not isinstance(result, torch.Tensor)):
            return  # `.shape`, `.size(0)`, `.dtype` read no values
        given = {id(tensor) for tensor in _held((args, kwargs))}
        for call in self._state.bidirectional:
            if call.whole:
                continue
            if id(call.output) in given:
                call.whole = True
                continue
            for position, state in enumerate(call.states):
                if id(state) not in given:
                    continue
                rows = _rows_indexed(state, name, args)
                if rows is None:
                    call.whole = True
                    break
                call.rows_read |= rows
                if position == 0 and state.shape[0] - 1 in rows and call.last_row_at is None:
                    call.last_row_at = _user_place()

    def _judge_directions(self, model: nn.Module, output: Any) -> None:
        """At the end of a top-level call: the watched calls that used only the backward direction of
        their last layer, unless their results leave the call (returned, or kept in an attribute)."""
        calls, self._state.bidirectional = self._state.bidirectional, []
        suspects = [
            (call, call.last_row_at)
            for call in calls
            if call.last_row_at is not None and not call.whole and call.states[0].shape[0] - 2 not in call.rows_read
        ]
        if not suspects or output is None:
            return  # None: the forward raised (or keeps its results where the tracer cannot see)
        kept = {id(tensor) for tensor in _held(output)}
        kept.update(id(tensor) for submodule in model.modules() for tensor in _held(vars(submodule)))
        for call, place in suspects:
            if kept.isdisjoint(map(id, (call.output, *call.states))):
                h_n = call.states[0]
                finding = UnusedDirection.finding(
                    place,
                    self._name(call.rnn),
                    type(call.rnn).__name__,
                    call.where,
                    tuple(h_n.shape),
                    str(h_n.dtype).removeprefix("torch."),
                )
                self._state.declared_violations.append(finding)

    def _observe_loss(self, name: str, args: Any) -> None:
        for tensor in args[:2]:
            labels = self._get(tensor) if isinstance(tensor, torch.Tensor) else None
            if labels is not None:
                self._state.observations.append(Observation("loss", _user_place(), name, labels))
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
        place = _user_place()
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
        roles = self._state.evidence.roles()
        found: dict[tuple[str, str], Finding] = {}
        judged = (finding for observation in self._state.observations for finding in _judge(observation, roles))
        lengths = (
            LengthsMismatch.finding(pack)
            for pack in self._state.packs
            if roles.get(pack.batch) == "batch" and (pack.tokens.left or pack.tokens.counts != pack.lengths)
        )
        for finding in (*self._state.declared_violations, *judged, *lengths):
            found.setdefault((finding.code, f"{finding.path}:{finding.line}"), finding)
        if any(code != BatchDependence.code for code, _ in found):
            # The probe is the last resort: when the axes already say where samples mix, it adds nothing.
            found = {key: finding for key, finding in found.items() if key[0] != BatchDependence.code}
        return sorted(found.values())


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
    inputs by argument name (``{"tokens": "batch seq"}``), as a jaxtyping annotation on
    ``forward`` would. ``provenance=False`` keeps only the module hooks (no op-level
    tracking: cheaper, sees only what flows straight between modules). ``first_n_steps``
    detaches the tracer after that many top-level calls. ``probe`` (on by default) runs each
    top-level model twice more on its first call, with one sample's tokens changed, to see
    whether samples leak into each other. ``tr.findings`` lists what was found.
    """
    return Tracer(model, layouts=layouts, provenance=provenance, first_n_steps=first_n_steps, probe=probe)


class _Inert:
    """What a mode left under another one after detaching reports to: nothing."""

    def _after_op(self, *args: object) -> None:
        return None


_INERT: Any = _Inert()


def _judge(observation: Observation, roles: dict[Origin, str]) -> Iterator[Finding]:
    """The findings one observation supports, given the roles known for data axes."""
    for label in observation.labels:
        if label is not None and label.mixed and _crosses_data_axes(label):
            yield MixedAxes.finding(observation, label, roles)
            return
    if observation.kind == "rnn" and observation.batch_first is not None:
        time_slot = 1 if observation.batch_first else 0
        for slot, expected in ((time_slot, "time"), (1 - time_slot, "batch")):
            label = observation.labels[slot]
            origin = label.single() if label is not None else None
            if origin is not None and roles.get(origin) not in (None, expected):
                yield BatchTimeSwap.finding(observation, label, origin, roles[origin])  # type: ignore[arg-type]
                return
    if observation.kind in ("linear", "loss"):
        for label in observation.labels[:1]:
            origin = label.single() if label is not None else None
            if origin is not None and origin.dim < 0:
                yield LayersAsBatch.finding(observation, label)  # type: ignore[arg-type]
                return
    if observation.kind == "pack" and observation.batch_first is not None:
        batch_slot = 0 if observation.batch_first else 1
        label = observation.labels[batch_slot]
        origin = label.single() if label is not None else None
        if origin is not None and roles.get(origin) == "time":
            yield PackBatchFirst.finding(observation, origin)


def _held(value: Any, depth: int = 3) -> Iterator[torch.Tensor]:
    """The tensors in a value and in the tuples, lists, dicts and plain objects (a dataclass
    output) in it, a few levels deep; modules are left to the caller."""
    if isinstance(value, torch.Tensor):
        yield value
    elif depth and isinstance(value, (tuple, list)):
        for item in value:
            yield from _held(item, depth - 1)
    elif depth and isinstance(value, dict):
        for item in value.values():
            yield from _held(item, depth - 1)
    elif depth and hasattr(value, "__dict__") and not isinstance(value, nn.Module):
        yield from _held(vars(value), depth - 1)


def _rows_indexed(state: torch.Tensor, name: str, args: Any) -> set[int] | None:
    """The rows of ``state`` that ``state[i]``, ``state[i, ...]`` or ``state[a:b]`` reads; None for any
    other use of it (a view, a cat, an index by tensor), which the caller counts as using all of it."""
    if name != "__getitem__" or len(args) != 2 or args[0] is not state:
        return None
    index = args[1]
    first = index[0] if isinstance(index, tuple) and index else index
    count = state.shape[0]
    if isinstance(first, int) and not isinstance(first, bool) and -count <= first < count:
        return {first % count}
    if isinstance(first, slice):
        try:
            return set(range(count)[first])
        except (TypeError, ValueError):
            return None
    return None


def _rows_are_padded_sequences(real: torch.Tensor) -> bool:
    """Every row of the 0/1 mask is ones then zeros, or zeros then ones."""
    steps = real[:, 1:] - real[:, :-1]
    return bool((steps <= 0).all()) or bool((steps >= 0).all())


def _crosses_data_axes(label: Label) -> bool:
    return len({origin for origin in label.origins}) >= 2


def _note_dropped(before: Labels, after: Labels, place: Callable[[], str]) -> Labels:
    """When an op drops a data axis (indexing it away), the axes left remember where."""
    lost = {label for label in before if label is not None and label.origins} - set(after)
    if not lost:
        return after
    here = place()
    return tuple(replace(label, moved_at=here) if label is not None and label.origins else label for label in after)


def _indexed(labels: Labels, name: str, rest: tuple[Any, ...], kwargs: dict[str, Any], rank: int) -> Labels | None:
    """Labels after indexing (``t[...]``), ``select``, ``squeeze(dim)`` or ``unsqueeze(dim)``."""
    values = [*rest, *kwargs.values()]
    try:
        if name == "select":
            dim = int(values[0]) % rank
            return labels[:dim] + labels[dim + 1 :]
        if name == "unsqueeze":
            dim = int(values[0]) % (rank + 1)
            return (*labels[:dim], None, *labels[dim:])
        index = values[0] if isinstance(values[0], tuple) else (values[0],)
    except (TypeError, ValueError, IndexError):
        return None
    if sum(1 for item in index if item is Ellipsis) > 1:
        return None
    expanded: list[Any] = []
    for item in index:
        if item is Ellipsis:
            expanded.extend([slice(None)] * (rank - sum(1 for i in index if i is not Ellipsis and i is not None)))
        else:
            expanded.append(item)
    result: list[Label | None] = []
    position = 0
    for item in expanded:
        if item is None:
            result.append(None)
        elif isinstance(item, bool) or not isinstance(item, (int, slice)):
            return None  # a tensor or a list: advanced indexing
        elif isinstance(item, int):
            position += 1
        else:
            result.append(labels[position] if position < rank else None)
            position += 1
    result.extend(labels[position:])
    return tuple(result)


def _squeezed(labels: Labels, shape: tuple[int, ...], rest: tuple[Any, ...], kwargs: dict[str, Any]) -> Labels | None:
    """``squeeze()`` drops every size-1 dim, ``squeeze(d)`` (or a tuple of dims) only those, if size 1."""
    values = [*rest, *kwargs.values()]
    try:
        dims = values[0] if values else None
        chosen = (
            set(range(len(shape)))
            if dims is None
            else {int(d) % len(shape) for d in (dims if isinstance(dims, (tuple, list)) else [dims])}
        )
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    return tuple(label for i, (label, size) in enumerate(zip(labels, shape)) if not (size == 1 and i in chosen))


def _aligned_by_size(labels: Labels, before: tuple[int, ...], after: tuple[int, ...]) -> Labels | None:
    """Labels for ops that drop or add dims without moving the others (indexing, squeeze, unsqueeze)."""
    kept: list[Label | None] = []
    position = 0
    for size in after:
        while position < len(before) and before[position] != size and before[position] != 1 and size != 1:
            position += 1  # this input dim was indexed away
        if position < len(before) and before[position] == size:
            kept.append(labels[position])
            position += 1
        else:
            kept.append(None)
    return tuple(kept) if len(kept) == len(after) else None


def _permutation(
    first: torch.Tensor, result: torch.Tensor, name: str, rest: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[int, ...] | None:
    rank = first.dim()
    values = [*rest, *kwargs.values()]
    try:
        if name in ("transpose", "swapaxes", "swapdims"):
            a, b = (int(v) % rank for v in values[:2])
            order = list(range(rank))
            order[a], order[b] = order[b], order[a]
            return tuple(order)
        if name == "t":
            return (1, 0) if rank == 2 else (0,)
        if name == "permute":
            dims = values[0] if len(values) == 1 and isinstance(values[0], (list, tuple)) else values
            return tuple(int(d) % rank for d in dims)
        source, destination = (int(v) % rank for v in values[:2])
        order = [i for i in range(rank) if i != source]
        order.insert(destination, source)
        return tuple(order)
    except (TypeError, ValueError):
        return None


def _parameter_names(module: nn.Module, count: int) -> list[str]:
    try:
        parameters = list(inspect.signature(module.forward).parameters.values())
    except (TypeError, ValueError):
        parameters = []
    names = [p.name for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return names[:count] + [f"input{i}" for i in range(len(names), count)]


_CHECKERS: dict[type[nn.Module], Callable[..., None] | None] = {}


def _declared_checker(module_type: type[nn.Module]) -> Callable[..., None] | None:
    """A function with ``forward``'s positional parameters and jaxtyping annotations, checked by
    beartype under ``jaxtyped`` (so a name such as ``batch`` binds across arguments); None when
    ``forward`` declares no shapes or the runtime extra lacks jaxtyping/beartype."""
    try:
        from beartype import beartype
        from jaxtyping import jaxtyped
    except ImportError:
        return None
    forward = module_type.forward
    try:
        hints = typing.get_type_hints(forward)
        parameters = list(inspect.signature(forward).parameters.values())[1:]  # without self
    except Exception:  # annotations that do not evaluate declare nothing we can check
        return None
    names = [p.name for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    declared = {name: hints[name] for name in names if hasattr(hints.get(name), "dim_str")}
    if not declared or not all(name.isidentifier() for name in names):
        return None
    namespace: dict[str, Any] = {}
    # Extra positional arguments, if forward takes *args, are not checked.
    exec(f"def check({', '.join(f'{name}=None' for name in names)}, *_): return None", namespace)
    check = namespace["check"]
    check.__annotations__ = {name: annotation | None for name, annotation in declared.items()}
    checked: Callable[..., None] = jaxtyped(typechecker=beartype)(check)
    return checked


def _annotation_dims(module: nn.Module, name: str) -> str | None:
    """The dimension string of a jaxtyping annotation on ``forward``'s parameter ``name``."""
    try:
        annotation = inspect.signature(module.forward).parameters[name].annotation
    except (KeyError, TypeError, ValueError):
        return None
    if isinstance(annotation, str):  # `from __future__ import annotations`
        try:
            annotation = typing.get_type_hints(module.forward).get(name)
        except Exception:  # an annotation that does not evaluate declares nothing
            return None
    dims = getattr(annotation, "dim_str", None)
    return dims if isinstance(dims, str) else None


def _user_place() -> str:
    """``path:line`` of the innermost frame outside torch and shapelint: the user's code."""
    frame = sys._getframe(1)
    while frame is not None:
        filename = frame.f_code.co_filename
        ours = filename.startswith((_HERE, _TORCH, "<frozen")) and not filename.startswith(_REFERENCE_MODELS)
        if not ours and "contextlib" not in filename:
            try:
                shown = os.path.relpath(filename)
            except ValueError:
                shown = filename
            return f"{shown}:{frame.f_lineno}"
        frame = frame.f_back  # type: ignore[assignment]
    return "?:0"
