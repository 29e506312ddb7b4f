"""The app in a real pseudo-terminal, with Textual's Linux driver as a user gets it (Pilot uses the
headless one): keys reach the app through `reader.tui.linux_driver`'s input loop, ctrl+q quits,
the edit made is on disk, and the terminal is given back (alternate screen left, cursor shown)."""

from __future__ import annotations

import json
import os
import select
import signal
import sys
import time

import pytest

from tests.conftest import SEED_ID

pty = pytest.importorskip("pty")

WAIT = 10.0
"""Seconds to wait for what the app should draw before failing (a safety net for a stuck app, not a
measure of it)."""


def read_until(fd: int, marker: bytes, seen: bytearray) -> None:
    deadline = time.monotonic() + WAIT
    while marker not in seen:
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        assert ready, f"the app never drew {marker!r}; it drew {bytes(seen[-400:])!r}"
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # the child closed the terminal
            chunk = b""
        assert chunk, f"the terminal closed before {marker!r}"
        seen += chunk


def read_to_end(fd: int, seen: bytearray) -> None:
    deadline = time.monotonic() + WAIT
    while True:
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        assert ready, "the app did not quit"
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            return
        if not chunk:
            return
        seen += chunk


def wait_or_kill(pid: int) -> int:
    """The child's exit status; a child still running after WAIT seconds is killed (the test fails)."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)
    return os.waitpid(pid, 0)[1]


def test_keys_reach_the_app_and_ctrl_q_quits_and_gives_the_terminal_back(project, tmp_path) -> None:
    import fcntl
    import struct
    import termios

    env = {**os.environ, "READER_ANNOTATOR": "tester", "READER_CONFIG_DIR": str(tmp_path / "config"),
           "TERM": "xterm-256color", "COLORTERM": "truecolor"}
    env.pop("TEXTUAL_DRIVER", None)
    pid, fd = pty.fork()
    if pid == 0:  # the child: the app, as the command line starts it (never pytest going on)
        try:
            os.execve(sys.executable, [sys.executable, "-m", "reader", "--project", str(project.path), SEED_ID], env)
        finally:
            os._exit(127)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    seen = bytearray()
    saved = project.path / "annotations" / "tester" / f"{SEED_ID}.json"
    try:
        read_until(fd, b"Relatives", seen)  # the article is on screen
        os.write(fd, b"s4")  # select the sentence, mark it a source (no picker opens)
        deadline = time.monotonic() + WAIT
        while not saved.exists() and time.monotonic() < deadline:  # until the autosave wrote it
            if select.select([fd], [], [], 0.05)[0]:
                seen += os.read(fd, 65536)
        os.write(fd, b"\x11")  # ctrl+q
        read_to_end(fd, seen)
    finally:
        status = wait_or_kill(pid)
        os.close(fd)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    tail = bytes(seen[-200:])
    assert b"\x1b[?1049l" in tail and b"\x1b[?25h" in tail  # alternate screen left, cursor shown
    spans = list(json.loads(saved.read_text("utf-8"))["spans"].values())
    assert [span["label"] for span in spans] == ["source"]
