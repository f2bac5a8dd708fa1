"""A model run apart: without anyone's hooks but the tracers' own, in eval mode, and with every
submodule's attributes, hooks and modes put back afterwards (the probes' runs again).

torch keeps global hooks in dicts of its own, shared by every thread: they are taken out of those dicts
and put back in place, not swapped for copies (a copy would lose a hook registered meanwhile, and keep
the hook of a handle removed meanwhile), and only once the last isolated run of any thread ends.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from torch import nn
from torch.nn.modules import module as module_registry

_GLOBAL_HOOKS = ("_global_forward_pre_hooks", "_global_forward_hooks")
_MODULE_HOOKS = ("_forward_pre_hooks", "_forward_hooks", "_forward_pre_hooks_with_kwargs", "_forward_hooks_with_kwargs")
_ASIDE: dict[str, tuple[OrderedDict[int, Any], set[int]]] = {}  # by dict: its hooks before, and those taken out
_ISOLATED_RUNS = 0  # isolated runs under way, in every thread
_ASIDE_LOCK = threading.Lock()


@contextmanager
def isolated(model: nn.Module, keep: frozenset[int] = frozenset()) -> Iterator[None]:
    """Run without the hooks (but those whose handle ids are in ``keep``: the tracers' own) and in
    eval mode; afterwards restore every submodule's attribute bindings, hooks and modes."""
    saved_modules = [(module, dict(module.__dict__)) for module in model.modules()]
    _set_global_hooks_aside(keep)
    try:
        for module, _ in saved_modules:
            for name in _MODULE_HOOKS:
                if name in module.__dict__:
                    module.__dict__[name] = _kept(module.__dict__[name], keep)
        model.eval()
        yield
    finally:
        _put_global_hooks_back()
        for module, attributes in saved_modules:
            module.__dict__.clear()
            module.__dict__.update(attributes)


def _set_global_hooks_aside(keep: frozenset[int]) -> None:
    global _ISOLATED_RUNS
    with _ASIDE_LOCK:
        _ISOLATED_RUNS += 1
        if _ISOLATED_RUNS > 1:
            return
        for name in _GLOBAL_HOOKS:
            hooks = getattr(module_registry, name)
            taken = {key for key in hooks if key not in keep}
            _ASIDE[name] = (OrderedDict(hooks), taken)
            for key in taken:
                del hooks[key]


def _put_global_hooks_back() -> None:
    global _ISOLATED_RUNS
    with _ASIDE_LOCK:
        _ISOLATED_RUNS -= 1
        if _ISOLATED_RUNS:
            return
        for name, (before, taken) in _ASIDE.items():
            hooks = getattr(module_registry, name)
            now = OrderedDict(hooks)
            hooks.clear()
            # In the order they had, but those kept and removed meanwhile; then those registered meanwhile.
            hooks.update((key, hook) for key, hook in before.items() if key in taken or key in now)
            hooks.update(now)
        _ASIDE.clear()


def _kept(hooks: dict[int, Any], keep: frozenset[int]) -> OrderedDict[int, Any]:
    return OrderedDict((key, hook) for key, hook in hooks.items() if key in keep)
