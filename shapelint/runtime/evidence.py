"""What a run shows about which input axis is the batch and which the time.

Declarations win. Otherwise: across calls the time size keeps changing (batches padded
to their own longest sequence) while the batch size takes at most two values; in a padded
token batch each sample is real tokens then padding; ``pack_padded_sequence``'s lengths,
an RNN's initial state and a classifier's targets give the batch size. Evidence that
disagrees with itself decides nothing. Pure Python: no torch here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from shapelint.runtime.axes import Label, Origin


@dataclass
class Evidence:
    declared: dict[Origin, str] = field(default_factory=dict)
    shapes: dict[str, list[tuple[int, ...]]] = field(default_factory=dict)
    latest: dict[str, tuple[int, ...]] = field(default_factory=dict)
    votes: Counter[tuple[Origin, str]] = field(default_factory=Counter)

    def declare(self, origin: Origin, role: str) -> None:
        self.declared[origin] = role

    def saw_sizes(self, source: str, shape: tuple[int, ...]) -> None:
        seen = self.shapes.setdefault(source, [])
        if shape not in seen:
            seen.append(shape)
        self.latest[source] = shape

    def saw_targets(self, count: int) -> None:
        """A loss got one target per sample: in the latest inputs, the one axis of that size is the batch."""
        for source, shape in self.latest.items():
            if len(shape) == 2 and shape[0] != shape[1] and count in shape:
                batch = shape.index(count)
                self.votes[(Origin(source, batch), "batch")] += 1
                self.votes[(Origin(source, 1 - batch), "time")] += 1

    def saw_batch_size(self, labels: Sequence[Label | None], batch_size: int, sizes: Sequence[int]) -> None:
        """Two leading dims of sizes ``sizes`` with labels ``labels``, and a known batch size."""
        if len(labels) < 2 or sizes[0] == sizes[1]:
            return  # batch == seq: the sizes cannot tell
        for label, size, other in ((labels[0], sizes[0], labels[1]), (labels[1], sizes[1], labels[0])):
            origin = label.single() if label is not None else None
            partner = other.single() if other is not None else None
            if origin is not None and size == batch_size:
                self.votes[(origin, "batch")] += 1
                if partner is not None:
                    self.votes[(partner, "time")] += 1

    def saw_batch_axis(self, batch: Label | None, time: Label | None) -> None:
        for label, role in ((batch, "batch"), (time, "time")):
            origin = label.single() if label is not None else None
            if origin is not None:
                self.votes[(origin, role)] += 1

    def roles(self) -> dict[Origin, str]:
        """The role of each data axis the run has settled."""
        votes = Counter(self.votes)
        for source, shapes in self.shapes.items():
            pairs = [shape for shape in shapes if len(shape) == 2]
            distinct = [len({shape[dim] for shape in pairs}) for dim in (0, 1)]
            for time in (0, 1):
                # Batches padded to their own longest sequence: the time size keeps changing, while the
                # batch size takes at most two values (full batches and a smaller last one).
                if distinct[time] >= 3 and distinct[1 - time] <= 2:
                    votes[(Origin(source, time), "time")] += 1
                    votes[(Origin(source, 1 - time), "batch")] += 1
        roles: dict[Origin, str] = {}
        for origin in {origin for origin, _ in votes}:
            said = {role for (o, role), count in votes.items() if o == origin and count}
            if len(said) == 1:
                roles[origin] = said.pop()
        roles.update(self.declared)
        return roles
