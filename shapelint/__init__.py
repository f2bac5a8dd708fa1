"""shapelint: find tensor-layout bugs (batch and time swapped or mixed) in PyTorch sequence models.

The public API. Names load on first use, so that the pytest plugin and ``import
shapelint`` stay cheap; importing never imports torch (only :func:`trace` needs it).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from shapelint.config import Config, ConfigError, Configs, find_config, load_config
    from shapelint.findings import Finding
    from shapelint.runtime import trace
    from shapelint.static.engine import lint_source
    from shapelint.static.run import LintRun, lint_paths

_WHERE = {
    "Config": "shapelint.config",
    "ConfigError": "shapelint.config",
    "Configs": "shapelint.config",
    "find_config": "shapelint.config",
    "load_config": "shapelint.config",
    "Finding": "shapelint.findings",
    "trace": "shapelint.runtime",
    "LintRun": "shapelint.static.run",
    "lint_paths": "shapelint.static.run",
    "lint_source": "shapelint.static.engine",
}
__all__ = [
    "Config",
    "ConfigError",
    "Configs",
    "Finding",
    "LintRun",
    "find_config",
    "lint_paths",
    "lint_source",
    "load_config",
    "trace",
]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'shapelint' has no attribute {name!r}")
    value = getattr(importlib.import_module(_WHERE[name]), name)
    globals()[name] = value
    return value
