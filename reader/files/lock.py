"""An exclusive advisory lock on one annotator's document (`.<doc_id>.lock`, held with `flock`).

The kernel releases it when a process dies, so a crash never leaves a document locked; a second
process that cannot take it opens the document read-only and is told so.
"""

from __future__ import annotations

import os
from pathlib import Path

try:  # POSIX advisory locks; elsewhere the lock is a no-op.
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]


class DocLock:
    """An exclusive advisory lock on one annotator's document, held until `release()` or exit."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None
        self.refusal: str | None = None
        """Why the lock could not even be tried (e.g. "Read-only file system"); None: another process has it."""

    def acquire(self) -> bool:
        if fcntl is None:
            return True
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:  # a read-only disk or folder: nobody can write, so open read-only
            self.refusal = exc.strerror or str(exc)
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        return True

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing drops the flock
            self._fd = None

    def __del__(self) -> None:  # a lock nobody holds a reference to any more is released
        self.release()

    @property
    def held(self) -> bool:
        return self._fd is not None or fcntl is None
