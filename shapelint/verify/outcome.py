"""What verify found for one variant at one size: the cells of its row, and what breaks the contract."""

from __future__ import annotations

from dataclasses import dataclass

from shapelint.reference import Sizes

BUGGY, FIXED, AUTOFIXED = "buggy", "fixed", "autofixed"


@dataclass(frozen=True)
class CheckCell:
    """One behavioural check on one device: ``pass``, ``fail``, ``raises`` (the model raised) or
    ``n/a`` (the check does not apply to this model)."""

    status: str
    details: tuple[str, ...] = ()


@dataclass(frozen=True)
class DeviceRun:
    """A variant on one device: the runtime tracer's finding codes (or the error the model
    raised under it) and each check's cell; ``skipped`` says why it did not run."""

    device: str
    skipped: str | None = None
    runtime: tuple[str, ...] = ()
    runtime_messages: tuple[str, ...] = ()
    raised: str | None = None
    checks: tuple[tuple[str, CheckCell], ...] = ()

    @property
    def flagged(self) -> bool:
        return bool(self.runtime) or self.raised is not None


@dataclass(frozen=True)
class Row:
    """One variant at one size. ``note`` explains an autofixed row that was not run (no
    complete fix); ``problems`` is empty when the row is as its kind promises."""

    family: str
    variant: str
    kind: str
    sizes: Sizes
    static: tuple[str, ...]
    runs: tuple[DeviceRun, ...] = ()
    note: str | None = None

    @property
    def problems(self) -> tuple[str, ...]:
        if self.note is not None:
            return ()
        found: list[str] = []
        ran = [run for run in self.runs if run.skipped is None]
        if self.kind == BUGGY:
            if not self.static:
                found.append("the static half misses it")
            for run in ran:
                if not run.flagged:
                    found.append(f"the runtime half misses it on {run.device}")
                if all(cell.status in ("pass", "n/a") for _, cell in run.checks):
                    found.append(f"it passes every check on {run.device}")
            return tuple(found)
        if self.static:
            found.append(f"the static half flags {', '.join(self.static)}")
        for run in ran:
            if run.raised is not None:
                found.append(f"it raises on {run.device}: {run.raised}")
            if run.runtime:
                found.append(f"the runtime half flags {', '.join(run.runtime)} on {run.device}")
            for name, cell in run.checks:
                if cell.status not in ("pass", "n/a"):
                    found.append(f"{name} {'raises' if cell.status == 'raises' else 'fails'} on {run.device}")
        return tuple(found)
