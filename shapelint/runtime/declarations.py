"""What a model's ``forward`` declares: its parameter names, and the jaxtyping annotations that place the
batch and the time, with beartype checkers for them."""

from __future__ import annotations

import dis
import inspect
import typing
from collections.abc import Callable
from typing import Any

from torch import nn

from shapelint.runtime.places import shown_path
from shapelint.static.knowledge import DIMENSION_ROLES


def parameter_names(module: nn.Module, count: int) -> list[str]:
    try:
        parameters = list(inspect.signature(module.forward).parameters.values())
    except (TypeError, ValueError):
        parameters = []
    names = [p.name for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return names[:count] + [f"input{i}" for i in range(len(names), count)]


def declared_checker(module_type: type[nn.Module]) -> Callable[..., None] | None:
    """A function with ``forward``'s positional parameters and jaxtyping annotations, checked by
    beartype under ``jaxtyped`` (so a name such as ``batch`` binds across arguments); None when
    ``forward`` declares no shapes or the runtime extra lacks jaxtyping/beartype."""
    try:
        from beartype import beartype
        from jaxtyping import jaxtyped
    except ImportError:
        return None
    forward = module_type.forward
    try:
        hints = typing.get_type_hints(forward)
        parameters = list(inspect.signature(forward).parameters.values())[1:]  # without self
    except Exception:  # annotations that do not evaluate declare nothing we can check
        return None
    names = [p.name for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    declared = {name: hints[name] for name in names if hasattr(hints.get(name), "dim_str")}
    if not declared or not all(name.isidentifier() for name in names):
        return None
    namespace: dict[str, Any] = {}
    # Extra positional arguments, if forward takes *args, are not checked.
    exec(f"def check({', '.join(f'{name}=None' for name in names)}, *_): return None", namespace)
    check = namespace["check"]
    check.__annotations__ = {name: annotation | None for name, annotation in declared.items()}
    checked: Callable[..., None] = jaxtyped(typechecker=beartype)(check)
    return checked


def annotation_dims(function: Callable[..., Any], name: str) -> str | None:
    """The dimension string of a jaxtyping annotation on ``function``'s parameter ``name``, or on what
    it returns for ``"return"``."""
    try:
        signature = inspect.signature(function)
        annotation = signature.return_annotation if name == "return" else signature.parameters[name].annotation
    except (KeyError, TypeError, ValueError):
        return None
    if isinstance(annotation, str):  # `from __future__ import annotations`
        try:
            annotation = typing.get_type_hints(function).get(name)
        except Exception:  # an annotation that does not evaluate declares nothing
            return None
    dims = getattr(annotation, "dim_str", None)
    return dims if isinstance(dims, str) else None


def dimension_roles(spec: str) -> tuple[str | None, ...]:
    """``"batch seq emb"`` -> ``("batch", "time", None)``: the batch and time a layout names."""
    roles = (DIMENSION_ROLES.get(dim.strip("_?").lower()) for dim in spec.split())
    return tuple(role.value if role is not None and role.value in ("batch", "time") else None for role in roles)


def declared_return(module_type: type[nn.Module]) -> tuple[str, tuple[str | None, ...], str] | None:
    """``forward``'s jaxtyping return annotation when it places both the batch and the time: its
    dimensions, their roles, and the ``path:line`` of the ``return`` (the ``def`` when there are several)."""
    forward = module_type.forward
    spec = annotation_dims(forward, "return")
    code = getattr(inspect.unwrap(forward), "__code__", None)
    if spec is None or code is None or any(dim.startswith(("*", "...")) for dim in spec.split()):
        return None  # a variadic dimension leaves the positions unknown
    roles = dimension_roles(spec)
    if "batch" not in roles or "time" not in roles:
        return None
    # The bytecode knows the line of each `return`, also for code compiled from a string.
    lines = {i.positions.lineno for i in dis.get_instructions(code) if i.opname == "RETURN_VALUE" and i.positions}
    line = lines.pop() if len(lines) == 1 else code.co_firstlineno
    return spec, roles, f"{shown_path(code.co_filename)}:{line}"
