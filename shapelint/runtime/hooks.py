"""The module hooks: a model's top-level call labels its inputs and is run again where it must be; an
RNN, an RNN cell, a Linear and the model's output are where labels are judged; an Embedding shows the
padding."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from shapelint.runtime.axes import FEATURES, Label, Origin
from shapelint.runtime.declarations import declared_return
from shapelint.runtime.following import OpFollower
from shapelint.runtime.observations import DeclaredReturn, InitialState, Observation
from shapelint.runtime.places import user_place
from shapelint.runtime.probe import tensors_in
from shapelint.runtime.reruns import Reruns
from shapelint.runtime.tensors import dtype

# Per model class, worked out on its first top-level call: its declared return.
_RETURNS: dict[type[nn.Module], tuple[str, tuple[str | None, ...], str] | None] = {}


class ModuleHooks(OpFollower, Reruns):
    """What the forward pre- and post-hooks of every module do."""

    def _before_module(self, module: nn.Module, args: tuple[Any, ...]) -> None:
        state, here = self._state, self._here
        if here.busy:
            return  # the tracer's own runs (the probe)
        here.depth += 1
        if here.depth == 1 and not here.square_probing:
            self._label_inputs(module, args)
            self._check_declared(module, args)
            if self.probe and id(module) not in state.probed:
                state.probed.add(id(module))
                self._probe(module, args)
            if self.probe and id(module) not in state.square_probed:
                self._square_probe(module, args)
        if isinstance(module, nn.RNNBase) and args:
            self._observe_rnn(module, args)
        elif isinstance(module, nn.RNNCellBase) and args and isinstance(args[0], torch.Tensor):
            self._observe_cell(module, args[0], args[1] if len(args) > 1 else None)
        elif isinstance(module, nn.Linear) and args and isinstance(args[0], torch.Tensor):
            labels = self._get(args[0])
            if labels is not None:
                state.observations.append(Observation("linear", user_place(), self._name(module), labels))

    def _after_module(self, module: nn.Module, args: tuple[Any, ...], output: Any) -> None:
        state, here = self._state, self._here
        if here.busy:
            return
        here.depth = max(0, here.depth - 1)
        if isinstance(module, nn.Embedding) and args and isinstance(output, torch.Tensor):
            labels = self._get(args[0])
            if labels is not None:
                self._set(output, (*labels, FEATURES))
                if module.padding_idx is not None and args[0].dim() == 2:
                    self._padding_evidence(args[0], module.padding_idx, labels)
                elif args[0].dim() == 2 and self._trailing_zeros(args[0]):
                    self._padding_evidence(args[0], 0, labels)
        elif isinstance(module, nn.RNNBase) and args:
            self._label_rnn_outputs(module, args[0], output)
            # A top-level RNN's results all go back to the caller, and without the mode no op is seen.
            if module.bidirectional and here.depth > 0 and self.provenance:
                self._watch_directions(module, args[0], output)
        if here.depth == 0:
            if here.bidirectional:
                self._judge_directions(module, output)
            if isinstance(output, torch.Tensor):
                self._observe_return(module, output)
            for tensor in tensors_in(output):
                labels = self._get(tensor)
                if labels is not None:
                    state.observations.append(Observation("output", "", self._name(module), labels))
            state.steps += 1

    def _observe_rnn(self, module: nn.RNNBase, args: tuple[Any, ...]) -> None:
        given, place = args[0], user_place()
        hidden = args[1] if len(args) > 1 else None
        states = [state for state in tensors_in(hidden) if state.dim() == 3]
        labels = self._get(given) if isinstance(given, torch.Tensor) and given.dim() == 3 else None
        if labels is not None:
            self._state.observations.append(Observation("rnn", place, self._name(module), labels, module.batch_first))
            if states:
                self._state.evidence.saw_batch_size(labels[:2], states[0].shape[1], given.shape[:2])
                self._observe_initial_state(module, states[0], place)
        for state in states:  # an initial state cut by a view across the batch: each sample starts from others'
            state_labels = self._get(state)
            if state_labels is not None and any(label is not None and label.mixed for label in state_labels):
                self._state.observations.append(Observation("state", place, self._name(module), state_labels))

    def _observe_cell(self, module: nn.RNNCellBase, given: torch.Tensor, hidden: Any) -> None:
        """One step of a hand-written recurrence: the rows of a cell's input are its samples. The state it
        is given has one row per sample, so the input axis that state was built for is the batch."""
        labels = self._get(given)
        rows = labels[0] if labels is not None and given.dim() == 2 else None
        axis = rows.single() if rows is not None else None
        if labels is None or rows is None or given.shape[0] < 2:
            return  # unbatched, or one row: no samples to mix up
        self._state.observations.append(Observation("cell", user_place(), self._name(module), labels))
        state = next(tensors_in(hidden), None)
        if axis is None or axis.dim < 0 or state is None or state.dim() != 2:
            return
        state_labels = self._get(state)
        held = state_labels[0].single() if state_labels is not None and state_labels[0] is not None else None
        shape = self._here.input_shapes.get(axis.source, ())
        count = state.shape[0]
        if held is None and count != given.shape[0] and len(shape) > axis.dim and shape[axis.dim] == given.shape[0]:
            # An unlabelled state (`h = x.new_zeros(x.size(0), hidden)`) that torch is about to refuse (the
            # square probe's shorter batch shows it where the sizes coincide): the one other axis of its size.
            sized = [dim for dim, size in enumerate(shape) if size == count and dim != axis.dim]
            held = Origin(axis.source, sized[0]) if len(sized) == 1 else None
        if held is not None and held != axis and held.source == axis.source and held.dim >= 0:
            self._state.evidence.saw_batch_axis(Label((held,)), rows)

    def _observe_initial_state(self, module: nn.RNNBase, state: torch.Tensor, place: str) -> None:
        """Keep an initial state whose first axis, layers * directions, holds an input's axis: whether
        that axis is the batch, the run tells by the end."""
        labels = self._get(state)
        first = labels[0] if labels is not None else None
        axis = first.single() if first is not None else None
        if axis is not None and axis.dim >= 0 and place not in self._state.initial_states:
            seen = InitialState(place, self._name(module), axis, tuple(state.shape), dtype(state))
            self._state.initial_states[place] = seen

    def _label_rnn_outputs(self, module: nn.RNNBase, given: Any, output: Any) -> None:
        if not isinstance(output, tuple):
            return
        if isinstance(given, torch.Tensor) and given.dim() == 3 and (labels := self._get(given)) is not None:
            # The RNN runs along its time slot: the output keeps the input's first two dims.
            self._set(output[0], (labels[0], labels[1], FEATURES))
            batch = labels[0] if module.batch_first else labels[1]
        elif self._here.last_pack is not None:
            batch = self._here.last_pack[0]  # a packed input: the axes the pack was given
        else:
            return
        # h_n/c_n: (layers * directions, batch, hidden) whatever batch_first says.
        layers = Label((Origin(f"the layers*directions of `{self._name(module)}`'s final state", -1),))
        for state in tensors_in(output[1]):
            self._set(state, (layers, batch, FEATURES))

    def _observe_return(self, model: nn.Module, output: torch.Tensor) -> None:
        """Keep a returned tensor whose ``forward`` declares its layout (``-> Float[Tensor, "batch seq tags"]``)."""
        if type(model) not in _RETURNS:
            _RETURNS[type(model)] = declared_return(type(model))
        declared = _RETURNS[type(model)]
        labels = self._get(output)
        if declared is None or labels is None or declared[2] in self._state.returns:
            return
        spec, roles, place = declared
        axes = tuple(label.single() if label is not None else None for label in labels)
        seen = DeclaredReturn(place, self._name(model), spec, roles, axes, tuple(output.shape), dtype(output))
        self._state.returns[place] = seen
