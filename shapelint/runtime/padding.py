"""The padding of a batch, as the token ids show it, and where a pooling, a softmax or a last step reads it.

An `nn.Embedding` with `padding_idx` (or token ids that end each row in a run of zeros) shows which
steps of a batch are padding (where rows and columns could both be the samples, the lengths given to
the model beside the tokens tell which); a `mean`/`sum`/`max` or a `softmax` over time, and an
`x[:, -1]`, are then checked against those steps, with the values the run computed.
"""

from __future__ import annotations

from typing import Any

import torch

from shapelint.runtime.axes import Label, Labels
from shapelint.runtime.observations import PadMask, TokenPadding
from shapelint.runtime.places import user_names, user_place
from shapelint.runtime.record import Recorder
from shapelint.runtime.rules import tensor_words
from shapelint.runtime.rules.last_step_padding import LastStepPadding
from shapelint.runtime.rules.padding_leak import PaddingLeak
from shapelint.runtime.tensors import dtype, rows_are_padded_sequences


class PaddingChecks(Recorder):
    """Which steps of the last token batch are padding, and the reads over time that take them in."""

    def _check_pool(self, name: str, tensor: torch.Tensor, labels: Labels, rest: Any, kwargs: dict[str, Any]) -> None:
        """A mean/sum/max over the time axis of a padded batch: do the padded steps take part?"""
        mask = self._here.pad_mask
        assert mask is not None
        dims = kwargs.get("dim", rest[0] if rest else None)
        if not isinstance(dims, int) or tensor.dim() < 2:
            return
        self._here.busy = True
        try:
            padded = self._padded_positions(tensor, labels, dims % tensor.dim())
            if padded is None:
                return
            values = tensor.detach()[padded]
            if name in ("mean", "nanmean"):
                leaks = True  # the divisor counts the padded steps
            elif name == "sum":
                leaks = bool((values != 0).any()) and tensor not in self._here.weighted
            else:
                leaks = bool(torch.isfinite(values).any())
        finally:
            self._here.busy = False
        if leaks:
            self._state.found_at_call.append(PaddingLeak.finding(user_place(), name, mask.time, mask.from_lengths))

    def _check_softmax(
        self, scores: torch.Tensor, labels: Labels, rest: Any, kwargs: dict[str, Any], weights: torch.Tensor
    ) -> None:
        """A softmax over the time axis of a padded batch: do the padded steps get weight? Masked (their
        scores -inf, or so negative that exp gives 0) they get none; unmasked every step gets some."""
        mask = self._here.pad_mask
        assert mask is not None
        dim = kwargs.get("dim", rest[0] if rest else None)
        if dim is None:
            dim = 0 if scores.dim() in (0, 1, 3) else 1  # the dim torch picks when none is given
        if not isinstance(dim, int) or scores.dim() < 2 or weights.shape != scores.shape:
            return
        time = dim % scores.dim()
        self._here.busy = True
        try:
            padded = self._padded_positions(scores, labels, time)
            if padded is None:
                return
            # A sample with no real step has nothing to attend to, masked or not.
            padded = padded & (~padded).any(time, keepdim=True)
            batch = mask.rows_in(labels)
            assert batch is not None
            given = (weights.detach() > 0) & padded
            samples = given.movedim(batch, 0).reshape(given.shape[batch], -1).any(1)
            leaking, whole = int(samples.sum()), scores.shape[time] == mask.real.shape[1]
        finally:
            self._here.busy = False
        if not leaking:
            return
        self._here.weighted[weights] = True
        named = user_names(scores)
        name = named[0] if len(named) == 1 else "scores"
        roles = ["batch" if i == batch else "time" if i == time else "feat" for i in range(scores.dim())]
        words = tensor_words(dtype(scores), tuple(scores.shape), roles)
        # The mask in the user's names only where it lines up with the scores as written.
        written = _padded_words(mask, name, scores.dim(), batch, time) if whole and not mask.reordered_at else None
        finding = PaddingLeak.softmax_finding(
            user_place(), mask.time, words, (leaking, scores.shape[batch]), name, written
        )
        self._state.found_at_call.append(finding)

    def _follow_weights(self, args: Any, result: Any) -> None:
        """``out * weights.unsqueeze(-1)``: what an op makes from the weights of a reported softmax."""
        weighted = self._here.weighted
        if isinstance(result, torch.Tensor) and any(isinstance(arg, torch.Tensor) and arg in weighted for arg in args):
            weighted[result] = True

    def _padded_positions(self, tensor: torch.Tensor, labels: Labels, dim: int) -> torch.Tensor | None:
        """True where ``tensor``'s step along ``dim`` is padding for its sample, in ``tensor``'s shape; None
        when ``dim`` is not the padded batch's time axis, the samples are not its rows, or nothing is padding
        (the tracer's own tensor work: called with ``busy`` set)."""
        mask = self._here.pad_mask
        assert mask is not None
        batch, label = mask.rows_in(labels), labels[dim]
        if label is None or label.single() != mask.time or batch is None:
            return None
        steps = tensor.shape[dim]
        if tensor.shape[batch] != mask.real.shape[0] or steps > mask.real.shape[1]:
            return None
        real = mask.real[:, :steps].to(tensor.device)
        if bool(real.all()):
            return None  # no padding within these steps
        shape = [1] * tensor.dim()
        shape[batch], shape[dim] = real.shape
        order = (0, 1) if batch < dim else (1, 0)
        padded: torch.Tensor = ~real.permute(*order).reshape(shape).expand_as(tensor)
        return padded

    def _check_last_step(self, tensor: torch.Tensor, labels: Labels, dim: int, here: str) -> None:
        """``out[:, -1]`` over the time axis of a padded batch: is that step padding for some sample, with a
        value other than at the sample's last real step (where a masked running sum would have stopped)?"""
        mask = self._here.pad_mask
        assert mask is not None
        batch = mask.rows_in(labels)
        if not tensor.is_floating_point():
            return  # token ids are no summary (`tokens[:, -1] == pad` asks about the padding itself)
        if batch is None or (tensor.shape[batch], tensor.shape[dim]) != tuple(mask.real.shape):
            return  # not this batch's samples, or not the tokens' own steps (a shifted or cut sequence)
        self._here.busy = True
        try:
            real = mask.real.to(tensor.device)
            samples, steps = real.shape
            last_real = (real * torch.arange(1, steps + 1, device=real.device)).argmax(1)
            values = tensor.detach().movedim((batch, dim), (0, 1))
            at_end, at_last_real = values[:, -1], values[torch.arange(samples, device=real.device), last_real]
            differs = (at_end != at_last_real).reshape(samples, -1).any(1)
            wrong = differs & ~real[:, -1] & real.any(1)
            lengths = real.sum(1)[wrong].tolist()
        finally:
            self._here.busy = False
        if lengths:
            roles = ["batch" if i == batch else "time" if i == dim else "feat" for i in range(tensor.dim())]
            described = tensor_words(dtype(tensor), tuple(tensor.shape), roles)
            finding = LastStepPadding.finding(here, mask.time, described, lengths, samples)
            self._state.found_at_call.append(finding)

    def _padding_evidence(self, tokens: torch.Tensor, pad: int, labels: Labels) -> None:
        """In a padded batch each sample is real tokens then padding (or the reverse): the axis
        whose rows look like that is the batch."""
        for label in labels[:2]:
            if label is not None and (origin := label.single()) is not None:
                self._here.token_padding.pop(origin, None)  # a new batch: forget the last one's padding
                mask = self._here.pad_mask
                if mask is not None and origin in (mask.batch, mask.time):
                    self._here.pad_mask = None
        self._here.busy = True
        try:
            real = (tokens != pad).int()
            if bool(real.all()):
                return  # no padding: nothing to see
            samples = [real, real.t()]  # rows are samples if the batch is axis 0, or axis 1
            padded_rows = [rows_are_padded_sequences(rows) for rows in samples]
            counts = [sorted(rows.sum(1).tolist()) for rows in samples]
            left = [bool((rows[:, 1:] - rows[:, :-1] >= 0).all()) for rows in samples]
            told, counted_by = self._declared_batch_axis(labels[:2]), None
            if told is None and all(padded_rows):
                told, counted_by = self._counted_axis(samples)
        finally:
            self._here.busy = False
        if padded_rows[0] != padded_rows[1] or (told is not None and padded_rows[told]):
            # Lengths sorted (for packing, or a batch of two) pad the columns like the rows: then only a
            # declaration tells, or the lengths the model was given beside the tokens.
            batch = told if told is not None else (0 if padded_rows[0] else 1)
            self._state.evidence.saw_batch_axis(labels[batch], labels[1 - batch])
            sample_label, step_label = labels[batch], labels[1 - batch]
            sample = sample_label.single() if sample_label is not None else None
            step = step_label.single() if step_label is not None else None
            if sample is not None and step is not None:
                reordered_at = sample_label.reordered_at if sample_label is not None else None
                # Lengths that told the samples tell their padding as the user may write it too (real steps first).
                lengths = counted_by if not left[batch] else None
                real = samples[batch].bool()
                pad_id = None if lengths else pad
                self._here.pad_mask = PadMask(sample, step, real, reordered_at, pad_id, lengths or "lengths")
        for batch, label in enumerate(labels[:2]):
            origin, time = (label.single() if label is not None else None), labels[1 - batch]
            if origin is not None and time is not None:
                padded_left = left[batch] and padded_rows[batch]
                self._here.token_padding[origin] = TokenPadding(
                    counts[batch], padded_left, time, tokens.shape[1 - batch]
                )

    def _counted_axis(self, samples: list[torch.Tensor]) -> tuple[int | None, str | None]:
        """Which reading of a batch whose rows and columns both look padded (samples as rows, or as
        columns) has the real-token counts, in order, of a 1-D integer tensor given to the model (its
        lengths), and that tensor's name; None when neither or both do."""
        fits = [
            [
                name
                for name, given in self._here.lengths_given.items()
                if given.shape == rows.shape[:1] and bool((given.to(rows.device) == rows.sum(1)).all())
            ]
            for rows in samples
        ]
        if bool(fits[0]) == bool(fits[1]):
            return None, None
        axis = 0 if fits[0] else 1
        return axis, fits[axis][0]

    def _padding_from_lengths(
        self, data: torch.Tensor, lengths: torch.Tensor, batch: Label, time: Label, steps_dim: int
    ) -> None:
        """The lengths a pack was given tell the padding of its batch where the tokens did not (an
        Embedding without `padding_idx`, a padding id other than 0): sample b's steps from
        ``lengths[b]`` on are padding. torch sorts the rows for the pack; the mask is in the given order."""
        sample, step, mask = batch.single(), time.single(), self._here.pad_mask
        if sample is None or step is None or (mask is not None and mask.batch == sample):
            return
        steps = data.shape[steps_dim]
        if data.shape[1 - steps_dim] == steps:
            return  # torch checks the lengths against the axis it was told is the batch: here both fit
        self._here.busy = True
        try:
            told = lengths.to("cpu", torch.int64)
            order = self._here.sorted_for_pack
            if order is not None and order[0] is data and order[1].shape == told.shape:
                given = torch.empty_like(told)
                given[order[1].cpu()] = told  # row order[1][i] of the given batch is sorted row i
                told = given
            if told.dim() != 1 or int(told.max()) > steps:
                return  # not lengths of these steps (torch does not check lengths past the end)
            real = torch.arange(steps) < told[:, None]
        finally:
            self._here.busy = False
            self._here.sorted_for_pack = None
        named = user_names(lengths)  # unnamed when torch converted a list, or sorted them (`enforce_sorted=False`)
        told_as = named[0] if len(named) == 1 else "lengths"
        self._here.pad_mask = PadMask(sample, step, real, batch.reordered_at, lengths=told_as)

    def _trailing_zeros(self, tokens: torch.Tensor) -> bool:
        """An Embedding without `padding_idx` over token ids padded with 0 all the same: along one axis
        only, every row is real tokens then zeros (or the reverse), and at least two rows end (or start)
        with two zeros or more. A 0 that is a real token sits among real tokens and breaks that, and two
        random zeros side by side at the end of two rows are rare."""
        if tokens.is_floating_point() or tokens.dtype == torch.bool:
            return False
        self._here.busy = True
        try:
            real = (tokens != 0).int()
            if bool(real.all()):
                return False
            shapes = [rows_are_padded_sequences(rows) for rows in (real, real.t())]
            if shapes[0] == shapes[1]:
                return False
            rows = real if shapes[0] else real.t()
            return int((rows.sum(1) <= rows.size(1) - 2).sum()) >= 2
        finally:
            self._here.busy = False

    def _declared_batch_axis(self, labels: Labels) -> int | None:
        """Which of these axes a declared layout names the batch, if one does."""
        declared = self._state.evidence.declared
        origins = [label.single() if label is not None else None for label in labels]
        roles = [declared.get(origin) if origin is not None else None for origin in origins]
        return roles.index("batch") if roles.count("batch") == 1 else None


def _padded_words(mask: PadMask, scores: str, rank: int, batch: int, time: int) -> str:
    """The padded steps of ``scores`` (its ``batch`` and ``time`` dims) in the user's names, true at padding and
    shaped to broadcast against it: ``tokens == 0``, or from the lengths given to a pack or the model."""
    if mask.pad is None:
        steps = f"torch.arange({scores}.size({time})) >= {mask.lengths}[:, None]"  # (batch, time)
    else:
        tokens = mask.batch.source.rpartition(".")[2]  # `Encoder.tokens`: the argument is `tokens`
        steps = f"{tokens} == {mask.pad}" if mask.batch.dim < mask.time.dim else f"{tokens}.t() == {mask.pad}"
    if batch > time:
        steps = f"({steps}).t()"
    if rank > 2:
        steps = f"({steps})[{', '.join(':' if dim in (batch, time) else 'None' for dim in range(rank))}]"
    return steps
