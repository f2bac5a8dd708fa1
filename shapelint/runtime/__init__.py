"""The runtime half: follow batch and time axes through a real PyTorch run.

Importing this package needs nothing beyond shapelint itself; :func:`trace` needs the
runtime extra (torch, jaxtyping, beartype) and says so in one line when it is missing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from shapelint.runtime.tracer import Tracer

INSTALL_HINT = (
    "shapelint's runtime half needs torch and its runtime extra: pip install torch==2.13.0, "
    "then pip install -e '.[runtime]' in your clone of shapelint"
)


class RuntimeUnavailable(ImportError):
    """torch (the runtime extra) is not installed."""


class LayoutWarning(UserWarning):
    """A layout given to :func:`trace` that declares nothing: no argument has that name, or its tensor
    has another number of dims."""


class ThreadWarning(UserWarning):
    """Forward passes in a thread that no tracer follows: several tracers are active, none entered in it."""


def trace(model: Any = None, **options: Any) -> Tracer:
    """Follow the batch and time axes through a real run; see :func:`shapelint.runtime.tracer.trace`."""
    try:
        from shapelint.runtime import tracer
    except ImportError as error:
        if error.name is not None and error.name.split(".")[0] == "torch":
            raise RuntimeUnavailable(INSTALL_HINT) from error
        raise
    return tracer.trace(model, **options)
