"""How many threads torch gets for the models shapelint itself runs (the reference models of
`verify`, the probes, the behavioural checks).

Small models on a machine with few cores run 5-30 times slower with torch's default thread count
than with one thread (FACTS.md), so that work runs on `SHAPELINT_TORCH_THREADS` threads, one
unless set; the user's own code keeps the count it had.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import torch

ENVIRONMENT = "SHAPELINT_TORCH_THREADS"


def tool_threads() -> int:
    """The thread count for shapelint's own runs: `SHAPELINT_TORCH_THREADS` if a positive number, else 1."""
    value = os.environ.get(ENVIRONMENT, "")
    return int(value) if value.isdigit() and int(value) > 0 else 1


@contextmanager
def own_threads() -> Iterator[None]:
    """torch on :func:`tool_threads` threads for the block; the count it had comes back after."""
    saved = torch.get_num_threads()
    torch.set_num_threads(tool_threads())
    try:
        yield
    finally:
        torch.set_num_threads(saved)
