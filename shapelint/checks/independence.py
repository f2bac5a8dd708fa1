"""Does output sample i depend on input sample j != i?"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import torch
from torch import nn

from shapelint.checks.result import CheckError, CheckResult
from shapelint.checks.running import batch_axis_of, evaluating, output_of


def batch_independence(
    model: nn.Module,
    *inputs: Any,
    batch_dim: int = 0,
    output_batch_dim: int | None = None,
    tolerance: float = 1e-7,
    trace: bool = False,
) -> CheckResult:
    """Whether each output sample depends only on its own input sample.

    Uses autograd: the gradient of sample i's outputs with respect to the other samples'
    embeddings (the output of the model's first ``nn.Embedding``, or the floating inputs),
    which a correct model keeps at exactly zero, for any sizes, batch == seq included.
    Without a floating path it changes one sample's tokens at a time instead. ``batch_dim``
    is the batch axis of the inputs; the output's is found by size unless given. With
    ``trace=True`` the model runs under shapelint's runtime tracer, and a failure also says
    where samples mix: the tracer's findings, with the module and ``file:line``.
    """
    first = inputs[0] if inputs else None
    if not isinstance(first, torch.Tensor) or not -first.dim() <= batch_dim < first.dim():
        raise CheckError(f"batch_dim={batch_dim} is not an axis of the first input")
    batch = first.shape[batch_dim]
    with evaluating(model), _traced(model, trace) as where:
        embedding = next((m for m in model.modules() if isinstance(m, nn.Embedding)), None)
        if embedding is not None and not first.is_floating_point():
            leaks = _gradient_leaks(model, inputs, embedding, batch_dim, output_batch_dim, batch)
        elif first.is_floating_point():
            leaks = _gradient_leaks(model, inputs, None, batch_dim, output_batch_dim, batch)
        else:
            leaks = _perturbation_leaks(model, inputs, batch_dim, output_batch_dim, batch)
    significant = [(i, j, amount) for i, j, amount in leaks if amount > tolerance]
    details = tuple(
        f"sample {i}'s output depends on sample {j}'s input ({amount:.3g})" for i, j, amount in significant[:10]
    )
    if len(significant) > 10:
        details += (f"... and {len(significant) - 10} more pairs",)
    if significant:
        details += tuple(f"where: {place}" for place in where)
    return CheckResult("batch independence", not significant, details)


@contextmanager
def _traced(model: nn.Module, trace: bool) -> Iterator[list[str]]:
    """The tracer's findings, ``path:line: CODE message``, once the block is done (none without ``trace``)."""
    where: list[str] = []
    if not trace:
        yield where
        return
    from shapelint.runtime.tracer import trace as tracing  # the checks need no tracer unless asked

    with tracing(model, probe=False) as tracer:
        yield where
    where += [f"{finding.path}:{finding.line}: {finding.code} {finding.message}" for finding in tracer.findings]


def _gradient_leaks(
    model: nn.Module,
    inputs: tuple[Any, ...],
    embedding: nn.Embedding | None,
    batch_dim: int,
    output_batch_dim: int | None,
    batch: int,
) -> list[tuple[int, int, float]]:
    captured: list[torch.Tensor] = []
    # Fresh leaves, fed as copies: a model may change its inputs in place, which a leaf forbids.
    leaves = tuple(x.detach().clone().requires_grad_(True) if _floating(x) else x for x in inputs)

    def keep(_module: nn.Module, _args: Any, out: torch.Tensor) -> None:
        out.retain_grad()
        captured.append(out)

    handle = embedding.register_forward_hook(keep) if embedding is not None else None
    try:
        with torch.enable_grad():
            output = output_of(model, *(leaf.clone() if _floating(leaf) else leaf for leaf in leaves))
    finally:
        if handle is not None:
            handle.remove()
    source = captured[0] if captured else leaves[0]
    if not isinstance(source, torch.Tensor) or not source.requires_grad:
        raise CheckError("no floating path from the inputs to the output: nothing to differentiate")
    axis = batch_axis_of(output, batch, output_batch_dim, _fewer(model, inputs, batch_dim))
    leaks = []
    for i in range(batch):
        (grad,) = torch.autograd.grad(output.select(axis, i).sum(), source, retain_graph=True, allow_unused=True)
        if grad is None:
            continue
        for j in range(batch):
            if j != i:
                leaks.append((i, j, float(grad.select(batch_dim, j).abs().sum())))
    return leaks


def _perturbation_leaks(
    model: nn.Module, inputs: tuple[Any, ...], batch_dim: int, output_batch_dim: int | None, batch: int
) -> list[tuple[int, int, float]]:
    tokens = inputs[0]
    with torch.no_grad():
        base = output_of(model, *inputs)
        axis = batch_axis_of(base, batch, output_batch_dim, _fewer(model, inputs, batch_dim))
        leaks = []
        for j in range(batch):
            changed = tokens.clone()
            sample = changed.select(batch_dim, j)
            sample.copy_((sample + 1) % (int(tokens.max()) + 1))
            probed = output_of(model, changed, *inputs[1:])
            for i in range(batch):
                if i != j:
                    leaks.append((i, j, float((probed.select(axis, i) - base.select(axis, i)).abs().sum())))
    return leaks


def _floating(value: Any) -> bool:
    return isinstance(value, torch.Tensor) and value.is_floating_point()


def _fewer(model: nn.Module, inputs: tuple[Any, ...], batch_dim: int) -> Callable[[], torch.Tensor]:
    """The output for the batch without its last sample: the output axis that shrinks with it is the
    batch's, when sizes alone cannot tell (batch == seq_len)."""

    def run() -> torch.Tensor:
        batch = inputs[0].shape[batch_dim]
        smaller = tuple(
            x.narrow(batch_dim, 0, batch - 1).clone()
            if isinstance(x, torch.Tensor) and x.dim() > batch_dim and x.shape[batch_dim] == batch
            else x
            for x in inputs
        )
        with torch.no_grad():
            return output_of(model, *smaller)

    return run
