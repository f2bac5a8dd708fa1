"""shapelint: find tensor-layout bugs (batch and time swapped or mixed) in PyTorch sequence models.

The public API of the static half; importing it never imports torch.
"""

from __future__ import annotations

from shapelint.config import Config, ConfigError, find_pyproject, load_config
from shapelint.findings import Finding
from shapelint.runtime import trace
from shapelint.static.engine import LintRun, lint_paths, lint_source

__all__ = [
    "Config",
    "ConfigError",
    "Finding",
    "LintRun",
    "find_pyproject",
    "lint_paths",
    "lint_source",
    "load_config",
    "trace",
]
