"""The TorchFunctionMode: labels the results of the ops that move axes, and records the ops where
axes matter (a pooling, a softmax, a pack, a matrix product, a loss). Every op itself runs unchanged.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import torch
from torch.overrides import TorchFunctionMode

from shapelint.runtime.axes import FEATURES, Label, Labels, moved, reshaped
from shapelint.runtime.compiled import compiling
from shapelint.runtime.directions import DirectionWatch
from shapelint.runtime.observations import LastPick, Observation, PackedLengths
from shapelint.runtime.ops import aligned_by_size, expanded, index_plan, permutation, squeezed
from shapelint.runtime.padding import PaddingChecks
from shapelint.runtime.places import called_by_torch, source_at, user_ints, user_place
from shapelint.runtime.tensors import dtype

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


class OpMode(TorchFunctionMode):
    """Hands every op the user's code runs, with its result, to the tracer's op follower."""

    def __init__(self, follower: OpFollower) -> None:
        super().__init__()
        self.follower: OpFollower | _Inert = follower

    def __torch_function__(self, func: Any, types: Any, args: Any = (), kwargs: Any = None) -> Any:
        kwargs = kwargs or {}
        result = func(*args, **kwargs)
        if compiling():
            return result  # dynamo is tracing this into a graph: nothing of ours goes in it
        try:
            self.follower._after_op(func, args, kwargs, result)
        except Exception as error:  # a bug of ours must never break the user's run
            self.follower._internal_error(error)
        return result


def leave(mode: OpMode) -> None:
    """Exit ``mode`` in this thread; when another mode was entered on top of it, leave it there, inert."""
    depth = torch._C._len_torch_function_stack()
    if depth and torch._C._get_function_stack_at(depth - 1) is mode:
        mode.__exit__(None, None, None)
    else:
        silence(mode)


def silence(mode: OpMode) -> None:
    """``mode`` stays where it is in its thread's stack, and records nothing more."""
    mode.follower = _Inert()


class _Inert:
    """What a mode left entered after its tracer detached reports to: nothing."""

    def _after_op(self, *args: object) -> None:
        return None

    def _internal_error(self, error: Exception) -> None:
        return None


class OpFollower(PaddingChecks, DirectionWatch):
    """Labels the results of the ops the mode sees, and keeps what the rules judge."""

    def _after_op(self, func: Any, args: Any, kwargs: Any, result: Any) -> None:
        if self._here.bidirectional and not self._here.busy:
            self._observe_directions(func, args, kwargs, result)
        if not self._state.labels or self._here.busy:
            return
        if len(self._here.weighted):
            self._follow_weights(args, result)
        first = args[0] if args else None
        name = getattr(func, "__name__", "")
        if name == "_pack_padded_sequence" and isinstance(first, torch.Tensor) and len(args) >= 3:
            self.observe_pack(first, args[1], bool(args[2]))
        elif name == "_pad_packed_sequence" and isinstance(result, tuple) and self._here.last_pack is not None:
            batch, time = self._here.last_pack
            batch_first = bool(args[2]) if len(args) > 2 else bool(kwargs.get("batch_first", False))
            self._set(result[0], (batch, time, FEATURES) if batch_first else (time, batch, FEATURES))
        labels = self._get(first)
        if labels is not None and name in _POOLS and self._here.pad_mask is not None:
            assert isinstance(first, torch.Tensor)
            self._check_pool(name, first, labels, args[1:], kwargs)  # max returns (values, indices)
        elif labels is not None and name == "softmax" and self._here.pad_mask is not None:
            assert isinstance(first, torch.Tensor) and isinstance(result, torch.Tensor)
            self._check_softmax(first, labels, args[1:], kwargs, result)
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
            here = user_place()
            after = reshaped(labels, tuple(first.shape), tuple(result.shape), here)
            if after is not None and any(label is not None and label.mixed_at == here for label in after):
                user_place(pin=True)
                self._name_sizes(here, labels, tuple(first.shape))
            self._set(result, after)
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
            if called_by_torch():  # a pack sorting its batch by length: the order its lengths come in
                index = kwargs.get("index", args[2] if len(args) > 2 else None)
                self._here.sorted_for_pack = (result, index) if isinstance(index, torch.Tensor) else None
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

    def _name_sizes(self, here: str, labels: Labels, shape: tuple[int, ...]) -> None:
        """The names the user bound to the sizes of the axes a view mixes and passed to it
        (``batch_size, seq_len = tokens.shape`` then ``view(seq_len, batch_size, -1)``), for its finding
        to say which axis the user took each for."""
        text = source_at(here)
        if text is None:
            return
        bound = user_ints()
        for label, size in zip(labels, shape):
            origin = label.single() if label is not None else None
            named = [name for name, value in bound.items() if value == size and re.search(rf"\b{name}\b", text)]
            if origin is not None and len(named) == 1:
                self._state.size_names.setdefault((here, origin), named[0])

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
            if self._here.pad_mask is not None and self._here.pad_mask.time == axis:
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
        self._here.last_pack = (labels[0], labels[1]) if batch_first else (labels[1], labels[0])
        place = user_place()
        self._state.observations.append(Observation("pack", place, "pack_padded_sequence", labels, batch_first))
        batch, time = self._here.last_pack
        origin = batch.single() if batch is not None else None
        padding = self._here.token_padding.get(origin) if origin is not None else None
        time_size = data.shape[0 if not batch_first else 1]
        # Only when the packed steps are the tokens' own steps (not windows, not a shifted sequence).
        same_steps = padding is not None and time == padding.time and time_size == padding.time_size
        if batch is not None and time is not None and isinstance(lengths, torch.Tensor):
            self._padding_from_lengths(data, lengths, batch, time, 1 if batch_first else 0)
        if padding is not None and count is not None and same_steps:
            self._here.busy = True
            try:
                told = sorted(int(n) for n in lengths)
            finally:
                self._here.busy = False
            self._state.packs.append(PackedLengths(place, origin, padding, told))  # type: ignore[arg-type]


def _reordered(labels: Labels, dim: int) -> Labels:
    """The labels after the positions along ``dim`` were permuted (``x[idx]``, ``index_select``) by the
    user's code; torch's own reorders come in pairs that cancel (a pack sorts, its unpack sorts back)."""
    if called_by_torch():
        return labels
    here = user_place()
    return tuple(replace(label, reordered_at=here) if i == dim and label else label for i, label in enumerate(labels))
