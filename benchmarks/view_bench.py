"""Speed and memory of the article view on War and Peace with 20,000 spans, against a 1 KB article
and against a stock read-only TextArea. Prints one JSON object a line: {"name", "value", "unit"}.

Every figure comes from its own subprocess (so peak RSS is that case's alone), all in one run; the
view's cases run three times and report medians.
- open: from building the app (the annotations already in memory, as `Store.load` gives them) to
  the first screen drawn after the text widget painted a line;
- key: from sending a key event to the screen's next refresh (a hook on `App._display`, which every
  compositor update goes through), not Pilot's pause; median over cursor moves and selection
  extension, deep in the book (from its middle);
- memory: ru_maxrss of the process;
- startup: from starting `reader` to its first drawn screen of the seed, against a bare Textual app
  showing the same text in a TextArea, in turns, both from bytecode (reader's compiled first into a
  cache of the bench's own, as pip compiles an installed wheel); quit: from ctrl+q to the process gone, nothing
  pending, in a pseudo-terminal.

    python benchmarks/view_bench.py [--book PATH] [--keys N] [--repeat N]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BOOK = next(
    (p for p in (ROOT.parent / "shared" / "corpora" / "war-and-peace.txt", Path("/work/shared/corpora/war-and-peace.txt")) if p.exists()),
    ROOT.parent / "shared" / "corpora" / "war-and-peace.txt",
)
SEED = ROOT / "seeds" / "euronews-kazakhstan-torture.txt"
SIZE = (120, 40)
KEYS = ["right", "down", "shift+right", "shift+down", "w", "left", "up", "shift+left", "b",
        "right_parenthesis", "shift+down", "right_curly_bracket", "shift+up", "down"]
"""Cursor moves and selection extensions, in a cycle."""


def load_text(kind: str, book: Path) -> str:
    from reader.files.corpus import normalise_text

    if kind == "book":
        return normalise_text(book.read_text("utf-8"))[0]
    text = normalise_text(SEED.read_text("utf-8"))[0]
    cut = text.rfind("\n\n", 0, 1024)
    return text[: cut if cut > 0 else 1024]


def make_spans(text: str, count: int) -> list[tuple[int, int]]:
    """`count` spans spread evenly over the text, on word edges (three words each), one in five
    nested in a longer one (eight words). No list of every word: peak memory stays the view's."""
    import regex

    word = regex.compile(r"\w+")
    out: list[tuple[int, int]] = []
    step = max(1, len(text) * 6 // (5 * max(1, count)))  # six spans every five steps
    pos = 0
    while len(out) < count:
        ends = []
        at = pos
        for _ in range(8):
            m = word.search(text, at)
            if m is None:
                break
            if not ends:
                start = m.start()
            ends.append(m.end())
            at = m.end()
        if len(ends) < 8:
            break
        out.append((start, ends[2]))
        if len(out) % 5 == 0 and len(out) < count:
            out.append((start, ends[7]))  # an outer span around the last one
        pos = max(pos + step, ends[2])
    return out[:count]


def build_annotations(text: str, count: int):
    from reader.core.annotations import DocAnnotations
    from reader.core.model import Document, Span
    from reader.core.schema import default_schema

    schema = default_schema()
    labels = schema.label_names
    spans = [
        Span(f"s{n}", s, e, labels[n % len(labels)], text[s:e])
        for n, (s, e) in enumerate(make_spans(text, count), 1)
    ]
    return DocAnnotations(Document("bench", text), schema, spans), schema


def run_case(widget: str, kind: str, book: Path, keys: int) -> dict:
    """One measured case, in this process."""
    from textual import events
    from textual.app import App
    from textual.widgets import TextArea

    from reader.tui.article import ArticleView

    text = load_text(kind, book)
    t = time.perf_counter()
    if widget == "view":
        ann, schema = build_annotations(text, 20000 if kind == "book" else 6)
    build_s = time.perf_counter() - t  # the TextArea baseline is a bare app: the text only
    state = {"painted": False, "opened": None, "waiter": None, "shown": None}

    class View(ArticleView):
        def render_line(self, y):
            state["painted"] = True
            return super().render_line(y)

    class Area(TextArea):
        def render_line(self, y):
            state["painted"] = True
            return super().render_line(y)

    class Bench(App):
        def compose(self):
            if widget == "view":
                yield View(ann, schema, id="w")
            else:
                yield Area(text, read_only=True, id="w")

        def on_mount(self) -> None:
            self.query_one("#w").focus()

        def _display(self, screen, renderable) -> None:
            super()._display(screen, renderable)
            if renderable is None or not state["painted"]:
                return
            now = time.perf_counter()
            if state["opened"] is None:
                state["opened"] = now
            waiter = state["waiter"]
            if waiter is not None and not waiter.done():
                state["shown"] = now
                waiter.set_result(None)

    async def main() -> dict:
        app = Bench()
        t0 = time.perf_counter()
        async with app.run_test(size=SIZE) as pilot:
            while state["opened"] is None:
                await asyncio.sleep(0.001)
            open_s = state["opened"] - t0
            target = app.query_one("#w")
            if widget == "view":
                target.scroll_to_offset(len(text) // 2)
            else:
                row = text.count("\n", 0, len(text) // 2)
                target.move_cursor((row, 0), center=True)
            await pilot.pause()
            latencies = []
            loop = asyncio.get_running_loop()
            for n in range(keys):
                key = KEYS[n % len(KEYS)]
                await pilot.pause()
                state["waiter"] = loop.create_future()
                event = events.Key(key, None)
                event.set_sender(app)
                sent = time.perf_counter()
                app._driver.send_message(event)
                try:
                    await asyncio.wait_for(state["waiter"], 2)
                except asyncio.TimeoutError:  # nothing to redraw (e.g. escape without selection)
                    continue
                latencies.append(state["shown"] - sent)
            return {"open_s": open_s, "key_ms": statistics.median(latencies) * 1000, "keys": len(latencies)}

    result = asyncio.run(main())
    result["build_s"] = build_s
    result["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def run_label_case(book: Path, keys: int) -> dict:
    """The whole app on a project whose one document is the book with 20,000 saved spans: median time
    from a label key (on a fresh selection) to the redrawn screen, with the autosave running."""
    import tempfile

    from textual import events

    from reader.core.schema import default_schema
    from reader.files.labels import write_schema
    from reader.files.project import Project
    from reader.tui.app import create_app

    text = load_text("book", book)
    tmp = Path(tempfile.mkdtemp())
    (tmp / "seeds").mkdir()
    (tmp / "seeds" / "book.txt").write_text(text, "utf-8")
    write_schema(tmp, default_schema())
    project = Project(tmp)
    ann, _schema = build_annotations(project.corpus.get("book").text, 20000)
    ann.document = project.corpus.get("book")
    t = time.perf_counter()
    project.store.save("bench", ann)
    save_s = time.perf_counter() - t
    app = create_app(project, "bench")
    state = {"waiter": None, "shown": None}
    original = app._display

    def display(screen, renderable) -> None:
        original(screen, renderable)
        waiter = state["waiter"]
        if renderable is not None and waiter is not None and not waiter.done():
            state["shown"] = time.perf_counter()
            waiter.set_result(None)

    app._display = display

    async def main() -> list[float]:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            screen = app.screen
            view = screen.article
            view.scroll_to_offset(len(text) // 2)
            await pilot.pause()
            loop = asyncio.get_running_loop()
            latencies = []
            for n in range(keys):
                at = view.seg.next_word(view.cursor + 1)
                end = view.seg.next_word(at)
                view.select(at, max(at + 1, end - 1))
                await pilot.pause()
                state["waiter"] = loop.create_future()
                event = events.Key(str(1 + n % 4), None)
                event.set_sender(app)
                sent = time.perf_counter()
                app._driver.send_message(event)
                await asyncio.wait_for(state["waiter"], 5)
                latencies.append(state["shown"] - sent)
                view.move_to(end + 1)
            app.session.saver.flush(30)
            return latencies

    latencies = asyncio.run(main())
    return {"label_key_ms": statistics.median(latencies) * 1000, "book_save_ms": save_s * 1000}


STARTUP = """
import sys, time
t0 = float(sys.argv[1])
kind = sys.argv[2]
from textual.app import App
if kind == "reader":
    from reader.commands.cli import main
    from reader.tui import app as reader_app
    original = reader_app.ReaderApp._display
    def display(self, screen, renderable):
        original(self, screen, renderable)
        if renderable is not None and self.screen.query("ArticleView"):
            print(time.time() - t0, flush=True)
            self.exit()
    reader_app.ReaderApp._display = display
    run = reader_app.ReaderApp.run  # the app's own run (KeyedApp.run), headless at the bench's size
    reader_app.ReaderApp.run = lambda self, **kw: run(self, headless=True, size=(120, 40))
    sys.argv = ["reader", "--project", sys.argv[3]]
    main()
else:
    from textual.widgets import TextArea
    text = open(sys.argv[3] + "/seeds/euronews-kazakhstan-torture.txt", encoding="utf-8").read()
    class Bare(App):
        def compose(self):
            yield TextArea(text, read_only=True)
        def _display(self, screen, renderable):
            super()._display(screen, renderable)
            if renderable is not None and self.screen.query("TextArea"):
                print(time.time() - t0, flush=True)
                self.exit()
    Bare().run(headless=True, size=(120, 40))
"""


def startup(repeat: int) -> tuple[float, float]:
    """Median seconds from starting the process to its first drawn screen of the seed: `reader`'s and
    the bare app's, taken in turns (on a shared machine, load that comes and goes hits both alike)."""
    import compileall
    import os
    import tempfile

    times: dict[str, list[float]] = {"reader": [], "bare": []}
    cache = tempfile.TemporaryDirectory(prefix="reader-pycache-")
    # An installed reader runs from bytecode (pip compiles a wheel's modules, as it did Textual's),
    # while a checkout under PYTHONDONTWRITEBYTECODE (set on this machine) would compile all of
    # reader from source at every start: compile once, into a cache of the bench's own.
    env = {**os.environ, "READER_ANNOTATOR": "bench", "PYTHONPYCACHEPREFIX": cache.name}
    own_prefix, sys.pycache_prefix = sys.pycache_prefix, cache.name
    compileall.compile_dir(str(ROOT / "reader"), quiet=1)
    sys.pycache_prefix = own_prefix
    for _ in range(repeat):
        for kind in times:
            with tempfile.TemporaryDirectory() as tmp:
                (Path(tmp) / "seeds").mkdir()
                (Path(tmp) / "seeds" / SEED.name).write_bytes(SEED.read_bytes())
                (Path(tmp) / "annotations").mkdir()
                out = subprocess.run(
                    [sys.executable, "-c", STARTUP, repr(time.time()), kind, tmp],
                    capture_output=True, text=True, check=True, cwd=ROOT,
                    env={**env, "READER_CONFIG_DIR": tmp},
                )
                times[kind].append(float(out.stdout.strip().splitlines()[-1]))
    cache.cleanup()
    return statistics.median(times["reader"]), statistics.median(times["bare"])


def quit_time(repeat: int) -> float:
    """Median seconds from ctrl+q to the process gone, with nothing pending: `reader` on the seed in a
    pseudo-terminal (Textual's Linux driver, as a user runs it), the key sent once the article is
    drawn and the app has been idle a moment."""
    import os
    import pty
    import select
    import tempfile

    def read_all(fd: int, until: bytes | None) -> bytes:
        seen = b""
        while until is None or until not in seen:
            ready, _, _ = select.select([fd], [], [], 0.3 if until is None else 30)
            if not ready:
                if until is None:
                    return seen
                raise RuntimeError(f"reader never drew {until!r}")
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                return seen
            if not chunk:
                return seen
            seen += chunk
        return seen

    times = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            (Path(tmp) / "seeds").mkdir()
            (Path(tmp) / "seeds" / SEED.name).write_bytes(SEED.read_bytes())
            (Path(tmp) / "annotations").mkdir()
            env = {**os.environ, "READER_ANNOTATOR": "bench", "READER_CONFIG_DIR": tmp, "TERM": "xterm-256color"}
            pid, fd = pty.fork()
            if pid == 0:
                try:
                    os.execve(sys.executable, [sys.executable, "-m", "reader", "--project", tmp], env)
                finally:
                    os._exit(127)
            read_all(fd, b"Relatives")
            read_all(fd, None)  # until the screen has been still for 0.3 s
            sent = time.perf_counter()
            os.write(fd, b"\x11")
            read_all(fd, b"\x1b[?1049l")  # the terminal given back...
            while not os.waitpid(pid, os.WNOHANG)[0]:  # ...and the process gone
                time.sleep(0.001)
            times.append(time.perf_counter() - sent)
            os.close(fd)
    return statistics.median(times)


def case(widget: str, kind: str, book: Path, keys: int, repeat: int = 1) -> dict:
    """Median of each figure over `repeat` fresh processes (the machine is shared: noise)."""
    runs = []
    for _ in range(repeat):
        out = subprocess.run(
            [sys.executable, __file__, "--case", widget, kind, "--book", str(book), "--keys", str(keys)],
            capture_output=True, text=True, check=True, cwd=ROOT,
        )
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    return {name: statistics.median(run[name] for run in runs) for name in runs[0]}


def emit(name: str, value: float, unit: str) -> None:
    print(json.dumps({"name": name, "value": round(value, 4), "unit": unit}), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--book", type=Path, default=BOOK)
    parser.add_argument("--keys", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=3, help="processes per view case")
    parser.add_argument("--case", nargs=2, metavar=("WIDGET", "DOC"))
    args = parser.parse_args()
    if args.case:
        if args.case[0] == "label":
            print(json.dumps(run_label_case(args.book, args.keys)))
        else:
            print(json.dumps(run_case(args.case[0], args.case[1], args.book, args.keys)))
        return
    reader_start, bare_start = startup(7)
    emit("startup_ratio", reader_start / bare_start, "x")
    emit("startup_s", reader_start, "s")
    emit("startup_bare_s", bare_start, "s")
    emit("quit_s", quit_time(5), "s")
    label = case("label", "book", args.book, 30)
    emit("label_key_ms", label["label_key_ms"], "ms")
    emit("book_save_ms", label["book_save_ms"], "ms")
    small = case("view", "small", args.book, args.keys, args.repeat)
    book = case("view", "book", args.book, args.keys, args.repeat)
    area_book = case("textarea", "book", args.book, max(10, args.keys // 3))
    area_small = case("textarea", "small", args.book, args.keys)
    emit("open_book_ratio", book["open_s"] / small["open_s"], "x")
    emit("key_latency_book_ratio", book["key_ms"] / small["key_ms"], "x")
    emit("key_latency_book_ms", book["key_ms"], "ms")
    emit("key_latency_small_ms", small["key_ms"], "ms")
    emit("open_book_s", book["open_s"], "s")
    emit("open_small_s", small["open_s"], "s")
    emit("memory_book_ratio", book["maxrss_mb"] / area_book["maxrss_mb"], "x")
    emit("memory_book_mb", book["maxrss_mb"], "MB")
    emit("annotations_book_build_s", book["build_s"], "s")
    emit("textarea_open_book_s", area_book["open_s"], "s")
    emit("textarea_open_book_ratio", area_book["open_s"] / area_small["open_s"], "x")
    emit("textarea_key_latency_book_ms", area_book["key_ms"], "ms")
    emit("textarea_key_latency_book_ratio", area_book["key_ms"] / area_small["key_ms"], "x")
    emit("textarea_memory_book_mb", area_book["maxrss_mb"], "MB")


if __name__ == "__main__":
    main()
