"""A model's first call run again, on the tracer's terms: the probe that changes one sample's tokens
(SHP507), and the run one sample short where two sizes coincide (batch == seq_len), which shows what a
view that moves no number does, and makes an RNN refuse a state built batch-first (SHP512)."""

from __future__ import annotations

import re
from typing import Any

import torch
from torch import nn

from shapelint.runtime import ownership
from shapelint.runtime.axes import Origin
from shapelint.runtime.declarations import parameter_names
from shapelint.runtime.inputs import InputLabels
from shapelint.runtime.isolation import isolated
from shapelint.runtime.places import raised_at, user_place
from shapelint.runtime.probe import mixes_samples, token_input
from shapelint.runtime.rules.batch_dependence import BatchDependence
from shapelint.runtime.rules.batch_first_state import BatchFirstState
from shapelint.runtime.threads import own_threads

# torch's refusal of an initial state: "Expected hidden[0] size (2, 3, 16), got [3, 2, 16]".
_HIDDEN_SIZE = re.compile(r"Expected hidden(?:\[\d\])? size \((?P<expected>[\d, ]+)\), got \[(?P<got>[\d, ]+)\]")


class Reruns(InputLabels):
    """Runs a model's first call again: the probe, and the square probe."""

    def _probe(self, module: nn.Module, args: tuple[Any, ...]) -> None:
        position = token_input(args)
        if position is None:
            return
        place = user_place()
        self._here.busy = True
        try:
            mixed = mixes_samples(module, args, position, ownership.hook_ids())
        finally:
            self._here.busy = False
        if mixed:
            source = parameter_names(module, len(args))[position]
            self._state.found_at_call.append(BatchDependence.finding(place, self._name(module), source))

    def _square_probe(self, module: nn.Module, args: tuple[Any, ...]) -> None:
        """Where two sizes coincide (batch == seq_len, or a batch as large as an RNN's layers *
        directions), a view that swaps two axes or a state built batch-first moves nothing the sizes
        can show. So the call runs once more, traced, on its inputs one row short along axis 0: there
        the sizes differ, and a view that re-cuts memory across the two axes shows as on any other
        batch, while a batch-first state makes the RNN refuse it. Nothing of that run reaches the user:
        no gradient, the same random state, no hook but the tracer's, every module's attributes put back.
        """
        names = parameter_names(module, len(args))
        inputs = [(name, value) for name, value in self._input_tensors(zip(names, args)) if value.dim() > 0]
        if not inputs or not _sizes_coincide([value for _, value in inputs], module):
            return
        self._state.square_probed.add(id(module))
        name, first = inputs[0]
        shorter = _one_short(args, first.shape[0])
        if shorter is None:
            return
        place = user_place()
        here = self._here
        given = here.input_shapes, here.lengths_given  # the call's own, for its run after this one
        here.square_probing = True
        try:
            ours = ownership.hook_ids()
            with isolated(module, ours), torch.no_grad(), torch.random.fork_rng(devices=[]), own_threads():
                self._label_inputs(module, shorter, probing=True)
                module(*shorter)
        except Exception as error:  # a model that cannot run one sample short is judged only by why
            self._batch_first_state_refused(module, error, Origin(self._input_source(module, name), 0), place)
        finally:
            here.square_probing = False
            here.input_shapes, here.lengths_given = given

    def _batch_first_state_refused(self, module: nn.Module, error: Exception, batch: Origin, called: str) -> None:
        """The RNN refused the initial state of the shorter batch as the swap of what it expects: the
        state holds the batch where the layers go, and only batch == layers * directions let it pass."""
        refused = _HIDDEN_SIZE.search(str(error))
        if refused is None:
            return
        expected, got = refused.group("expected").split(", "), refused.group("got").split(", ")
        if len(expected) == 3 and [got[1], got[0], got[2]] == expected:
            where = raised_at(error) or called
            shape = tuple(int(size) + (1 if index == 0 else 0) for index, size in enumerate(got))
            state = f"a tensor of shape {shape}"
            rnn = next((self._name(sub) for sub in module.modules() if isinstance(sub, nn.RNNBase)), "the RNN")
            self._state.found_at_call.append(BatchFirstState.finding(where, rnn, batch, state))


def _sizes_coincide(inputs: list[torch.Tensor], module: nn.Module) -> bool:
    """Two axes of an input of the same size (more than one), or a leading axis as long as an RNN of
    the model has layers * directions: layouts that sizes cannot tell apart."""
    for value in inputs:
        sizes = [size for size in value.shape if size > 1]
        if len(sizes) != len(set(sizes)):
            return True
    stacks = {
        sub.num_layers * (2 if sub.bidirectional else 1) for sub in module.modules() if isinstance(sub, nn.RNNBase)
    }
    return any(value.shape[0] in stacks and value.shape[0] > 1 for value in inputs)


def _one_short(args: tuple[Any, ...], size: int) -> tuple[Any, ...] | None:
    """The arguments with one row fewer wherever axis 0 has ``size`` rows (the tokens, their lengths,
    a mask), and inside tuple or list arguments; None when that leaves nothing (one row)."""
    if size < 2:
        return None

    def short(value: Any) -> Any:
        if isinstance(value, torch.Tensor) and value.dim() > 0 and value.shape[0] == size:
            return value[: size - 1].clone()
        if isinstance(value, (tuple, list)):
            return type(value)(short(item) for item in value)
        return value

    return tuple(short(value) for value in args)
