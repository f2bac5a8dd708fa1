"""How a file's bytes become text: the encoding Python itself would read it in."""

from __future__ import annotations

import io
import tokenize
from pathlib import Path

from shapelint.static.notebooks import NotANotebook, is_notebook, read_notebook


def source_encoding(data: bytes) -> str:
    """The encoding Python reads the file in (PEP 263 coding line, BOM, else UTF-8)."""
    return tokenize.detect_encoding(io.BytesIO(data).readline)[0]


def decoded_text(path: Path) -> str | None:
    """The file's text (a notebook's code cells), or None if it cannot be read or decoded (the lint
    run reports why)."""
    try:
        if not path.is_file():
            return None  # a FIFO or a device would block the read, or never end
        data = path.read_bytes()
        text = data.decode(source_encoding(data))
        return read_notebook(text).text if is_notebook(path.name) else text
    except (OSError, SyntaxError, UnicodeDecodeError, LookupError, NotANotebook):
        return None
