"""Run every reference variant through the static half, the runtime tracer and the checks, per device."""

from __future__ import annotations

import importlib.util
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from types import ModuleType
from typing import Any

import torch
from jaxtyping import Int
from torch import nn

from shapelint.checks import (
    CheckError,
    CheckResult,
    batch_independence,
    device_agreement,
    padding_invariance,
    parameter_use,
    reference_equivalence,
)
from shapelint.config import Config
from shapelint.reference import FAMILIES, PAD_IDX, Family, Sizes, Variant
from shapelint.runtime.threads import own_threads
from shapelint.runtime.tracer import trace
from shapelint.static.engine import lint_source
from shapelint.static.fixes import fix_file
from shapelint.verify.outcome import AUTOFIXED, BUGGY, FIXED, CheckCell, DeviceRun, Row

DEVICES = ("cpu", "cuda")
SEED = 0


class Fed(nn.Module):
    """A reference model called as the checks call models, ``(tokens, lengths)``."""

    def __init__(self, model: nn.Module, feed: Callable[[torch.Tensor, torch.Tensor], tuple[Any, ...]]) -> None:
        super().__init__()
        self.model, self.feed = model, feed

    # Declared, so that the tracer the checks run under knows the batch axis at any sizes.
    def forward(self, tokens: Int[torch.Tensor, "batch seq"], lengths: torch.Tensor) -> Any:
        return self.model(*self.feed(tokens, lengths))


LENGTH_CHECKS = ("padding invariance", "reference equivalence")
CHECKS: tuple[tuple[str, Callable[[Fed, torch.Tensor, torch.Tensor], CheckResult]], ...] = (
    (
        "batch independence",
        lambda fed, tokens, lengths: batch_independence(fed, tokens, lengths, output_batch_dim=0, trace=True),
    ),
    ("padding invariance", lambda fed, tokens, lengths: padding_invariance(fed, tokens, lengths, PAD_IDX)),
    ("reference equivalence", reference_equivalence),
    ("parameter use", parameter_use),
)


def verify(devices: Sequence[str] = ("cpu",), families: Sequence[Family] = FAMILIES) -> list[Row]:
    """One row per variant and size, hand-fixed and autofixed variants included, run on ``devices``."""
    rows: list[Row] = []
    config = Config()
    with tempfile.TemporaryDirectory(prefix="shapelint-verify-") as scratch, own_threads():
        for family in families:
            for variant in family.variants:
                source = variant.path.read_bytes()
                static = _codes(lint_source(source, str(variant.path), config))
                module = variant.load()
                kind = BUGGY if variant.buggy else FIXED
                rows += [
                    _row(family, variant, variant.name, kind, sizes, static, module, devices) for sizes in family.sizes
                ]
                if variant.buggy:
                    rows += _autofixed(family, variant, source, static, Path(scratch), config, devices)
    return rows


def _autofixed(
    family: Family,
    variant: Variant,
    source: bytes,
    static: tuple[str, ...],
    scratch: Path,
    config: Config,
    devices: Sequence[str],
) -> list[Row]:
    """The buggy variant after `shapelint check --fix`, run like a hand-fixed one when nothing is left to fix."""
    path = scratch / variant.path.name
    path.write_bytes(source)
    fixed = fix_file(path, config, write=True)
    name = f"{variant.name} --fix"
    remaining = static if fixed is None else _codes(fixed.remaining)  # None: nothing could be fixed
    if fixed is None or remaining:
        note = f"no complete automatic fix ({', '.join(remaining)} left as suggestions)"
        return [Row(family.name, name, AUTOFIXED, sizes, remaining, note=note) for sizes in family.sizes]
    module = _load_file(path, f"shapelint_autofixed_{variant.name}")
    return [_row(family, variant, name, AUTOFIXED, sizes, remaining, module, devices) for sizes in family.sizes]


def _row(
    family: Family,
    variant: Variant,
    name: str,
    kind: str,
    sizes: Sizes,
    static: tuple[str, ...],
    module: ModuleType,
    devices: Sequence[str],
) -> Row:
    runs = tuple(_run(family, variant, module, sizes, device, compare=kind != BUGGY) for device in devices)
    return Row(family.name, name, kind, sizes, static, runs)


def _run(family: Family, variant: Variant, module: ModuleType, sizes: Sizes, device: str, compare: bool) -> DeviceRun:
    if device != "cpu" and not torch.cuda.is_available():
        return DeviceRun(device, skipped="no CUDA device")
    tokens, lengths = family.batch(sizes, seed=SEED)
    with _exact_kernels(device):
        model = _build(module, sizes).to(device)
        tokens = tokens.to(device)  # lengths stay on the CPU, as pack_padded_sequence wants
        runtime, messages, raised = _traced(model, family.feed(tokens, lengths))
        fed = Fed(model, family.feed)
        checks = [
            (
                name,
                _not_applicable(sizes)
                if variant.fixed_length and name in LENGTH_CHECKS
                else _cell(check, fed, tokens, lengths),
            )
            for name, check in CHECKS
        ]
        if compare and device != "cpu":
            on_cpu = Fed(_build(module, sizes), family.feed)
            agreement = partial(device_agreement, devices=("cpu", device))
            checks.append(("device agreement", _cell(agreement, on_cpu, tokens.cpu(), lengths)))
    return DeviceRun(device, None, runtime, messages, raised, tuple(checks))


def _not_applicable(sizes: Sizes) -> CheckCell:
    return CheckCell("n/a", (f"the model takes exactly {sizes.seq} steps: other lengths do not apply",))


def _build(module: ModuleType, sizes: Sizes) -> nn.Module:
    torch.manual_seed(SEED)  # the same weights on every device and for every run
    model: nn.Module = module.build(sizes.batch, sizes.seq)
    return model


def _traced(model: nn.Module, inputs: tuple[Any, ...]) -> tuple[tuple[str, ...], tuple[str, ...], str | None]:
    """The runtime half's verdict: its finding codes, or the error the model raised (the seed's view raises)."""
    try:
        with trace(model) as tracer:
            model(*inputs)
    except Exception as error:
        return (), (), f"{type(error).__name__}: {_first_line(error)}"
    findings = tracer.findings
    return _codes(findings), tuple(f"{finding.code} {finding.message}" for finding in findings), None


def _cell(check: Callable[..., CheckResult], *arguments: Any) -> CheckCell:
    try:
        result = check(*arguments)
    except CheckError as error:
        return CheckCell("raises", (str(error),))
    return CheckCell("pass" if result else "fail", result.details)


@contextmanager
def _exact_kernels(device: str) -> Iterator[None]:
    """No TF32 on CUDA: the checks compare semantics, and TF32 rounding would pass for a difference."""
    if device == "cpu":
        yield
        return
    saved = torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32
    torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = False
    try:
        yield
    finally:
        torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32 = saved


def _load_file(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _codes(findings: Sequence[Any]) -> tuple[str, ...]:
    return tuple(sorted({finding.code for finding in findings}))


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else ""
