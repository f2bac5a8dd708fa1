"""Declared layouts: jaxtyping annotations (`Int[Tensor, "batch seq"]`) read as tensors of known roles."""

from __future__ import annotations

import libcst as cst

from shapelint.static import knowledge as kb
from shapelint.static.conventions import Conventions
from shapelint.static.imports import dotted_name
from shapelint.static.layout import Axis, Role, Tensor
from shapelint.static.values import UNKNOWN, Value


def annotation_layout(annotation: cst.BaseExpression, where: cst.CSTNode, name: str, names: Conventions) -> Value:
    """``Int[Tensor, "batch seq"]`` -> a tensor with those roles."""
    if not isinstance(annotation, cst.Subscript) or len(annotation.slice) != 2:
        return UNKNOWN
    head = dotted_name(annotation.value)
    if head is None or head.rpartition(".")[2] not in kb.JAXTYPING_ARRAY_TYPES:
        return UNKNOWN
    spec = annotation.slice[1].slice
    if not isinstance(spec, cst.Index) or not isinstance(spec.value, cst.SimpleString):
        return UNKNOWN
    text = spec.value.evaluated_value
    if not isinstance(text, str):
        return UNKNOWN
    axes: list[Axis] = []
    for dim in text.split():
        if dim.startswith("*") or dim == "..." or dim.startswith("#"):
            return UNKNOWN  # variadic or broadcastable: the rank is not fixed
        dimension = dim.lstrip("_?")
        if dimension.isdigit():
            axes.append(Axis(Role.UNKNOWN, where, singleton=dimension == "1"))
        else:
            axes.append(Axis(names.dimensions.get(dimension.lower(), Role.UNKNOWN), where))
    return Tensor(tuple(axes), f'`{name}` declared "{text}"', where)
