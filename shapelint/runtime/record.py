"""What a traced run keeps: the labels of the tensors followed and what was seen, shared by every
thread the tracer follows, and each thread's own place in its calls.

The tracer's parts (the op follower, the module hooks, the padding and direction checks) all
derive from :class:`Recorder`, which holds both and reads and writes labels.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import torch
from torch import nn
from torch.utils.weak import WeakTensorKeyDictionary

from shapelint.findings import Finding
from shapelint.runtime.axes import Label, Labels, Origin
from shapelint.runtime.evidence import Evidence
from shapelint.runtime.observations import (
    DeclaredReturn,
    InitialState,
    LastPick,
    Observation,
    PackedLengths,
    PadMask,
    TokenPadding,
)

if TYPE_CHECKING:
    from shapelint.runtime.directions import BidirectionalCall
    from shapelint.runtime.following import OpMode


@dataclass
class Record:
    """What the run showed, from every thread the tracer follows."""

    labels: WeakTensorKeyDictionary = field(default_factory=WeakTensorKeyDictionary)
    observations: list[Observation] = field(default_factory=list)
    evidence: Evidence = field(default_factory=Evidence)
    names: dict[int, str] = field(default_factory=dict)
    steps: int = 0  # top-level calls seen
    found_at_call: list[Finding] = field(default_factory=list)  # findings made during the run, not judged at its end
    probed: set[int] = field(default_factory=set)
    square_probed: set[int] = field(default_factory=set)  # modules run again on a batch one sample short
    errors: list[str] = field(default_factory=list)
    packs: list[PackedLengths] = field(default_factory=list)
    last_picks: dict[str, LastPick] = field(default_factory=dict)  # by place: the first seen there
    initial_states: dict[str, InitialState] = field(default_factory=dict)
    returns: dict[str, DeclaredReturn] = field(default_factory=dict)
    input_sources: dict[tuple[int, str], str] = field(default_factory=dict)  # by (top-level module, argument)
    arguments: set[str] = field(default_factory=set)  # the names of the top-level calls' tensor arguments
    layouts_used: set[str] = field(default_factory=set)  # the keys of `layouts` that met their argument
    # The user's names for the sizes of the axes a view mixed, by (the view's place, the axis).
    size_names: dict[tuple[str, Origin], str] = field(default_factory=dict)


@dataclass
class Calls:
    """One thread's place in its calls: two threads running forward passes at once each have their
    own depth, their own last padded batch and pack, and their own bidirectional calls under way."""

    depth: int = 0
    busy: bool = False  # the tracer's own tensor work: not the user's ops
    square_probing: bool = False  # a call run again one sample short is under way
    pad_mask: PadMask | None = None
    # What was computed from the weights of a softmax reported for taking padding in: a sum over time of
    # those takes the padding in by the same fault, and the softmax is where the mask belongs.
    weighted: WeakTensorKeyDictionary = field(default_factory=WeakTensorKeyDictionary)
    # The current top-level call's inputs (the square probe's, while it runs): their shapes by source,
    # and its 1-D integer tensors, which may be the lengths of its token batch.
    input_shapes: dict[str, tuple[int, ...]] = field(default_factory=dict)
    lengths_given: dict[str, torch.Tensor] = field(default_factory=dict)
    token_padding: dict[Origin, TokenPadding] = field(default_factory=dict)
    last_pack: tuple[Label | None, Label | None] | None = None  # (batch, time) as the last pack was told
    # The rows torch sorted by length for a pack (enforce_sorted=False), and the order it took them in.
    sorted_for_pack: tuple[torch.Tensor, torch.Tensor] | None = None
    bidirectional: list[BidirectionalCall] = field(default_factory=list)  # in the current top-level call
    # The op mode entered for one top-level call, in a thread other than the tracer's own.
    mode: OpMode | None = None


class Recorder:
    """The state of a traced run and the labels of the tensors it follows, with the tracer's options
    that its parts read (set by the tracer)."""

    layouts: dict[str, str]
    provenance: bool
    probe: bool

    def __init__(self) -> None:
        self._reset()

    def _reset(self) -> None:
        """A fresh record, and no thread anywhere in a call."""
        self._state = Record()
        self._threads = threading.local()

    @property
    def _here(self) -> Calls:
        """This thread's calls."""
        calls: Calls | None = getattr(self._threads, "calls", None)
        if calls is None:
            calls = self._threads.calls = Calls()
        return calls

    def labels_of(self, tensor: torch.Tensor) -> Labels | None:
        """The labels of a tensor, if the tracer has followed it."""
        return self._get(tensor)

    def _get(self, value: object) -> Labels | None:
        if not isinstance(value, torch.Tensor):
            return None
        labels: Labels | None = self._state.labels.get(value)  # type: ignore[no-untyped-call]
        return labels

    def _set(self, tensor: Any, labels: Labels | None) -> None:
        if isinstance(tensor, torch.Tensor) and labels is not None and len(labels) == tensor.dim():
            self._state.labels[tensor] = labels

    def _name(self, module: nn.Module) -> str:
        return self._state.names.get(id(module), type(module).__name__)

    def _internal_error(self, error: Exception) -> None:
        self.errors.append(f"{type(error).__name__}: {error}")

    @property
    def errors(self) -> list[str]:
        """Failures of the tracer itself (a bug of shapelint's): the run went on without those observations."""
        return self._state.errors
