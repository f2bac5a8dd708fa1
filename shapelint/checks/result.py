"""What a behavioural check says."""

from __future__ import annotations

from dataclasses import dataclass, field


class CheckError(ValueError):
    """The check could not run as asked (a wrong dim, no floating path, a model that raised)."""


@dataclass(frozen=True)
class CheckResult:
    """``passed`` (also the truth value), and in ``details`` what failed, sample by sample."""

    name: str
    passed: bool
    details: tuple[str, ...] = field(default=())
    skipped: str | None = None

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        if self.skipped:
            return f"{self.name}: skipped ({self.skipped})"
        verdict = "passed" if self.passed else "FAILED"
        return "\n  ".join([f"{self.name}: {verdict}", *self.details])
