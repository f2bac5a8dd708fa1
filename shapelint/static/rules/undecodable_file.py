"""A file whose bytes are not text in its declared encoding."""

from __future__ import annotations

from shapelint.static.rules import FileRule


class UndecodableFile(FileRule):
    """The file's bytes do not decode in its encoding (UTF-8 unless a coding line says otherwise).

    ## What it does
    Reports a file that cannot be decoded, at the line of the first bad byte. The run
    goes on with the other files.

    ## Why is this bad?
    Python itself refuses to import such a file; shapelint cannot check it.

    ## Example
    A file saved as Latin-1 (`é` as the single byte `0xE9`) with no coding line.

    ## Use instead
    Save the file as UTF-8, or declare its encoding with `# -*- coding: latin-1 -*-`.
    """

    code = "SHP002"
    name = "undecodable-file"
    fix_title = "Save the file as UTF-8 or declare its encoding"
    # Examples are encoded as UTF-8 before linting: a coding line that says otherwise breaks them.
    VALID = ("# café\nx = 1\n", "# -*- coding: utf-8 -*-\nname = 'é'\n")
    INVALID = ("# -*- coding: ascii -*-\nname = 'é'\n", "# coding: ascii\nx = 1\n# naïve\n")
