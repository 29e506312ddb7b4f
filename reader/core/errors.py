"""The one exception type a user's mistake raises.

Every layer raises `UserError` (or a subclass) for bad input: the command line turns it into one
line on stderr and exit status 2, the app into a notification. Messages name the file (and line)
and say what is wrong, so they start with the path when there is one.
"""

from __future__ import annotations


class UserError(Exception):
    """Bad input from the user: a file, a name or an argument. Shown as one line, never a traceback."""

    def __init__(self, message: str, path: object | None = None, line: int | None = None) -> None:
        self.path = None if path is None else str(path)
        self.line = line
        where = ""
        if self.path is not None:
            where = self.path + (f":{line}" if line is not None else "") + ": "
        super().__init__(where + message)
        self.message = message
