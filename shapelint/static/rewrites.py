"""Expressions that fixes put in place of flagged code, built as libcst nodes so they print cleanly."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

_ATOMIC = (cst.Name, cst.Attribute, cst.Call, cst.Subscript)


def _operand(receiver: cst.BaseExpression) -> cst.BaseExpression:
    """``receiver`` safe to put before ``.method(...)``: parenthesised unless it binds tightly."""
    if isinstance(receiver, _ATOMIC) or receiver.lpar:
        return receiver
    return receiver.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])


def method_call(receiver: cst.BaseExpression, method: str, args: Sequence[cst.Arg]) -> cst.Call:
    return cst.Call(func=cst.Attribute(value=_operand(receiver), attr=cst.Name(method)), args=list(args))


def _integer(value: int) -> cst.BaseExpression:
    return cst.Integer(str(value)) if value >= 0 else cst.parse_expression(str(value))


def _keyword_arg(keyword: str, value: cst.BaseExpression) -> cst.Arg:
    """``keyword=value``, spaced as PEP 8 has it."""
    no_space = cst.SimpleWhitespace("")
    return cst.Arg(
        keyword=cst.Name(keyword),
        value=value,
        equal=cst.AssignEqual(whitespace_before=no_space, whitespace_after=no_space),
    )


def int_args(*values: int) -> list[cst.Arg]:
    return [cst.Arg(_integer(value)) for value in values]


def concatenated(torch: str, pieces: Sequence[cst.BaseExpression], dim: int) -> cst.Call:
    """``torch.cat([a, b, ...], dim=d)``, with ``torch`` the name the file imports torch under."""
    listing = cst.List([cst.Element(piece) for piece in pieces])
    return cst.Call(
        func=cst.Attribute(value=cst.Name(torch), attr=cst.Name("cat")),
        args=[cst.Arg(listing), _keyword_arg("dim", _integer(dim))],
    )


def moved_axes(receiver: cst.BaseExpression, order: Sequence[int]) -> cst.Call:
    """``x.transpose(i, j)`` when ``order`` swaps two axes, else ``x.permute(...)``."""
    swapped = [i for i, j in enumerate(order) if i != j]
    if len(swapped) == 2:
        return method_call(receiver, "transpose", int_args(*swapped))
    return method_call(receiver, "permute", int_args(*order))


def renamed_method(call: cst.Call, method: str) -> cst.Call | None:
    """``x.view(...)`` -> ``x.<method>(...)``, same arguments."""
    if not isinstance(call.func, cst.Attribute):
        return None
    return call.with_changes(func=call.func.with_changes(attr=cst.Name(method)))


def with_keyword(call: cst.Call, keyword: str, value: str, position: int) -> cst.Call:
    """The call with ``keyword=value``, replacing the argument given by keyword or at ``position``."""
    args = list(call.args)
    new_value = cst.parse_expression(value)
    for index, arg in enumerate(args):
        if arg.keyword is not None and arg.keyword.value == keyword:
            args[index] = arg.with_changes(value=new_value)
            return call.with_changes(args=args)
    positional = [index for index, arg in enumerate(args) if arg.keyword is None and not arg.star]
    if position < len(positional):
        args[positional[position]] = args[positional[position]].with_changes(value=new_value)
        return call.with_changes(args=args)
    if args and args[-1].comma is not cst.MaybeSentinel.DEFAULT:
        # The user's trailing comma now separates the new argument.
        args[-1] = args[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
    args.append(_keyword_arg(keyword, new_value))
    return call.with_changes(args=args)
