"""What the annotation app and the review app share: plain-text messages, save reports, quitting
that waits for the last save, and help generated from the keymap in force."""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.binding import Binding
from textual.notifications import SeverityLevel

from reader.files.keymap import KEYMAP_DIR, Keymap
from reader.tui.help import HelpRow, HelpScreen


def short_path(path: str) -> str:
    """A shipped keymap by its name, another file by its path (home as ~): no machine's paths on screen."""
    p = Path(path)
    if p.parent == KEYMAP_DIR:
        return p.stem
    home = str(Path.home())
    return "~" + path[len(home):] if path.startswith(home + "/") else path


class KeyedApp(App):
    """An app with a `session` (open document, lock, autosave) and a checked `keymap`."""

    CSS_PATH = "app.tcss"
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", priority=True, id="app.quit", tooltip="Save and quit")]
    LOST = "the last edits"
    """What quitting despite a failing save would lose, in the warning."""

    keymap: Keymap

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = False) -> None:
        """`App.notify`, but always plain text: messages carry article text, search words, ids and
        paths, and as markup "[/x]" raises MarkupError when the toast is drawn (the app dies) and
        "[sic]" vanishes. Forced, not only defaulted: `Widget.notify` passes markup=True on to here."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def _report_save(self, error: str | None) -> None:
        """Called from the autosave thread."""
        message = error or "Saved again after the failure; nothing was lost."
        self.call_from_thread(self.notify, message, severity="error" if error else "information", timeout=6)

    _quit_anyway = False

    async def action_quit(self) -> None:
        session = self.session  # type: ignore[attr-defined]
        if not session.leave(timeout=5.0) and not self._quit_anyway:
            self._quit_anyway = True
            error = session.saver.last_error if session.saver else "unknown error"
            self.notify(f"Could not save ({error}). Press ctrl+q again to quit and lose {self.LOST}.",
                        severity="error", timeout=15)
            return
        self.exit()

    def help_rows(self) -> list[HelpRow]:
        from reader.tui.catalog import bindings, normalise_keys

        rows = []
        for where, binding in bindings():
            keys = normalise_keys(self.keymap.keys.get(binding.id, binding.key) if binding.id else binding.key)
            shown = ", ".join(self.get_key_display(Binding(k.strip(), "")) for k in keys.split(","))
            rows.append(HelpRow(where, shown, binding.tooltip or binding.description, binding.id or ""))
        return rows

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self.help_rows(), tuple(short_path(p) for p in self.keymap.sources)))
