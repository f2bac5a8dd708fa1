"""What every rule is, in either half: a code, a name, documentation and examples.

A rule's docstring follows one contract, checked by the test suite::

    <summary line>

    ## What it does
    ## Why is this bad?
    ## Example
    ## Use instead

``VALID`` and ``INVALID`` are small programs that the test suite runs through the
rule's engine: every invalid one must produce exactly one finding with the rule's
code, every valid one none.
"""

from __future__ import annotations

import inspect
from typing import ClassVar

DOC_SECTIONS = ("## What it does", "## Why is this bad?", "## Example", "## Use instead")


class Rule:
    """Base of all rules. Subclasses set the class attributes and a docstring."""

    code: ClassVar[str]
    name: ClassVar[str]
    fix_title: ClassVar[str]
    VALID: ClassVar[tuple[str, ...]] = ()
    INVALID: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def docs(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def summary(cls) -> str:
        return cls.docs().partition("\n")[0].strip()
