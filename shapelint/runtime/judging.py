"""Turning what a run showed into findings, given the roles the run settled for its data axes."""

from __future__ import annotations

from collections.abc import Iterator

from shapelint.findings import Finding
from shapelint.runtime.axes import Label, Origin
from shapelint.runtime.observations import DeclaredReturn, LastPick, Observation
from shapelint.runtime.places import source_at
from shapelint.runtime.rules import tensor_words
from shapelint.runtime.rules.batch_time_swap import BatchTimeSwap
from shapelint.runtime.rules.layers_as_batch import LayersAsBatch
from shapelint.runtime.rules.mixed_axes import MixedAxes
from shapelint.runtime.rules.pack_batch_first import PackBatchFirst
from shapelint.runtime.rules.steps_as_batch import StepsAsBatch


def judge(
    observation: Observation,
    roles: dict[Origin, str],
    picks: dict[str, LastPick],
    size_names: dict[tuple[str, Origin], str],
) -> Iterator[Finding]:
    """The findings one observation supports, given the roles known for data axes, the ``x[:, -1]`` seen,
    and the user's names for the sizes of the axes a view mixed (by the view's place)."""
    for label in observation.labels:
        if label is not None and label.mixed and _crosses_data_axes(label):
            named = {origin: name for (place, origin), name in size_names.items() if place == label.mixed_at}
            yield MixedAxes.finding(observation, label, roles, named)
            return
    if observation.kind == "rnn" and observation.batch_first is not None:
        time_slot = 1 if observation.batch_first else 0
        for slot, expected in ((time_slot, "time"), (1 - time_slot, "batch")):
            label = observation.labels[slot]
            origin = label.single() if label is not None else None
            if origin is not None and roles.get(origin) not in (None, expected):
                yield BatchTimeSwap.finding(observation, label, origin, roles[origin])  # type: ignore[arg-type]
                return
    if observation.kind == "cell":
        label = observation.labels[0]
        origin = label.single() if label is not None else None
        if label is not None and origin is not None and roles.get(origin) == "time":
            picked = source_at(label.moved_at) if label.moved_at is not None else None
            yield StepsAsBatch.cell_finding(observation, origin, picked)
            return
    if observation.kind in ("linear", "loss"):
        for label in observation.labels[:1]:
            origin = label.single() if label is not None else None
            if origin is not None and origin.dim < 0:
                yield LayersAsBatch.finding(observation, label)  # type: ignore[arg-type]
                return
    if observation.kind in ("linear", "loss", "output"):
        pick = _steps_as_batch(observation, roles, picks)
        if pick is not None:
            size, words = pick.shape[pick.dim], kept_tensor_words(pick, roles)
            yield StepsAsBatch.finding(observation, pick.where, pick.axis, size, words)
            return
    if observation.kind == "pack" and observation.batch_first is not None:
        batch_slot = 0 if observation.batch_first else 1
        label = observation.labels[batch_slot]
        origin = label.single() if label is not None else None
        if origin is not None and roles.get(origin) == "time":
            yield PackBatchFirst.finding(observation, origin)


def _steps_as_batch(observation: Observation, roles: dict[Origin, str], picks: dict[str, LastPick]) -> LastPick | None:
    """The ``out[:, -1]`` that took the batch axis of an RNN-like tensor (time, batch and features) away and
    left its time axis to stand for the batch in what ``observation`` saw; None when a batch axis is there."""
    axes = [label.single() if label is not None else None for label in observation.labels]
    if any(roles.get(axis) == "batch" for axis in axes if axis is not None):
        return None
    for label, axis in zip(observation.labels, axes):
        pick = picks.get(label.moved_at) if label is not None and label.moved_at is not None else None
        if pick is None or axis is None or roles.get(axis) != "time" or roles.get(pick.axis) != "batch":
            continue
        # The time and the batch of one input (tokens), beside an axis the model made (features).
        if axis.source == pick.axis.source and axis in pick.axes and None in pick.axes:
            return pick
    return None


def returns_swapped(seen: DeclaredReturn, roles: dict[Origin, str]) -> bool:
    """The returned tensor holds the time where its annotation declares the batch, and the batch where the time."""
    if len(seen.roles) != len(seen.axes):
        return False
    held = [roles.get(axis) if axis is not None else None for axis in seen.axes]
    return held[seen.roles.index("batch")] == "time" and held[seen.roles.index("time")] == "batch"


def kept_tensor_words(seen: LastPick | DeclaredReturn, roles: dict[Origin, str]) -> str:
    """``f32[4,4,8] (time=4 batch=4 feat=8)``: a kept tensor, with the roles the run settled for its axes."""
    named = [
        "feat" if axis is None else "layers*dirs" if axis.dim < 0 else roles.get(axis, f"{axis.source}[{axis.dim}]")
        for axis in seen.axes
    ]
    return tensor_words(seen.dtype, seen.shape, named)


def _crosses_data_axes(label: Label) -> bool:
    return len({origin for origin in label.origins}) >= 2
