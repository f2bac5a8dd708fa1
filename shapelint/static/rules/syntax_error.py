"""A file that does not parse."""

from __future__ import annotations

from shapelint.static.rules import FileRule


class InvalidSyntax(FileRule):
    """The file is not valid Python, so nothing in it was checked.

    ## What it does
    Reports a file that libcst cannot parse, at the line and column of the error.
    The run goes on with the other files.

    ## Why is this bad?
    shapelint cannot say anything about code it cannot read; a silent skip would
    look like a clean file.

    ## Example
    ```python
    def forward(self, x:
        return x
    ```

    ## Use instead
    Fix the syntax error (your editor or `python -m py_compile FILE` shows it).
    """

    code = "SHP001"
    name = "syntax-error"
    fix_title = "Fix the syntax error"
    VALID = ("x = torch.zeros(2, 3).view(3, 2)\n", "def f(x):\n    return x.view(-1)\n")
    INVALID = ("def forward(self, x:\n    return x.transpose(0, 1).view(-1)\n", "rnn = nn.LSTM(4, 8\ny = rnn(x)\n")
