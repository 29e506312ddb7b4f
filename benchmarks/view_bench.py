"""Speed and memory of the article view on War and Peace with 20,000 spans, against a 1 KB article
and against a stock read-only TextArea. Prints one JSON object a line: {"name", "value", "unit"}.

Every figure comes from its own subprocess (so peak RSS is that case's alone), all in one run; the
view's cases run three times and report medians.
- open: from building the app (the annotations already in memory, as `Store.load` gives them) to
  the first screen drawn after the text widget painted a line;
- key: from sending a key event to the screen's next refresh (a hook on `App._display`, which every
  compositor update goes through), not Pilot's pause; median over cursor moves and selection
  extension, deep in the book (from its middle);
- memory: ru_maxrss of the process.

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

BOOK = Path("/work/shared/corpora/war-and-peace.txt")
SEED = ROOT / "seeds" / "euronews-kazakhstan-torture.txt"
SIZE = (120, 40)
KEYS = ["right", "down", "shift+right", "shift+down", "w", "left", "up", "shift+left", "b",
        "right_parenthesis", "shift+down", "right_curly_bracket", "shift+up", "down"]
"""Cursor moves and selection extensions, in a cycle."""


def load_text(kind: str, book: Path) -> str:
    from reader.corpus import normalise_text

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
    from reader.model import DocAnnotations, Document, Span
    from reader.schema import default_schema

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
        print(json.dumps(run_case(args.case[0], args.case[1], args.book, args.keys)))
        return
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
