"""What the annotation app and the review app share: plain-text messages, one toast at a time for
news, save reports, quitting that waits for the last save, help generated from the keymap in force,
and a footer that keeps Help and Quit on an 80-column screen."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import HorizontalGroup
from textual.driver import Driver
from textual.notifications import Notify, SeverityLevel
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from reader.files.keymap import KEYMAP_DIR, Keymap

if TYPE_CHECKING:  # the help loads when it is first opened, not before the first frame
    from reader.tui.help import HelpRow


def short_path(path: str) -> str:
    """A shipped keymap by its name, another file by its path (home as ~): no machine's paths on screen."""
    p = Path(path)
    if p.parent == KEYMAP_DIR:
        return p.stem
    home = str(Path.home())
    return "~" + path[len(home):] if path.startswith(home + "/") else path


class KeyFooter(Footer):
    """Textual's footer with Help and Quit pinned at its right end, beside the palette key, and only
    whole keys to their left.

    Textual lays the keys out in binding order (the focused widget's first, the app's last) and cuts
    whatever passes the right edge, so at 80 columns Help and Quit, the keys a newcomer looks for,
    were the ones cut, and the last key shown was cut in half. Here they are docked right, and the
    keys that do not fit in full before them are hidden (all of them are in help and the palette)."""

    PINNED = ("app.help", "help", "app.quit", "quit")
    """The actions whose keys stay in view at any width."""

    DEFAULT_CSS = """
    KeyFooter #pinned {
        dock: right;
        width: auto;
        height: 1;
        border-left: vkey $foreground 20%;
        FooterKey.-command-palette { dock: none; border-left: none; }
    }
    """

    def compose(self) -> ComposeResult:
        pinned: list[FooterKey] = []
        last: list[FooterKey] = []
        for widget in super().compose():
            if isinstance(widget, FooterKey) and widget.action in self.PINNED:
                pinned.append(widget)
            elif isinstance(widget, FooterKey) and widget.has_class("-command-palette"):
                last.append(widget)
            else:
                yield widget
        if pinned or last:
            yield HorizontalGroup(*pinned, *last, id="pinned")

    def on_resize(self) -> None:
        self._fit()

    def on_mount(self) -> None:  # Footer's own on_mount runs too (Textual calls each class's handler)
        self.call_after_refresh(self._fit)

    async def recompose(self) -> None:
        """Textual recomposes the footer whenever the active bindings change."""
        await super().recompose()
        self.call_after_refresh(self._fit)

    def _fit(self) -> None:
        """Hide the flowing keys from the first one that would not fit whole before the pinned ones
        (widths from what each key draws, so the result does not wait for a layout)."""
        room = self.size.width
        for group in self.query_children("#pinned"):
            room -= sum(key.render().cell_len for key in group.query_children(FooterKey)) + 1  # + its border
        used = 0
        for key in self.query_children(FooterKey):
            used += key.render().cell_len + key.styles.margin.width
            key.display = used <= room


class KeyedApp(App):
    """An app with a `session` (open document, lock, autosave) and a checked `keymap`."""

    CSS_PATH = "app.tcss"
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", priority=True, id="app.quit", tooltip="Save and quit")]
    LOST = "the last edits"
    """What quitting despite a failing save would lose, in the warning."""

    keymap: Keymap

    def get_driver_class(self) -> type[Driver]:
        """Textual's choice, but on Linux a driver whose quit does not wait 0.1-0.2 s on its input
        thread (`reader.tui.linux_driver`)."""
        driver = super().get_driver_class()
        from textual.drivers.linux_driver import LinuxDriver

        if driver is LinuxDriver:
            from reader.tui.linux_driver import QuickQuitLinuxDriver

            return QuickQuitLinuxDriver
        return driver

    def run(self, *args: Any, **kwargs: Any) -> Any:
        """`App.run`, for the process that is the app (the command line; `run_test` does not come
        here). What is built before the first frame (modules, the corpus, the open document's
        annotations) lives as long as the process: `gc.freeze()` takes it out of the collector's
        sight, so no collection during the session walks it again, nor Python's last one at exit
        (60-150 ms of every quit, with nothing to free that the process's end does not free)."""
        gc.freeze()
        try:
            return super().run(*args, **kwargs)
        finally:
            gc.freeze()

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = False) -> None:
        """`App.notify`, but always plain text: messages carry article text, search words, ids and
        paths, and as markup "[/x]" raises MarkupError when the toast is drawn (the app dies) and
        "[sic]" vanishes. Forced, not only defaulted: `Widget.notify` passes markup=True on to here."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def on_notify(self, event: Notify) -> None:
        """One toast at a time for news: a new information toast replaces the one shown (ten fast
        undos are one toast that updates, not ten stacked over the screen), and a warning or error
        replaces only its own repeat; other warnings and errors stay until their time is up.

        (Runs beside Textual's own handler, which adds `event.notification` and redraws the toasts
        after this: the order does not matter, the new one is never removed here.)"""
        new = event.notification
        for old in list(self._notifications):
            if old.identity != new.identity and (
                old.severity == new.severity == "information"
                or (old.severity, old.title, old.message) == (new.severity, new.title, new.message)
            ):
                self._unnotify(old, refresh=False)

    def action_help_quit(self) -> None:
        """ctrl+c: Textual's own notice ("Press [b]ctrl+q[/b] to quit the app", in textual/app.py) is
        markup, which `notify` here never renders; the same notice in plain words, with the quit key
        the keymap gives."""
        for key, active in self.active_bindings.items():
            if active.binding.action in ("quit", "app.quit"):
                self.notify(f"Press {key} to quit (ctrl+c does not quit).", title="Do you want to quit?")
                return

    def _report_save(self, error: str | None) -> None:
        """Called from the autosave thread."""
        message = error or "Saved again after the failure; nothing was lost."
        if not self.is_running:  # the app has quit (despite a failing save): nobody is left to tell
            return
        try:
            self.call_from_thread(self.notify, message, severity="error" if error else "information", timeout=6)
        except RuntimeError:  # the app has quit (despite a failing save): nobody is left to tell
            pass

    _quit_anyway = False

    async def action_quit(self) -> None:
        session = self.session  # type: ignore[attr-defined]
        if not session.leave(timeout=5.0) and not self._quit_anyway:
            self._quit_anyway = True
            saver = session.saver
            error = saver.last_error if saver else "unknown error"
            if saver is not None and saver.journaled:
                message = (f"Could not write the annotation file ({error}). The edits are kept in its "
                           "journal and come back when the document is opened. Press ctrl+q again to quit.")
            else:
                message = f"Could not save ({error}). Press ctrl+q again to quit and lose {self.LOST}."
            self.notify(message, severity="error", timeout=15)
            return
        self.exit()

    def help_rows(self) -> list[HelpRow]:
        from reader.tui.catalog import bindings, normalise_keys
        from reader.tui.help import HelpRow

        rows = []
        for where, binding in bindings():
            keys = normalise_keys(self.keymap.keys.get(binding.id, binding.key) if binding.id else binding.key)
            shown = ", ".join(self.get_key_display(Binding(k.strip(), "")) for k in keys.split(","))
            rows.append(HelpRow(where, shown, binding.tooltip or binding.description, binding.id or ""))
        return rows

    def action_help(self) -> None:
        from reader.tui.help import HelpScreen

        self.push_screen(HelpScreen(self.help_rows(), tuple(short_path(p) for p in self.keymap.sources)))
