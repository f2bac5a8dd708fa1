"""The inputs of a model's top-level call: each dimension of each tensor argument a data axis of its
own, named after its argument, with the roles declared for it (``layouts=`` or a jaxtyping annotation
on ``forward``, whose violations are findings)."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import torch
from torch import nn

from shapelint.runtime import LayoutWarning
from shapelint.runtime.axes import Label, Origin
from shapelint.runtime.declarations import annotation_dims, declared_checker, dimension_roles, parameter_names
from shapelint.runtime.places import user_names, user_place
from shapelint.runtime.record import Recorder
from shapelint.runtime.rules.declared_layout_violation import DeclaredLayoutViolation, summarise

# The dtypes a tensor of lengths comes in.
_INTEGERS = (torch.int64, torch.int32, torch.int16, torch.int8, torch.uint8)

# Per model class, worked out on its first top-level call: the checker of forward's annotations.
_CHECKERS: dict[type[nn.Module], Callable[..., None] | None] = {}


class InputLabels(Recorder):
    """Labels the inputs of top-level calls and checks what their ``forward`` declares of them."""

    def _label_inputs(self, module: nn.Module, args: tuple[Any, ...], probing: bool = False) -> None:
        """Each dimension of each tensor argument of a top-level call is a data axis of its own
        (``probing``: the square probe's inputs, whose sizes are no evidence of the data's)."""
        names = parameter_names(module, len(args))
        given = list(self._input_tensors(zip(names, args)))
        sources = {name: self._input_source(module, name, value) for name, value in given if value.dim() > 0}
        self._here.input_shapes = {sources[name]: tuple(value.shape) for name, value in given if value.dim() > 0}
        self._here.lengths_given = {
            sources[name]: value for name, value in given if value.dim() == 1 and value.dtype in _INTEGERS
        }
        for name, value in given:
            self._state.arguments.add(name)
            if value.dim() > 0 and value not in self._state.labels:
                source = self._input_source(module, name, value)
                origins = tuple(Origin(source, dim) for dim in range(value.dim()))
                self._state.labels[value] = tuple(Label((origin,)) for origin in origins)
                if self._here.pad_mask is not None and self._here.pad_mask.batch.source == source:
                    self._here.pad_mask = None  # new tokens: the last ones' padding says nothing of them
                if not probing:
                    self._state.evidence.saw_sizes(source, tuple(value.shape))
                self._declare(module, name, origins)

    @staticmethod
    def _input_tensors(named: Iterable[tuple[str, Any]]) -> Iterator[tuple[str, torch.Tensor]]:
        """The tensor arguments, and those inside a tuple or list argument (``model((tokens, lengths))``),
        named ``x[0]``, ``x[1]``."""
        for name, value in named:
            if isinstance(value, torch.Tensor):
                yield name, value
            elif isinstance(value, (tuple, list)):
                for index, item in enumerate(value):
                    if isinstance(item, torch.Tensor):
                        yield f"{name}[{index}]", item

    def _input_source(self, module: nn.Module, name: str, value: torch.Tensor | None = None) -> str:
        """The name an input's axes go by: the argument's name, or, for a module of torch's own
        (``embedding(tokens)`` called by itself), the caller's name for the tensor rather than torch's
        (`input`); unless another top-level module (an encoder and a decoder called one after the
        other) already has an argument of that name, whose sizes and roles are another's."""
        sources = self._state.input_sources
        key = (id(module), name)
        if key not in sources:
            callers = user_names(value) if value is not None and _torchs_own(module) else []
            shown = callers[0] if len(callers) == 1 else name
            taken = {source for (other, _), source in sources.items() if other != id(module)}
            sources[key] = shown if shown not in taken else f"{self._name(module)}.{shown}"
        return sources[key]

    def _declare(self, module: nn.Module, name: str, origins: tuple[Origin, ...]) -> None:
        """``layouts={"tokens": "batch seq"}`` or a jaxtyping annotation on ``forward``."""
        spec = self.layouts.get(name) or annotation_dims(module.forward, name)
        roles = dimension_roles(spec) if spec is not None else ()
        if len(roles) != len(origins):
            if name in self.layouts and name not in self._state.layouts_used:
                self._state.layouts_used.add(name)
                warnings.warn(
                    f"shapelint: layouts[{name!r}] = {spec!r} names {len(roles)} dims, but `{name}` of "
                    f"`{self._name(module)}` has {len(origins)}: ignored",
                    LayoutWarning,
                    stacklevel=2,
                )
            return
        self._state.layouts_used.add(name)
        for origin, role in zip(origins, roles):
            if role is not None:
                self._state.evidence.declare(origin, role)

    def _check_declared(self, module: nn.Module, args: tuple[Any, ...]) -> None:
        """Run the jaxtyping annotations of ``forward`` through beartype; a violation is a finding."""
        if type(module) not in _CHECKERS:
            _CHECKERS[type(module)] = declared_checker(type(module))
        checker = _CHECKERS[type(module)]
        if checker is None:
            return
        self._here.busy = True
        try:
            checker(*args)
        except Exception as error:  # jaxtyping's TypeCheckError and beartype's violations
            problem = summarise(str(error))
            self._state.found_at_call.append(DeclaredLayoutViolation.finding(user_place(), self._name(module), problem))
        finally:
            self._here.busy = False


def _torchs_own(module: nn.Module) -> bool:
    """A module whose ``forward`` torch wrote: its parameter names (`input`) are not the user's."""
    return type(module).forward.__module__.split(".")[0] == "torch"
