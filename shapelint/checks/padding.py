"""Padding must not matter: neither how much there is, nor what it holds, nor the batch around a sample."""

from __future__ import annotations

import torch
from torch import nn

from shapelint.checks.result import CheckError, CheckResult
from shapelint.checks.running import evaluating, output_of

# Batched RNN kernels sum in another order than a batch of one: results agree to about this.
ATOL, RTOL = 1e-5, 1e-4


def padding_invariance(
    model: nn.Module,
    tokens: torch.Tensor,
    lengths: torch.Tensor,
    pad_idx: int,
    *,
    extra: int = 3,
    atol: float = ATOL,
    rtol: float = RTOL,
) -> CheckResult:
    """Whether each sample's output stays the same with ``extra`` more padding steps, and with other tokens
    in its padding. ``tokens`` is ``(batch, seq)`` padded with ``pad_idx`` after ``lengths``; the model is
    called as ``model(tokens, lengths)``. Per-step outputs are compared on the real steps only."""
    _check_batch(tokens, lengths)
    with evaluating(model), torch.no_grad():
        base = output_of(model, tokens, lengths)
        padding = torch.full((tokens.size(0), extra), pad_idx, dtype=tokens.dtype, device=tokens.device)
        longer = torch.cat([tokens, padding], dim=1)
        garbage = tokens.clone()
        padded = torch.arange(tokens.size(1), device=tokens.device)[None, :] >= lengths.to(tokens.device)[:, None]
        garbage[padded] = tokens[~padded][0]  # a real token where padding was
        variants = {
            "more padding": output_of(model, longer, lengths),
            "other padding": output_of(model, garbage, lengths),
        }
    # An output that grows with the padding has a step axis: only the real steps count, in both variants.
    per_step = variants["more padding"].shape != base.shape
    details = []
    for name, output in variants.items():
        for sample in range(tokens.size(0)):
            difference = _difference(base[sample], output[sample], int(lengths[sample]), atol, rtol, per_step)
            if difference is not None:
                details.append(f"{name}: sample {sample}'s output changes by {difference:.3g}")
    return CheckResult("padding invariance", not details, tuple(details))


def reference_equivalence(
    model: nn.Module, tokens: torch.Tensor, lengths: torch.Tensor, *, atol: float = ATOL, rtol: float = RTOL
) -> CheckResult:
    """Whether the padded batch gives each sample what the model gives it alone, unpadded (within
    ``atol``/``rtol``: batched kernels add in another order). Called as ``model(tokens, lengths)``."""
    _check_batch(tokens, lengths)
    with evaluating(model), torch.no_grad():
        batched = output_of(model, tokens, lengths)
        details = []
        for sample in range(tokens.size(0)):
            length = int(lengths[sample])
            alone = output_of(model, tokens[sample : sample + 1, :length], lengths[sample : sample + 1])
            difference = _difference(batched[sample], alone[0], length, atol, rtol)
            if difference is not None:
                details.append(f"sample {sample} batched differs from sample {sample} alone by {difference:.3g}")
    return CheckResult("reference equivalence", not details, tuple(details))


def _check_batch(tokens: torch.Tensor, lengths: torch.Tensor) -> None:
    if tokens.dim() != 2 or tokens.is_floating_point():
        raise CheckError(f"tokens must be an integer (batch, seq) tensor, got {tuple(tokens.shape)} {tokens.dtype}")
    if lengths.dim() != 1 or lengths.size(0) != tokens.size(0):
        raise CheckError(f"lengths must hold one length per sample ({tokens.size(0)}), got {tuple(lengths.shape)}")
    if int(lengths.max()) > tokens.size(1) or int(lengths.min()) < 1:
        raise CheckError(f"lengths must lie in 1..{tokens.size(1)}, got {lengths.tolist()}")


def _difference(
    expected: torch.Tensor, actual: torch.Tensor, length: int, atol: float, rtol: float, per_step: bool = False
) -> float | None:
    """The largest difference over the real steps, or None within tolerance."""
    if per_step or expected.shape != actual.shape:
        if expected.dim() == 0 or expected.shape[1:] != actual.shape[1:]:
            raise CheckError(f"outputs of shapes {tuple(expected.shape)} and {tuple(actual.shape)} do not compare")
        expected, actual = expected[:length], actual[:length]  # per-step outputs: the real steps
    if torch.allclose(expected, actual, atol=atol, rtol=rtol):
        return None
    return float((expected - actual).abs().max())
