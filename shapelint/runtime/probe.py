"""The last-resort check: does changing one sample's tokens change another sample's output?

Run once, on a model's first traced call: the model is run again in eval mode without
gradients, with sample 0 of its token input changed along each of the first two axes.
A model that keeps samples apart changes its output only at one index of some output
axis for one of them (index 0, or where a sort for packing put sample 0); a model that
mixes samples changes more for both.

The probe runs ``forward`` without anyone's hooks, and afterwards puts back every
attribute binding of every submodule (``self.hidden = ...`` in a stateful forward), the
training flags and the random state. What it cannot undo is a forward that mutates
objects in place or has effects outside the model: switch the probe off for those.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import torch
from torch import nn

from shapelint.runtime.isolation import isolated
from shapelint.runtime.threads import own_threads


def token_input(args: tuple[Any, ...]) -> int | None:
    """Position of the first (batch, seq)-like integer argument with both sizes above 1."""
    for index, value in enumerate(args):
        if (
            isinstance(value, torch.Tensor)
            and value.dim() == 2
            and not value.is_floating_point()
            and value.dtype != torch.bool
            and min(value.shape) > 1
        ):
            return index
    return None


def mixes_samples(model: nn.Module, args: tuple[Any, ...], position: int, keep: frozenset[int]) -> bool | None:
    """True when sample 0's tokens leak into other samples along both axes; None when it cannot tell.
    ``keep``: the ids of the hooks that stay (the tracers', which ignore their own runs)."""
    tokens = args[position]

    def run(inputs: tuple[Any, ...]) -> list[torch.Tensor]:
        # Each run from the same state: a stateful forward must not feed one run into the next.
        with isolated(model, keep), torch.no_grad(), torch.random.fork_rng(devices=[]), own_threads():
            return list(tensors_in(model(*inputs)))

    try:
        base = run(args)
        separable = []
        for axis in (0, 1):
            changed = tokens.clone()
            sample = changed.select(axis, 0)
            sample.copy_((sample + 1) % (int(tokens.max()) + 1))
            outputs = run((*args[:position], changed, *args[position + 1 :]))
            verdict = _only_one_sample_changed(base, outputs, tokens.shape[axis])
            if verdict is None:
                return None
            separable.append(verdict)
    except Exception:  # a model that cannot run this way is not judged
        return None
    return not any(separable)


def _only_one_sample_changed(base: list[torch.Tensor], probed: list[torch.Tensor], batch: int) -> bool | None:
    """Whether, in every output with an axis of the batch's size, changes sit at one index of such an axis.

    Index 0, or another one: a model that sorts its batch by length for packing may return an output
    in the sorted order, which permutes the samples but does not mix them.
    """
    judged = False
    for before, after in zip(base, probed):
        if before.shape != after.shape or not before.is_floating_point():
            continue
        candidates = [dim for dim, size in enumerate(before.shape) if size == batch]
        if not candidates:
            continue
        judged = True
        changed = before != after
        if not any(_rows_changed(changed, dim) <= 1 for dim in candidates):
            return False
    return True if judged else None


def _rows_changed(changed: torch.Tensor, dim: int) -> int:
    """How many indices along ``dim`` hold a change."""
    others = [d for d in range(changed.dim()) if d != dim]
    return int(changed.any(dim=others).sum()) if others else int(changed.sum())


def tensors_in(value: Any) -> Iterator[torch.Tensor]:
    """The tensors in a value that may be a tensor or (nested) tuples and lists of them."""
    if isinstance(value, torch.Tensor):
        yield value
    elif isinstance(value, (tuple, list)):
        for item in value:
            yield from tensors_in(item)
