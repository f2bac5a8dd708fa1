"""Where in the user's code something happened, as ``path:line``."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import torch

_HERE = str(Path(__file__).resolve().parent.parent)  # the shapelint package
_REFERENCE_MODELS = os.path.join(_HERE, "reference", "models")  # inside the package, but written as user code
_TORCH = str(Path(torch.__file__).resolve().parent)


def user_place() -> str:
    """``path:line`` of the innermost frame outside torch and shapelint: the user's code."""
    frame = sys._getframe(1)
    while frame is not None:
        filename = frame.f_code.co_filename
        ours = filename.startswith((_HERE, _TORCH, "<frozen")) and not filename.startswith(_REFERENCE_MODELS)
        if not ours and "contextlib" not in filename:
            return f"{shown_path(filename)}:{frame.f_lineno}"
        frame = frame.f_back  # type: ignore[assignment]
    return "?:0"


def raised_at(error: BaseException) -> str | None:
    """``path:line`` of the innermost user frame an exception went through."""
    tb = error.__traceback__
    found = None
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        ours = filename.startswith((_HERE, _TORCH, "<frozen")) and not filename.startswith(_REFERENCE_MODELS)
        if not ours and "contextlib" not in filename:
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
