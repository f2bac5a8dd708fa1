"""A file on which shapelint itself failed."""

from __future__ import annotations

from shapelint.static.rules import FileRule


class AnalysisError(FileRule):
    """shapelint failed while analysing this file; the file was not checked.

    ## What it does
    Reports an internal error (with its type and message) instead of a traceback, and
    goes on with the other files.

    ## Why is this bad?
    It is a bug in shapelint, not in your code: please report it with the file (or
    the smallest part of it that still fails).

    ## Example
    Code so deeply nested that the parser runs out of recursion depth.

    ## Use instead
    Report the bug; meanwhile `# noqa` cannot silence it, but `exclude` can.
    """

    code = "SHP009"
    name = "analysis-error"
    fix_title = "Report the bug; exclude the file meanwhile"
