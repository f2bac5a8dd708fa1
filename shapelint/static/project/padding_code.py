"""How data code pads its sequences, as the scan recognises it in `ast` nodes: a list topped up with a
filler (`ids + [PAD] * (n - len(ids))`, `while len(ids) < n: ids.append(PAD)`), a slice of an array
filled up to each sequence's length (`padded[i, :len(seq)] = seq`)."""

from __future__ import annotations

import ast

from shapelint.static.project.syntax import dotted

FILLED_ARRAYS = frozenset({"zeros", "full", "ones", "empty"})


def index_pieces(index: ast.expr) -> list[ast.expr]:
    return index.elts if isinstance(index, ast.Tuple) else [index]


def length_slice(index: ast.expr, lengths: set[str]) -> bool | None:
    """Whether an index writes each sequence at the start of its row (``[:len(seq)]``: True) or at its
    end (``[n - len(seq):]``: False); None if it is not cut by a length (``lengths``: names bound to
    one)."""
    for piece in index_pieces(index):
        if not isinstance(piece, ast.Slice) or piece.step is not None:
            continue
        if piece.lower is None and piece.upper is not None and a_length(piece.upper, lengths):
            return True
        lower = piece.lower
        if piece.upper is None and isinstance(lower, ast.BinOp) and isinstance(lower.op, ast.Sub):
            return False if a_length(lower.right, lengths) else None
    return None


def a_length(node: ast.expr, lengths: set[str]) -> bool:
    """``len(seq)``, or a name bound to a length (``length``, ``lengths[i]``); a window size such as
    a ``seq_len`` parameter is not one."""
    if isinstance(node, ast.Call):
        return dotted(node.func) == "len"
    if isinstance(node, ast.Subscript):
        node = node.value
    return isinstance(node, ast.Name) and node.id in lengths


def pads_a_list(node: ast.expr) -> bool:
    """``[PAD] * (n - len(x))`` (either way round, the count perhaps wrapped in ``int(...)``)."""
    if not isinstance(node, ast.BinOp) or not isinstance(node.op, ast.Mult):
        return False
    for items, count in ((node.left, node.right), (node.right, node.left)):
        if not isinstance(items, ast.List) or len(items.elts) != 1:
            continue
        if _length_difference(count) or (_names_padding(items.elts[0]) and _difference(count) is not None):
            return True
    return False


def _names_padding(node: ast.expr) -> bool:
    """``'[PAD]'``, ``'<pad>'``, ``PAD``, ``self.pad_id``: a filler that says it is padding."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and "pad" in node.value.lower()
    name = dotted(node)
    return name is not None and "pad" in name.rpartition(".")[2].lower()


# What a fill loop may append: a pad value, or an array built from sizes (a placeholder vector).
_FILLER_ARRAYS = FILLED_ARRAYS | {"rand", "randn", "zeros_like", "ones_like", "full_like"}


def loop_words(header: str, filled: str) -> str:
    """A fill loop as a message names it: its header, and its append if there is room."""
    whole = f"{header} {filled}.append(...)"
    return whole if len(whole) <= 60 else header


def measured(node: ast.expr) -> str | None:
    """``ids`` in ``len(ids)``."""
    if isinstance(node, ast.Call) and dotted(node.func) == "len" and len(node.args) == 1 and not node.keywords:
        return dotted(node.args[0])
    return None


def appends_filler(body: list[ast.stmt], filled: str) -> bool:
    """Whether a loop's only statement appends one filler to ``filled``: a value that reads nothing
    of the list (``ratios.append(ratios[-1])`` extends a list, it does not pad it) and calls nothing
    but array factories (``random.choice(words)`` draws a sample, it does not pad)."""
    if len(body) != 1 or not isinstance(body[0], ast.Expr):
        return False
    call = body[0].value
    if not (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and call.func.attr == "append"
        and dotted(call.func.value) == filled
        and len(call.args) == 1
        and not call.keywords
    ):
        return False
    filler = call.args[0]
    for part in ast.walk(filler):
        if isinstance(part, (ast.Name, ast.Attribute)) and dotted(part) == filled:
            return False
        if isinstance(part, ast.Call) and (dotted(part.func) or "").rpartition(".")[2] not in _FILLER_ARRAYS:
            return False
    return True


def _length_difference(node: ast.expr) -> bool:
    """``n - len(x)``: what is missing of a sequence's length."""
    difference = _difference(node)
    right = difference.right if difference is not None else None
    return isinstance(right, ast.Call) and dotted(right.func) == "len"


def _difference(node: ast.expr) -> ast.BinOp | None:
    while isinstance(node, ast.Call) and len(node.args) == 1 and dotted(node.func) in ("int", "max"):
        node = node.args[0]
    return node if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub) else None
