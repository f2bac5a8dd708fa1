"""Does every parameter reach the output?"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from shapelint.checks.result import CheckResult
from shapelint.checks.running import evaluating, output_of


def parameter_use(model: nn.Module, *inputs: Any, seed: int = 0) -> CheckResult:
    """Whether every trainable parameter has a say in the output.

    A parameter whose gradient is exactly zero never learns: a bidirectional RNN read
    through ``h_n[-1]`` alone leaves its forward direction so, as does a layer the
    forward pass skips. The output is weighed by fixed random numbers before
    differentiating, so outputs that always sum to the same value (a softmax) cannot
    hide a parameter.
    """
    trainable = [(name, parameter) for name, parameter in model.named_parameters() if parameter.requires_grad]
    with evaluating(model), torch.enable_grad():
        output = output_of(model, *inputs)
        generator = torch.Generator().manual_seed(seed)
        weights = torch.randn(output.shape, generator=generator).to(output.device, output.dtype)
        gradients = torch.autograd.grad(
            (output * weights).sum(), [parameter for _, parameter in trainable], allow_unused=True
        )
    unused = [name for (name, _), grad in zip(trainable, gradients) if grad is None or not bool(grad.any())]
    details = tuple(f"{name} gets no gradient: it never reaches the output" for name in unused[:10])
    if len(unused) > 10:
        details += (f"... and {len(unused) - 10} more parameters",)
    return CheckResult("parameter use", not unused, details)
