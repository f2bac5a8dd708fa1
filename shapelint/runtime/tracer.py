"""The tracer: install and remove the module hooks and the TorchFunctionMode that follow data axes
through a real run, and judge what they saw.

It never changes a computation: every op runs as called, and the tracer only reads shapes and
records what it saw. Findings are worked out when asked for, once the run has shown which input
axis is the batch. Its parts: the op mode (`following`), the module hooks (`hooks`, with the
inputs in `inputs` and the runs again in `reruns`), the padding and direction checks (`padding`,
`directions`), the state they share (`record`), and which thread each tracer follows (`ownership`).
"""

from __future__ import annotations

import functools
import threading
import warnings
from collections.abc import Callable
from typing import Any, TypeVar

from torch import nn

from shapelint.findings import Finding
from shapelint.runtime import LayoutWarning, compiled, ownership
from shapelint.runtime.following import OpMode, leave, silence
from shapelint.runtime.hooks import ModuleHooks
from shapelint.runtime.judging import judge, kept_tensor_words, returns_swapped
from shapelint.runtime.rules import tensor_words
from shapelint.runtime.rules.batch_dependence import BatchDependence
from shapelint.runtime.rules.batch_first_state import BatchFirstState
from shapelint.runtime.rules.batch_time_swap import BatchTimeSwap
from shapelint.runtime.rules.declared_layout_violation import DeclaredLayoutViolation
from shapelint.runtime.rules.lengths_mismatch import LengthsMismatch
from shapelint.runtime.wording import as_written

F = TypeVar("F", bound=Callable[..., Any])


