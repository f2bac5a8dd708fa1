"""Machine-readable output: a JSON array of ``Finding.as_dict()`` in the given order."""

from __future__ import annotations

# Absolute import: this resolves to the standard library, not to this module.
import json
from collections.abc import Sequence

from shapelint.findings import Finding


def render(findings: Sequence[Finding]) -> str:
    return json.dumps([finding.as_dict() for finding in findings], indent=2) + "\n"
