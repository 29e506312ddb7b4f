"""The package as a user installs it: a built wheel (not the editable checkout) in a fresh venv.

Every other test runs against the editable install, where files beside the package (the keymaps,
the label and cue defaults, the styles) are found even when the wheel would not ship them. These
tests build the wheel, install it into a venv outside the checkout and run `reader` from there.
"""

from __future__ import annotations

import os
import pty
import select
import shutil
import subprocess
import sys
import time
import tomllib
import venv
from pathlib import Path

import pytest

from tests.conftest import REPO


def test_every_package_on_disk_is_listed_for_the_wheel():
    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]["packages"])
    on_disk = {
        ".".join(p.parent.relative_to(REPO).parts) for p in (REPO / "reader").rglob("__init__.py")
    } | {"reader.keymaps"}
    assert on_disk == listed


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh venv outside the checkout with the built wheel installed; its bin/ folder."""
    root = tmp_path_factory.mktemp("wheel")
    dist = root / "dist"
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(dist), str(REPO)],
        capture_output=True, text=True,
    )
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = dist.glob("reader-*.whl")
    env_dir = root / "venv"
    venv.create(env_dir, with_pip=True)
    bin_dir = env_dir / "bin"
    done = subprocess.run(
        [str(bin_dir / "python"), "-m", "pip", "install", "--quiet", str(wheel)],
        capture_output=True, text=True, cwd=root,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return bin_dir


def _project(tmp_path: Path) -> Path:
    project = tmp_path / "news"
    shutil.copytree(REPO / "seeds", project / "seeds")
    (project / "annotations").mkdir()
    return project


def test_the_wheel_ships_the_keymaps_and_runs_outside_the_checkout(installed, tmp_path):
    where = subprocess.run(
        [str(installed / "python"), "-c",
         "import reader, reader.files.keymap as k; print(reader.__file__); print(sorted(p.stem for p in k.KEYMAP_DIR.glob('*.yaml')))"],
        capture_output=True, text=True, cwd=tmp_path, check=True,
    ).stdout.splitlines()
    assert not where[0].startswith(str(REPO)), "the checkout was imported, not the wheel"
    assert where[1] == "['default', 'emacs', 'vim']"
    project = _project(tmp_path)
    ok = subprocess.run([str(installed / "reader"), "--project", str(project), "validate"],
                        capture_output=True, text=True, cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    for name in ("vim", "emacs"):  # every shipped keymap is found and valid in the installed app
        check = subprocess.run(
            [str(installed / "python"), "-c",
             "import sys; from reader.tui.app import create_app; from reader.files.project import Project; "
             f"create_app(Project(sys.argv[1]), 'alice', keymap={name!r})", str(project)],
            capture_output=True, text=True, cwd=tmp_path,
        )
        assert check.returncode == 0, check.stderr


def _read_until(fd: int, needle: bytes, limit_s: float = 60.0) -> bytes:
    """Read a pty until `needle` was drawn (a guard against a hang, not a timing check)."""
    out = b""
    end = time.monotonic() + limit_s
    while needle not in out and time.monotonic() < end:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
    return out


def test_the_installed_app_starts_in_a_terminal_and_quits(installed, tmp_path):
    project = _project(tmp_path)
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "100", "LINES": "30", "READER_ANNOTATOR": "alice"}
    env.pop("TEXTUAL", None)
    pid, fd = pty.fork()
    if pid == 0:  # the child: the installed command, in a terminal of its own
        os.chdir(tmp_path)
        os.execve(str(installed / "reader"), [str(installed / "reader"), "--project", str(project)], env)
    try:
        screen = _read_until(fd, b"Kazakhstan")
        assert b"Kazakhstan" in screen, screen[-2000:]
        os.write(fd, b"\x11")  # ctrl+q
        _read_until(fd, b"\x00never", limit_s=15)
        _, status = os.waitpid(pid, 0)
    finally:
        try:
            os.kill(pid, 9)
        except ProcessLookupError:
            pass
        os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 0
