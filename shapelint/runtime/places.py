"""Where in the user's code something happened, as ``path:line``."""

from __future__ import annotations

import linecache
import os
import sys
from pathlib import Path
from types import FrameType
from typing import Any

import torch

from shapelint.runtime.spans import known, positions_of, remember, span_of

_HERE = str(Path(__file__).resolve().parent.parent)  # the shapelint package
_REFERENCE_MODELS = os.path.join(_HERE, "reference", "models")  # inside the package, but written as user code
_TORCH = str(Path(torch.__file__).resolve().parent)


def user_place(pin: bool = False) -> str:
    """``path:line`` of the innermost frame outside torch and shapelint: the user's code. The span of the
    first call seen on that line is kept for it, or, with ``pin``, the span of this call (a view that
    mixed axes, which a finding at this place is about, after ``summary[-1]`` on the same line)."""
    frame = _user_frame(sys._getframe(1))
    if frame is None:
        return "?:0"
    place = f"{shown_path(frame.f_code.co_filename)}:{frame.f_lineno}"
    if pin or not known(place):
        span = _span(frame)
        if span is not None:
            remember(place, span)
    return place


def user_names(value: object) -> list[str]:
    """The names the innermost user frame has bound to ``value`` itself (``embedding(tokens)``: `tokens`)."""
    frame = _user_frame(sys._getframe(1))
    return [] if frame is None else [name for name, bound in frame.f_locals.items() if bound is value]


def user_ints() -> dict[str, int]:
    """The ints the innermost user frame has bound to names (``batch_size, seq_len = tokens.shape``)."""
    frame = _user_frame(sys._getframe(1))
    found: dict[str, Any] = {} if frame is None else dict(frame.f_locals)
    return {name: value for name, value in found.items() if type(value) is int}


def source_at(place: str) -> str | None:
    """The source text of the call first seen at ``place`` (or pinned there), when it is one line."""
    span = span_of(place)
    path, _, line = place.rpartition(":")
    if span is None or not line.isdigit() or span[1] != int(line):
        return None
    return linecache.getline(path, int(line))[span[0] - 1 : span[2] - 1] or None


def _user_frame(frame: FrameType | None) -> FrameType | None:
    while frame is not None and not _users(frame.f_code.co_filename):
        frame = frame.f_back
    return frame


def _span(frame: FrameType) -> tuple[int, int, int] | None:
    """The span of the expression a frame is executing, from its code's positions table."""
    positions = positions_of(frame.f_code)
    index = frame.f_lasti // 2
    if not 0 <= index < len(positions):
        return None
    line, end_line, column, end_column = positions[index]
    if line != frame.f_lineno or column is None or end_line is None or end_column is None:
        return None
    return column + 1, end_line, end_column + 1


def _users(filename: str) -> bool:
    """A file of the user's code: not torch's, not shapelint's (but its reference models), not the
    standard library's frozen or context-manager frames."""
    ours = filename.startswith((_HERE, _TORCH, "<frozen")) and not filename.startswith(_REFERENCE_MODELS)
    return not ours and "contextlib" not in filename


def raised_at(error: BaseException) -> str | None:
    """``path:line`` of the innermost user frame an exception went through."""
    tb = error.__traceback__
    found = None
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if _users(filename):
            found = f"{shown_path(filename)}:{tb.tb_lineno}"
        tb = tb.tb_next
    return found


def shown_path(filename: str) -> str:
    try:
        return os.path.relpath(filename)
    except ValueError:  # another drive on Windows
        return filename


def called_by_torch() -> bool:
    """Whether the innermost frame outside shapelint is torch's own code: the op was called by torch
    (``pack_padded_sequence`` sorting its batch, and ``pad_packed_sequence`` sorting it back)."""
    frame = sys._getframe(1)
    while frame is not None:
        filename = frame.f_code.co_filename
        if not filename.startswith(_HERE) or filename.startswith(_REFERENCE_MODELS):
            return filename.startswith(_TORCH)
        frame = frame.f_back  # type: ignore[assignment]
    return False
