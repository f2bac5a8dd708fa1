"""Which active tracer follows the work of which Python thread.

A TorchFunctionMode is entered per thread, while module hooks fire in every thread. So a tracer
follows the thread that entered it. A thread that entered none (a `threading.Thread` started by
the script `shapelint run` runs) is followed by the one tracer active, if there is exactly one;
with several active, by none of them, which a :class:`~shapelint.runtime.ThreadWarning` says once
per thread: whose work it is, no tracer can know.
"""

from __future__ import annotations

import threading
import warnings
from dataclasses import dataclass
from typing import Any

from shapelint.runtime import ThreadWarning


@dataclass(frozen=True)
class _Entry:
    tracer: object
    thread: int  # the ident of the thread that entered it
    handles: list[Any]  # its hooks' handles, as it installs them


_ACTIVE: list[_Entry] = []
_WARNED: set[int] = set()  # threads already told that no tracer follows them
_LOCK = threading.Lock()


def claim(tracer: object, handles: list[Any]) -> None:
    """``tracer`` is active, entered in this thread."""
    with _LOCK:
        _ACTIVE.append(_Entry(tracer, threading.get_ident(), handles))


def release(tracer: object) -> bool:
    """``tracer`` is no longer active; whether it was."""
    with _LOCK:
        before = len(_ACTIVE)
        _ACTIVE[:] = [entry for entry in _ACTIVE if entry.tracer is not tracer]
        if not _ACTIVE:
            _WARNED.clear()
        return len(_ACTIVE) < before


def follows(tracer: object) -> bool:
    """Whether ``tracer`` follows what runs in this thread now."""
    here = threading.get_ident()
    active = list(_ACTIVE)
    if any(entry.tracer is tracer and entry.thread == here for entry in active):
        return True
    if any(entry.thread == here for entry in active):
        return False  # another tracer's own thread
    if len(active) == 1:
        return active[0].tracer is tracer
    if active and active[0].tracer is tracer and here not in _WARNED:
        _WARNED.add(here)
        warnings.warn(
            f"shapelint: {len(active)} tracers are active in other threads, so none follows the forward passes "
            f"of thread {threading.current_thread().name!r}; enter a tracer in that thread to trace them",
            ThreadWarning,
            stacklevel=2,
        )
    return False


def owns(tracer: object) -> bool:
    """Whether this thread is the one that entered ``tracer``."""
    here = threading.get_ident()
    return any(entry.tracer is tracer and entry.thread == here for entry in list(_ACTIVE))


def hook_ids() -> frozenset[int]:
    """The ids of every active tracer's hook handles: what a model run again in isolation keeps, so that
    the other tracers go on seeing their own threads' calls meanwhile."""
    return frozenset(handle.id for entry in list(_ACTIVE) for handle in entry.handles)
