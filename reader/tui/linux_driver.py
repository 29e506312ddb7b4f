"""Textual's Linux driver, but quitting does not wait on its input thread.

Textual 8.2.8's input thread (`LinuxDriver.run_input_thread`) looks for its exit flag once every
0.1 s of `select` on the terminal, and once it sees it, unregisters the terminal and selects 0.1 s
more on no file at all; `disable_input` joins that thread when the app stops, so every quit waited
0.1-0.2 s with nothing left to do (measured in a pty: 100-200 ms between the quit key and the
terminal given back). Here the exit flag, when set, also writes to a pipe that the thread's select
watches, so the thread ends as soon as it is told to, and there is no last sleep. The rest (parsing
keys, mouse and resize sequences, restoring the terminal) is Textual's own: only the thread's loop
is replaced, and it is Textual's loop otherwise (tests/test_quit_pty.py runs the app in a real
pseudo-terminal).
"""

from __future__ import annotations

import os
import selectors
import threading
from codecs import getincrementaldecoder

from textual._parser import ParseError
from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver


class WakingEvent(threading.Event):
    """A `threading.Event` whose `set` also makes `fileno` readable, for a thread waiting in select."""

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._pipe: tuple[int, int] | None = os.pipe()

    def fileno(self) -> int:
        assert self._pipe is not None, "closed"
        return self._pipe[0]

    def set(self) -> None:
        super().set()
        with self._lock:
            if self._pipe is not None:
                os.write(self._pipe[1], b"x")  # never drained: every select after this returns at once

    def close(self) -> None:
        with self._lock:
            if self._pipe is not None:
                for fd in self._pipe:
                    os.close(fd)
                self._pipe = None


class QuickQuitLinuxDriver(LinuxDriver):
    def start_application_mode(self) -> None:
        self.exit_event = WakingEvent()  # one per start: suspend and resume start again
        super().start_application_mode()

    def run_input_thread(self) -> None:
        """Textual's loop (feed what the terminal sends to the parser, tick it), woken by the flag."""
        exit_event = self.exit_event
        assert isinstance(exit_event, WakingEvent)
        fileno = self.fileno
        selector = selectors.SelectSelector()
        selector.register(fileno, selectors.EVENT_READ)
        selector.register(exit_event.fileno(), selectors.EVENT_READ)
        parser = XTermParser(self._debug)
        decode = getincrementaldecoder("utf-8")().decode
        try:
            while not exit_event.is_set():
                for key, mask in selector.select(0.1):
                    if key.fd == fileno and mask & selectors.EVENT_READ:
                        data = decode(os.read(fileno, 1024 * 4))
                        for event in parser.feed(data) if data else ():
                            self.process_message(event)
                for event in parser.tick():
                    self.process_message(event)
        finally:
            selector.close()
            exit_event.close()
            try:
                for _event in parser.feed(""):
                    pass
            except (EOFError, ParseError):
                pass
