"""Our own light tracking of imports: which local name stands for which torch path.

libcst's QualifiedNameProvider would do this for every name in the file and costs
more than the parse itself (FACTS.md); a module's imports are few, so we read them.
"""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from shapelint.static.knowledge import MODULE_ALIASES


def dotted_name(node: cst.BaseExpression) -> str | None:
    """``a.b.c`` for a chain of names and attributes, else None."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = dotted_name(node.value)
        return None if base is None else f"{base}.{node.attr.value}"
    return None


def _module_path(node: cst.Attribute | cst.Name) -> str:
    return dotted_name(node) or ""


def _statements(body: Sequence[cst.CSTNode]) -> list[cst.BaseSmallStatement]:
    """Import statements at module level, also inside top-level ``if``/``try`` blocks."""
    found: list[cst.BaseSmallStatement] = []
    for statement in body:
        if isinstance(statement, cst.SimpleStatementLine):
            found.extend(small for small in statement.body if isinstance(small, (cst.Import, cst.ImportFrom)))
        elif isinstance(statement, (cst.If, cst.Try)):
            found.extend(_statements(statement.body.body))
            extra = statement.orelse if isinstance(statement, cst.If) else None
            if isinstance(extra, cst.Else):
                found.extend(_statements(extra.body.body))
            if isinstance(statement, cst.Try):
                for handler in statement.handlers:
                    found.extend(_statements(handler.body.body))
    return found


def canonical(path: str) -> str:
    """``torch.nn.modules.rnn.LSTM`` -> ``torch.nn.LSTM``."""
    for long, short in sorted(MODULE_ALIASES.items(), key=lambda item: -len(item[0])):
        if path.startswith(long + "."):
            return short + path[len(long) :]
    return path


def import_aliases(module: cst.Module) -> dict[str, str]:
    """Local name -> dotted path for the module's imports (``nn`` -> ``torch.nn``)."""
    aliases: dict[str, str] = {}
    for statement in _statements(module.body):
        if isinstance(statement, cst.Import):
            for alias in statement.names:
                path = _module_path(alias.name)
                if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                    aliases[alias.asname.name.value] = path
                else:
                    head = path.split(".")[0]
                    aliases[head] = head
        elif isinstance(statement, cst.ImportFrom) and statement.relative == () and statement.module is not None:
            base = _module_path(statement.module)
            if isinstance(statement.names, cst.ImportStar):
                continue
            for alias in statement.names:
                name = _module_path(alias.name)
                local = name
                if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                    local = alias.asname.name.value
                aliases[local] = f"{base}.{name}"
    return aliases


def resolve(node: cst.BaseExpression, aliases: dict[str, str]) -> str | None:
    """The canonical torch path an expression names, if it names one through an import."""
    name = dotted_name(node)
    if name is None:
        return None
    head, _, rest = name.partition(".")
    if head not in aliases:
        return None
    full = aliases[head] + ("." + rest if rest else "")
    return canonical(full)
