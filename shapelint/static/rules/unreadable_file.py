"""A file that cannot be read at all."""

from __future__ import annotations

from shapelint.static.rules import FileRule


class UnreadableFile(FileRule):
    """The file could not be read (permissions, a broken link, a vanished file).

    ## What it does
    Reports the operating system's reason on line 1 of the file. The run goes on
    with the other files.

    ## Why is this bad?
    A file that was meant to be checked was not; a silent skip would look clean.

    ## Example
    A symbolic link `model.py -> ../gone/model.py` whose target was deleted.

    ## Use instead
    Fix the file's permissions or link, or exclude it in `[tool.shapelint] exclude`.
    """

    code = "SHP003"
    name = "unreadable-file"
    fix_title = "Make the file readable or exclude it"
