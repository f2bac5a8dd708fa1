"""Running a model for a check: eval mode, the same random state, errors with context."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import torch
from torch import nn

from shapelint.checks.result import CheckError
from shapelint.runtime.threads import own_threads


@contextmanager
def evaluating(model: nn.Module) -> Iterator[None]:
    """Eval mode (no dropout, batch statistics frozen) for the check; the model's modes come back after."""
    modes = [module.training for module in model.modules()]
    model.eval()
    try:
        with own_threads():
            yield
    finally:
        for module, mode in zip(model.modules(), modes):
            module.training = mode


def output_of(model: nn.Module, *inputs: Any) -> torch.Tensor:
    """The model's first output tensor (a tuple's first element: `out` of `out, hidden`)."""
    try:
        result = model(*inputs)
    except Exception as error:
        raise CheckError(f"the model raised on the check's input: {type(error).__name__}: {error}") from error
    while isinstance(result, (tuple, list)):
        if not result:
            raise CheckError("the model returned an empty sequence")
        result = result[0]
    if not isinstance(result, torch.Tensor):
        raise CheckError(f"the model returned {type(result).__name__}, not a tensor")
    return result


def batch_axis_of(
    output: torch.Tensor, batch: int, given: int | None, fewer: Callable[[], torch.Tensor] | None = None
) -> int:
    """The output's batch axis: as given, or the one axis of the batch's size, or, where several
    have it (batch == seq_len), the one that shrinks when ``fewer`` runs the batch less one sample."""
    if given is not None:
        if not -output.dim() <= given < output.dim() or output.shape[given] != batch:
            raise CheckError(f"output_batch_dim={given} does not have the batch size {batch} in {tuple(output.shape)}")
        return given % output.dim()
    found = [dim for dim, size in enumerate(output.shape) if size == batch]
    if len(found) > 1 and fewer is not None and batch > 1:
        smaller = fewer()
        if smaller.dim() == output.dim():
            found = [dim for dim in found if smaller.shape[dim] == batch - 1]
    if len(found) != 1:
        raise CheckError(
            f"cannot tell the output's batch axis in {tuple(output.shape)} (batch {batch}): pass output_batch_dim"
        )
    return found[0]