class Tracer(ModuleHooks):
    """Follows the data axes of every (or one) ``nn.Module`` while active. See :func:`trace`.

    It follows the thread that entered it, and, while it is the only tracer active, the forward
    passes of any other thread too (there the mode is entered for each top-level call, so the ops
    inside models are followed, not those between calls).
    """

    def __init__(
        self,
        model: nn.Module | None = None,
        *,
        layouts: dict[str, str] | None = None,
        provenance: bool = True,
        first_n_steps: int | None = None,
        probe: bool = True,
    ) -> None:
        super().__init__()
        self.model = model
        self.layouts = dict(layouts or {})
        self.provenance = provenance
        self.probe = probe
        self.first_n_steps = first_n_steps
        self._handles: list[Any] = []
        self._mode: OpMode | None = None
        self._adopted: list[OpMode] = []  # modes entered in other threads, for one top-level call each
        self._owner: int | None = None  # the thread that entered this tracer
        self._lock = threading.Lock()
        self._active = False

    # ------------------------------------------------------------ install / remove

    def __enter__(self) -> Tracer:
        if self._active:
            raise RuntimeError("this tracer is already active")
        self._reset()
        self._active = True
        self._owner = threading.get_ident()
        try:
            ownership.claim(self, self._handles)
            compiled.run_eagerly()
            self._install_hooks()
            if self.provenance:
                self._mode = OpMode(self)
                self._mode.__enter__()  # type: ignore[no-untyped-call]
        except BaseException:
            self._detach()
            self._active = False
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self._detach()
        self._active = False
        unused = [name for name in self.layouts if name not in self._state.layouts_used]
        if unused and self._state.arguments:
            seen = ", ".join(sorted(self._state.arguments))
            warnings.warn(
                f"shapelint: layouts for {', '.join(map(repr, unused))} matched no tensor argument of a traced "
                f"model (its tensor arguments: {seen}; a tensor inside a tuple argument `x` is `x[0]`, `x[1]`)",
                LayoutWarning,
                stacklevel=2,
            )

    def _detach(self) -> None:
        """Remove the hooks and the mode; safe to call twice and from inside a hook."""
        self._remove_hooks()
        if ownership.release(self):
            compiled.run_compiled()
        with self._lock:
            adopted, self._adopted = self._adopted, []
        for other in adopted:  # still entered in a thread whose call had not ended: it records nothing more
            silence(other)
        if self._mode is None:
            return
        if threading.get_ident() == self._owner:
            mode, self._mode = self._mode, None
            leave(mode)
        else:  # `first_n_steps` reached in another thread: the mode is popped where it was entered, on exit
            silence(self._mode)

    def __call__(self, function: F) -> F:
        """Use as a decorator: the function runs traced; findings accumulate on this tracer."""

        @functools.wraps(function)
        def traced(*args: Any, **kwargs: Any) -> Any:
            with self:
                return function(*args, **kwargs)

        return traced  # type: ignore[return-value]

    def _install_hooks(self) -> None:
        before, after = self._guarded(self._before_call), self._guarded(self._after_call)
        if self.model is None:
            register_pre = nn.modules.module.register_module_forward_pre_hook
            register_post = nn.modules.module.register_module_forward_hook
            self._handles.append(register_pre(before))
            self._handles.append(register_post(after, always_call=True))
        else:
            for name, module in self.model.named_modules():
                self._state.names[id(module)] = name or type(module).__name__
                self._handles.append(module.register_forward_pre_hook(before))
                self._handles.append(module.register_forward_hook(after, always_call=True))

    def _before_call(self, module: nn.Module, args: tuple[Any, ...]) -> None:
        if compiled.compiling():
            return
        compiled.settle()  # here, in the call of `torch.compile(model)`'s wrapper, before the compiled forward
        if self._passes_over(module) or not ownership.follows(self):
            return
        here = self._here
        if self.provenance and here.depth == 0 and here.mode is None and not ownership.owns(self):
            # Another thread's top-level call: the mode is per thread, so it is entered there for the call.
            here.mode = OpMode(self)
            with self._lock:
                self._adopted.append(here.mode)
            here.mode.__enter__()  # type: ignore[no-untyped-call]
        self._before_module(module, args)

    def _after_call(self, module: nn.Module, args: tuple[Any, ...], output: Any) -> None:
        if compiled.compiling():
            return
        here = self._here
        # A thread whose call entered the mode is followed to the end of that call, whatever began meanwhile.
        if not self._passes_over(module) and (here.mode is not None or ownership.follows(self)):
            self._after_module(module, args, output)
        if here.depth == 0 and here.mode is not None:
            mode, here.mode = here.mode, None
            with self._lock:
                if mode in self._adopted:
                    self._adopted.remove(mode)
            leave(mode)
        if here.depth == 0 and self.first_n_steps is not None and self._state.steps >= self.first_n_steps:
            self._detach()  # enough seen: the rest of the run goes at full speed

    @staticmethod
    def _passes_over(module: nn.Module) -> bool:
        """Calls that are part of another: the wrapper `torch.compile(model)` returns (the model it wraps
        is called inside it, with its own `forward`'s names and annotations), and the replicas
        `nn.DataParallel` runs in threads of its own, within the call where it was made."""
        return "_orig_mod" in module._modules or bool(getattr(module, "_is_replica", False))

    def _guarded(self, hook: Callable[..., None]) -> Callable[..., None]:
        """A hook that records its own failure instead of breaking the user's forward pass."""

        @functools.wraps(hook)
        def guarded(*args: Any) -> None:
            try:
                hook(*args)
            except Exception as error:
                self._internal_error(error)

        return guarded

    def _remove_hooks(self) -> None:
        while self._handles:
            self._handles.pop().remove()

    # ------------------------------------------------------------ findings

    @property
    def findings(self) -> list[Finding]:
        """What the run showed, judged with everything the run taught about which axis is the batch."""
        state, roles = self._state, self._state.evidence.roles()
        found: dict[tuple[str, str], Finding] = {}
        judged = [
            finding
            for observation in state.observations
            for finding in judge(observation, roles, state.last_picks, state.size_names)
        ]
        lengths = (
            LengthsMismatch.finding(pack)
            for pack in state.packs
            if roles.get(pack.batch) == "batch" and (pack.tokens.left or pack.tokens.counts != pack.lengths)
        )
        initial_states = (
            BatchFirstState.finding(seen.where, seen.rnn, seen.axis, tensor_words(seen.dtype, seen.shape))
            for seen in state.initial_states.values()
            if roles.get(seen.axis) == "batch"
        )
        # An RNN that ran along the batch swaps batch and time in all that follows: its finding says where.
        swapped = any(finding.code == BatchTimeSwap.code for finding in judged)
        returns = (
            DeclaredLayoutViolation.returned(seen.where, seen.model, seen.declared, kept_tensor_words(seen, roles))
            for seen in state.returns.values()
            if not swapped and returns_swapped(seen, roles)
        )
        for finding in (*state.found_at_call, *judged, *lengths, *initial_states, *returns):
            found.setdefault((finding.code, f"{finding.path}:{finding.line}"), finding)
        if any(code != BatchDependence.code for code, _ in found):
            # The probe is the last resort: when the axes already say where samples mix, it adds nothing.
            found = {key: finding for key, finding in found.items() if key[0] != BatchDependence.code}
        return sorted(as_written(list(found.values())))


def trace(
    model: nn.Module | None = None,
    *,
    layouts: dict[str, str] | None = None,
    provenance: bool = True,
    first_n_steps: int | None = None,
    probe: bool = True,
) -> Tracer:
    """Follow the batch and time axes through a real run.

    ``with shapelint.trace() as tr:`` traces every module; ``shapelint.trace(model)`` one
    model; either also works as a decorator. ``layouts`` declares the layout of top-level
    inputs by argument name (``{"tokens": "batch seq"}``; ``"x[0]"`` for a tensor inside a
    tuple argument ``x``), as a jaxtyping annotation on ``forward`` would. ``provenance=False``
    keeps only the module hooks (no op-level tracking: cheaper, sees only what flows straight
    between modules). ``first_n_steps`` detaches the tracer after that many top-level calls.
    ``probe`` (on by default) runs each top-level model twice more on its first call, with one
    sample's tokens changed, to see whether samples leak into each other. ``tr.findings`` lists what was found.
    """
    return Tracer(model, layouts=layouts, provenance=provenance, first_n_steps=first_n_steps, probe=probe)
