"""What the tracer reads off tensors and the values that hold them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import torch
from torch import nn


def held(value: Any, depth: int = 3) -> Iterator[torch.Tensor]:
    """The tensors in a value and in the tuples, lists, dicts and plain objects (a dataclass
    output) in it, a few levels deep; modules are left to the caller."""
    if isinstance(value, torch.Tensor):
        yield value
    elif depth and isinstance(value, (tuple, list)):
        for item in value:
            yield from held(item, depth - 1)
    elif depth and isinstance(value, dict):
        for item in value.values():
            yield from held(item, depth - 1)
    elif depth and hasattr(value, "__dict__") and not isinstance(value, nn.Module):
        yield from held(vars(value), depth - 1)


def dtype(tensor: torch.Tensor) -> str:
    return str(tensor.dtype).removeprefix("torch.")


def rows_are_padded_sequences(real: torch.Tensor) -> bool:
    """Every row of the 0/1 mask is ones then zeros, or zeros then ones."""
    steps = real[:, 1:] - real[:, :-1]
    return bool((steps <= 0).all()) or bool((steps >= 0).all())
