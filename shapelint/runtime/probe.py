"""The last-resort check: does changing one sample's tokens change another sample's output?

Run once, on a model's first traced call: the model is run again in eval mode without
gradients, with sample 0 of its token input changed along each of the first two axes.
A model that keeps samples apart changes its output only at one index of some output
axis for one of them (index 0, or where a sort for packing put sample 0); a model that
mixes samples changes more for both.

The probe runs ``forward`` without anyone's hooks, and afterwards puts back every
attribute binding of every submodule (``self.hidden = ...`` in a stateful forward), the
training flags and the random state. What it cannot undo is a forward that mutates
objects in place or has effects outside the model: switch the probe off for those.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import torch
from torch import nn
from torch.nn.modules import module as module_registry

from shapelint.runtime.threads import own_threads

_GLOBAL_HOOKS = ("_global_forward_pre_hooks", "_global_forward_hooks")
_MODULE_HOOKS = ("_forward_pre_hooks", "_forward_hooks", "_forward_pre_hooks_with_kwargs", "_forward_hooks_with_kwargs")


def token_input(args: tuple[Any, ...]) -> int | None:
    """Position of the first (batch, seq)-like integer argument with both sizes above 1."""
    for index, value in enumerate(args):
        if (
            isinstance(value, torch.Tensor)
            and value.dim() == 2
            and not value.is_floating_point()
            and value.dtype != torch.bool
            and min(value.shape) > 1
        ):
            return index
    return None


def mixes_samples(model: nn.Module, args: tuple[Any, ...], position: int, keep: frozenset[int]) -> bool | None:
    """True when sample 0's tokens leak into other samples along both axes; None when it cannot tell.
    ``keep``: the ids of the hooks that stay (the tracers', which ignore their own runs)."""
    tokens = args[position]

    def run(inputs: tuple[Any, ...]) -> list[torch.Tensor]:
        # Each run from the same state: a stateful forward must not feed one run into the next.
        with isolated(model, keep), torch.no_grad(), torch.random.fork_rng(devices=[]), own_threads():
            return list(tensors_in(model(*inputs)))

    try:
        base = run(args)
        separable = []
        for axis in (0, 1):
            changed = tokens.clone()
            sample = changed.select(axis, 0)
            sample.copy_((sample + 1) % (int(tokens.max()) + 1))
            outputs = run((*args[:position], changed, *args[position + 1 :]))
            verdict = _only_one_sample_changed(base, outputs, tokens.shape[axis])
            if verdict is None:
                return None
            separable.append(verdict)
    except Exception:  # a model that cannot run this way is not judged
        return None
    return not any(separable)


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


# The global hooks set aside while any thread runs a model in isolation: they are taken out of torch's
# own dicts and put back in place (not swapped for copies, which would lose a hook registered meanwhile
# and leave a removed handle's hook behind), once the last isolated run of any thread ends.
_ASIDE: dict[str, tuple[OrderedDict[int, Any], set[int]]] = {}  # by dict: its hooks before, and those taken out
_ISOLATED_RUNS = 0
_ASIDE_LOCK = threading.Lock()


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


def _only_one_sample_changed(base: list[torch.Tensor], probed: list[torch.Tensor], batch: int) -> bool | None:
    """Whether, in every output with an axis of the batch's size, changes sit at one index of such an axis.

    Index 0, or another one: a model that sorts its batch by length for packing may return an output
    in the sorted order, which permutes the samples but does not mix them.
    """
    judged = False
    for before, after in zip(base, probed):
        if before.shape != after.shape or not before.is_floating_point():
            continue
        candidates = [dim for dim, size in enumerate(before.shape) if size == batch]
        if not candidates:
            continue
        judged = True
        changed = before != after
        if not any(_rows_changed(changed, dim) <= 1 for dim in candidates):
            return False
    return True if judged else None


def _rows_changed(changed: torch.Tensor, dim: int) -> int:
    """How many indices along ``dim`` hold a change."""
    others = [d for d in range(changed.dim()) if d != dim]
    return int(changed.any(dim=others).sum()) if others else int(changed.sum())


def tensors_in(value: Any) -> Iterator[torch.Tensor]:
    """The tensors in a value that may be a tensor or (nested) tuples and lists of them."""
    if isinstance(value, torch.Tensor):
        yield value
    elif isinstance(value, (tuple, list)):
        for item in value:
            yield from tensors_in(item)
