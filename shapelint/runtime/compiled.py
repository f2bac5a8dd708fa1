"""Code compiled with `torch.compile` runs eagerly while any tracer is active.

Inside a compiled region torch runs a graph, not the ops one by one, so neither the op mode nor the
module hooks would see what happens there; and the tracer's own Python, traced by dynamo, would break
the graph at every op (an error under `fullgraph=True`). So while a tracer is active the compiler's
stance is `force_eager` (`torch.compiler.set_stance`): compiled functions and modules run as plain
Python, traced like any other; the stance the user had comes back when the last tracer leaves.

Setting a stance imports dynamo (about a second), so it waits until the program has imported it
(`torch.compile` does): the tracer asks again at each top-level call it follows. A region that dynamo
compiles before that (a compiled function called before any model) is not traced: the tracer's code
does nothing while dynamo compiles (:func:`compiling`).
"""

from __future__ import annotations

import sys
import threading
from typing import Any

import torch

_HELD: list[Any] = []  # the stance set while tracers are active, which restores the one before on exit
_ACTIVE = 0
_LOCK = threading.Lock()


def compiling() -> bool:
    """Whether dynamo is tracing this code into a graph: the tracer's hooks and mode then stand aside."""
    return torch.compiler.is_compiling()


def run_eagerly() -> None:
    """One more tracer is active: compiled code runs eagerly until the last one leaves."""
    global _ACTIVE
    with _LOCK:
        _ACTIVE += 1
    settle()


def settle() -> None:
    """Set the eager stance if tracers are active, dynamo is loaded, and it is not set yet."""
    if _HELD or not _ACTIVE or "torch._dynamo" not in sys.modules or compiling():
        return
    with _LOCK:
        if not _HELD and _ACTIVE:
            _HELD.append(torch.compiler.set_stance("force_eager"))


def run_compiled() -> None:
    """A tracer left; with the last one, the stance the user had comes back."""
    global _ACTIVE
    with _LOCK:
        _ACTIVE = max(0, _ACTIVE - 1)
        if _ACTIVE == 0 and _HELD:
            _HELD.pop().__exit__(None, None, None)
