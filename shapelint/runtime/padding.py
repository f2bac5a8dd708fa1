"""The padding of a batch, as the token ids show it, and where a pooling or a last step reads it.

An `nn.Embedding` with `padding_idx` (or token ids that end each row in a run of zeros) shows which
steps of a batch are padding; a `mean`/`sum`/`max` over time, and an `x[:, -1]`, are then checked
against those steps, with the values the run computed.
"""

from __future__ import annotations

from typing import Any

import torch

from shapelint.runtime.axes import Label, Labels
from shapelint.runtime.observations import PadMask, TokenPadding
from shapelint.runtime.places import user_place
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
        dim = dims % tensor.dim()
        batch = mask.rows_in(labels)
        if labels[dim] is None or labels[dim].single() != mask.time or batch is None:  # type: ignore[union-attr]
            return
        steps = tensor.shape[dim]
        if tensor.shape[batch] != mask.real.shape[0] or steps > mask.real.shape[1]:
            return
        self._here.busy = True
        try:
            real = mask.real[:, :steps]
            if bool(real.all()):
                return  # no padding within these steps
            shape = [1] * tensor.dim()
            shape[batch], shape[dim] = real.shape
            order = (0, 1) if batch < dim else (1, 0)
            padded = ~real.permute(*order).reshape(shape).expand_as(tensor)
            values = tensor.detach()[padded]
            if name in ("mean", "nanmean"):
                leaks = True  # the divisor counts the padded steps
            elif name == "sum":
                leaks = bool((values != 0).any())
            else:
                leaks = bool(torch.isfinite(values).any())
        finally:
            self._here.busy = False
        if leaks:
            self._state.declared_violations.append(
                PaddingLeak.finding(user_place(), name, mask.time, mask.from_lengths)
            )

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
            self._state.declared_violations.append(finding)

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
        finally:
            self._here.busy = False
        declared = self._declared_batch_axis(labels[:2])
        if padded_rows[0] != padded_rows[1] or (declared is not None and padded_rows[declared]):
            # Lengths sorted for packing pad the columns like the rows: then only a declaration tells.
            batch = declared if declared is not None else (0 if padded_rows[0] else 1)
            self._state.evidence.saw_batch_axis(labels[batch], labels[1 - batch])
            sample_label, step_label = labels[batch], labels[1 - batch]
            sample = sample_label.single() if sample_label is not None else None
            step = step_label.single() if step_label is not None else None
            if sample is not None and step is not None:
                reordered_at = sample_label.reordered_at if sample_label is not None else None
                self._here.pad_mask = PadMask(sample, step, samples[batch].bool(), reordered_at)
        for batch, label in enumerate(labels[:2]):
            origin, time = (label.single() if label is not None else None), labels[1 - batch]
            if origin is not None and time is not None:
                padded_left = left[batch] and padded_rows[batch]
                self._here.token_padding[origin] = TokenPadding(
                    counts[batch], padded_left, time, tokens.shape[1 - batch]
                )

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
        self._here.pad_mask = PadMask(sample, step, real, batch.reordered_at, from_lengths=True)

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
