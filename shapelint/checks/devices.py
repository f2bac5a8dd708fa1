"""The same weights, the same outputs, on every device."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

import torch
from torch import nn

from shapelint.checks.result import CheckResult
from shapelint.checks.running import evaluating, output_of

# cuDNN runs RNNs in TF32 on Ampere and newer by default: about 1e-3 relative to the CPU.
ATOL, RTOL = 1e-3, 1e-3


def device_agreement(
    model: nn.Module,
    *inputs: Any,
    devices: Sequence[str] = ("cpu", "cuda"),
    atol: float = ATOL,
    rtol: float = RTOL,
) -> CheckResult:
    """Whether a copy of the model on each available device gives the CPU's outputs (within tolerance).

    1-D integer inputs (lengths) stay on the CPU, as ``pack_padded_sequence`` requires.
    """
    available = [device for device in devices if device == "cpu" or _available(device)]
    missing = [device for device in devices if device not in available]
    with evaluating(model), torch.no_grad():
        reference = output_of(model.cpu(), *inputs)
        details = []
        for device in available:
            if device == "cpu":
                continue
            moved = copy.deepcopy(model).to(device)
            output = output_of(moved, *(_to(value, device) for value in inputs)).cpu()
            if not torch.allclose(reference, output, atol=atol, rtol=rtol):
                details.append(f"{device} differs from cpu by {float((reference - output).abs().max()):.3g}")
    if missing and len(available) == 1:
        return CheckResult("device agreement", True, skipped=f"no {', '.join(missing)} device")
    notes = tuple(f"{device}: skipped (no {device} device)" for device in missing)
    return CheckResult("device agreement", not details, (*details, *notes))


def _available(device: str) -> bool:
    kind = device.split(":")[0]
    return bool(kind == "cuda" and torch.cuda.is_available())


def _to(value: Any, device: str) -> Any:
    if not isinstance(value, torch.Tensor):
        return value
    if value.dim() == 1 and not value.is_floating_point():
        return value  # lengths stay on the CPU
    return value.to(device)
