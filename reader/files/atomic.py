"""Writing a file so that a crash or a kill at any moment leaves the old file or the new one.

The lowest layer: the store writes annotation files with it, the schema writes labels.yaml.

The temporary file is `.<name>.<pid>.<random>.tmp` in the same folder. A kill between creating it and
the rename leaves it behind; `remove_stale` takes such leftovers away (the store calls it when it opens
a document): those of files whose lock the caller holds, whoever wrote them, and any other whose
writer (the pid in its name) is no longer running. `.gitignore` covers `.*.tmp` meanwhile.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path

_TEMP = re.compile(r"\.(?P<pid>\d+)\.[a-z0-9_]+\.tmp")
"""What follows `.<name>` in a temporary file's name (mkstemp's random part has no dot)."""
_OLD_TEMP = re.compile(r"\.[a-z0-9_]+\.tmp")
"""The same before the pid was in the name."""


def write_atomic(path: Path, text: str | bytes, create_dirs: bool = True) -> None:
    """Write `text` (or bytes, as they are) to `path` so that a crash leaves either the old or the new file."""
    path = Path(path)
    if create_dirs:
        path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, _file_mode(path))  # mkstemp makes 0600; keep the file's mode, else the umask's
        data = text.encode("utf-8") if isinstance(text, str) else text
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    try:  # make the rename itself durable
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError:  # pragma: no cover - not every filesystem allows it
        pass


def remove_stale(folder: Path, own: Iterable[str] = ()) -> list[Path]:
    """Remove the temporary files killed writes left in `folder`; the paths removed.

    `own` names files (`doc.json`) whose lock the caller holds: nobody else can be writing them, so
    every temporary file of theirs is stale. Any other is removed only when its writer is gone."""
    own = set(own)
    removed = []
    try:
        names = [n for n in os.listdir(folder) if n.startswith(".") and n.endswith(".tmp")]
    except OSError:
        return []
    for name in names:
        if not _stale(name, own):
            continue
        try:
            (Path(folder) / name).unlink()
            removed.append(Path(folder) / name)
        except OSError:
            pass
    return removed


def _stale(name: str, own: set[str]) -> bool:
    for target in own:
        rest = name[len(target) + 1 :]
        if name.startswith(f".{target}") and (_TEMP.fullmatch(rest) or _OLD_TEMP.fullmatch(rest)):
            return True
    found = re.search(_TEMP.pattern + "$", name)
    return found is not None and not _alive(int(found["pid"]))


def _alive(pid: int) -> bool:
    if pid <= 0:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process: alive
        return True
    return True


def _file_mode(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
